"""The command line, run as a newcomer runs it: a subprocess with environment settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.appointments import counters
from actions.duplicates import find_duplicates
from actions.passwords import verify_password
from models import (
    Campaign,
    Client,
    ClientEvent,
    ClientOrigin,
    Enrollment,
    LoginAccount,
    Member,
    MemberState,
    Operator,
    Organization,
    OutboxMessage,
    Ticket,
    TicketState,
)
from tests.conftest import SECRET_KEY, SmtpServer, free_port, make_member
from tests.helpers import fresh

ROOT = Path(__file__).resolve().parent.parent


def run(
    database_url: str, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        input=stdin,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "LC_ALL": "",
            "LC_MESSAGES": "",
            "LANG": "C.UTF-8",  # English, whatever the shell running the suite speaks
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_builds_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"

    result = run(url, "migrate")

    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert run(url, "audit", "verify").stdout.strip() == "audit chain intact: 0 events"


def test_create_operator_reads_the_password_from_standard_input(
    database_url: str, session: Session
) -> None:
    result = run(
        database_url,
        "create-operator",
        "Bruno",
        "--role",
        "supervisor",
        stdin="a long enough password\n",
    )

    assert result.returncode == 0, result.stderr
    operator = fresh(session).scalar(select(Operator).where(Operator.username == "bruno"))
    assert operator is not None and operator.role == "supervisor"
    assert verify_password(operator.password_hash, "a long enough password")


def test_create_operator_takes_no_password_argument(database_url: str) -> None:
    result = run(database_url, "create-operator", "bruno", "--password", "in the shell history")

    assert result.returncode != 0
    assert "No such option" in result.stderr


def test_create_operator_explains_a_refusal(database_url: str) -> None:
    result = run(database_url, "create-operator", "bruno", stdin="short\n")

    assert result.returncode == 1
    assert "at least 12 characters" in result.stderr


def test_demo_data_is_idempotent(database_url: str, session: Session) -> None:
    first = run(database_url, "demo-data", SPORTELLO_DEMO_PASSWORD="demo password 2026")
    second = run(database_url, "demo-data", SPORTELLO_DEMO_PASSWORD="demo password 2026")

    assert first.returncode == second.returncode == 0, first.stderr
    assert (
        "0 operators, 0 organizations, 0 members, 0 login accounts, 0 clients, 0 trainings, "
        "0 articles, 0 portal companies, 0 tickets, 0 campaigns created" in second.stdout
    )
    fresh(session)
    assert session.scalar(select(func.count(Member.id))) == 60 + 1  # the portal administrator
    # the portal companies, and the customers of the appointment campaigns
    assert session.scalar(select(func.count(Organization.id))) == 3 + 2 + 2
    assert session.scalar(select(func.count(LoginAccount.id))) == 6 + 1
    seeds_boxes, full = (
        counters(session, c) for c in session.scalars(select(Campaign).order_by(Campaign.id))
    )
    assert (seeds_boxes.purchased, seeds_boxes.taken, seeds_boxes.to_confirm) == (200, 189, 21)
    assert full.full
    assert {t.state for t in session.scalars(select(Ticket))} == set(TicketState) - {
        TicketState.CLOSED
    }
    states = set(session.scalars(select(Member.state)))
    assert states == set(MemberState)
    assert session.scalar(select(func.count(Member.id)).where(Member.email.is_(None))) > 0
    usernames = set(session.scalars(select(Operator.username)))
    assert usernames == {"demo-operator", "demo-supervisor", "demo-admin"}
    # The demo's clients show every kind of duplicate the finder reports.
    reasons = {p.reason for p in find_duplicates(session, min_score=80).pairs}
    assert reasons == {"same name", "same SIRET/VAT", "same group of words", "near spelling"}
    assert session.scalar(select(func.count(Enrollment.id))) == 3
    assert run(database_url, "audit", "verify").returncode == 0


def test_outbox_dispatch_once_delivers_what_is_queued(
    database_url: str, session: Session, organization: Organization, smtp: SmtpServer
) -> None:
    from actions import outbox

    member = make_member(session, organization)
    outbox.enqueue(
        session,
        recipient="someone@example.org",
        subject="Hello",
        body="Body",
        caused_by="test",
        entity=member,
    )
    session.commit()

    result = run(database_url, "outbox", "dispatch", "--once", SMTP_URL=smtp.url)

    assert result.returncode == 0, result.stderr
    assert "sent 1" in result.stdout
    assert [m["Subject"] for m in smtp.mailbox.wait_for(1)] == ["Hello"]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_the_console_starts_and_serves_the_login_page(command: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    port = free_port()
    if command == "serve":
        assert run(url, "migrate").returncode == 0
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "SPORTELLO_DEMO_PASSWORD": "demo password 2026",
        "SMTP_URL": "smtp://127.0.0.1:1",
    }
    process = subprocess.Popen(
        [sys.executable, "main.py", command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/admin/login")
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert status == 200, output
    assert f"http://127.0.0.1:{port}/admin" in output
    if command == "demo":
        assert "demo-operator" in output and "demo password 2026" in output


def test_serve_with_workers_starts_that_many_processes_on_one_port(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "SMTP_URL": "smtp://127.0.0.1:1",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--workers", "2", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/admin/login")
        deadline = time.monotonic() + 120
        while log.read_text().count("Application startup complete.") < 2:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=60)
    output = log.read_text()
    assert status == 200, output
    assert process.returncode == 0, output
    workers = [int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", output)]
    assert len(set(workers)) == 2
    for pid in workers:  # the workers stop with the parent
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid), output
    if database_url.startswith("sqlite"):
        assert "2 processes share the SQLite file" in output


def test_serve_refuses_zero_workers(database_url: str) -> None:
    result = run(database_url, "serve", "--workers", "0")

    assert result.returncode == 2
    assert "--workers" in result.stderr


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def _wait_for(url: str) -> int:
    for _ in range(200):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return int(response.status)
        except OSError:
            time.sleep(0.1)
    return 0


@pytest.mark.parametrize("output", ["csv", "json"])
def test_duplicates_clients_prints_one_pair_per_line(
    database_url: str, session: Session, output: str
) -> None:
    from models import Client

    session.add_all(
        [
            Client(client_number="C1", legal_name="Mairie de Toulon"),
            Client(client_number="C2", legal_name="Mairie de Toulon Ouest"),
            Client(client_number="C3", legal_name="MAIRIE DE TOULON"),
        ]
    )
    session.commit()

    result = run(database_url, "duplicates", "clients", "--format", output, "--min-score", "80")

    assert result.returncode == 0, result.stderr
    if output == "json":
        import json

        pairs = {(p["first"], p["second"], p["certainty"]) for p in json.loads(result.stdout)}
    else:
        pairs = {
            (line.split(",")[0], line.split(",")[1], line.split(",")[3])
            for line in result.stdout.strip().splitlines()[1:]
        }
    assert ("C1", "C3", "certain") in pairs and ("C1", "C2", "probable") in pairs
    assert "candidate pairs scored" in result.stderr


def test_import_requests_records_each_line_through_intake(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    requests = tmp_path / "requests.csv"
    requests.write_text(
        "legal_name,identifier,client_number,kind,description,requester_email,language\n"
        "Mairie de Brest,214 301 376 00015,,event_cover,Marché de Noël,accueil@brest.example.fr,fr\n"
        "MAIRIE DE BREST SARL,,,training_request,Premiers secours,,fr\n"
        "Ville de Brest,21430137600016,,other,,,fr\n"
        "Comune di Roma,IT00743110157,,kind of its own,,,it\n",
        encoding="utf-8",
    )

    result = run(database_url, "import-requests", str(requests))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "line 2: C000001 (new client)",
        "line 3: C000001 (found by name)",
    ]
    assert "line 4: refused: The SIRET or VAT number" in result.stderr
    assert "line 5: refused: unknown kind" in result.stderr
    fresh(session)
    [client] = session.scalars(select(Client)).all()
    assert client.origin == ClientOrigin.IMPORT
    assert session.scalar(select(func.count(ClientEvent.id))) == 2
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1  # its number, mailed once


def test_import_requests_answers_in_the_language_of_the_shell(
    database_url: str, tmp_path: Path
) -> None:
    requests = tmp_path / "requests.csv"
    requests.write_text(
        "legal_name,identifier,client_number,kind,description,requester_email,language\n"
        "Mairie de Brest,214 301 376 00015,,event_cover,Marché de Noël,,fr\n"
        "Ville de Brest,21430137600016,,other,,,fr\n"
        "Ville de Lyon,,,kind of its own,,,fr\n",
        encoding="utf-8",
    )

    french = run(database_url, "import-requests", str(requests), LANG="fr_FR.UTF-8")
    dutch = run(database_url, "import-requests", str(requests), LC_ALL="nl_BE.UTF-8")

    assert french.stdout.splitlines() == ["ligne 2\u00a0: C000001 (nouveau client)"]
    assert "ligne 3\u00a0: refusée\u00a0: " in french.stderr
    assert "The SIRET or VAT number" not in french.stderr
    assert "ligne 4\u00a0: refusée\u00a0: type inconnu 'kind of its own'" in french.stderr
    assert dutch.stdout.splitlines() == ["regel 2: C000001 (gevonden op SIRET- of btw-nummer)"]
    assert "regel 4: geweigerd: onbekende soort 'kind of its own'" in dutch.stderr


def test_the_audit_check_speaks_the_language_of_the_shell(database_url: str) -> None:
    result = run(database_url, "audit", "verify", LANG="it_IT.UTF-8")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("catena di audit integra: ")
