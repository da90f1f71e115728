"""`python main.py audit export | verify | anchor`, run as a supervisor runs them: a
subprocess with environment settings, files on disk, a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.operator_email import set_email
from models import AuditAnchor, AuditEvent, Operator, Organization, OutboxMessage
from tests.conftest import Personas, SmtpServer
from tests.helpers import events, fresh
from tests.test_cli import run


@pytest.fixture
def trail(session: Session, personas: Personas, ada: Actor) -> list[AuditEvent]:
    """Ten events: the personas' creation, Sam's and Ada's addresses, five organisations."""
    set_email(session, ada, personas.supervisor.id, "sam@example.org")
    set_email(session, ada, personas.admin.id, "ada@example.org")
    for n in range(5):
        session.add(Organization(name=f"Cooperativa {n}", company_code=f"COOP{n}"))
        session.commit()
    return events(session)


def _export(database_url: str, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "trail.export"
    result = run(database_url, "audit", "export", "--output", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


def _cut_the_newest(session: Session, keep: int) -> None:
    """What someone with write access to the database could do."""
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_delete"))
    session.execute(text("DELETE FROM audit_event WHERE seq > :keep"), {"keep": keep})
    session.commit()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_verifies_without_the_database(
    database_url: str, trail: list[AuditEvent], tmp_path: Path, fmt: str
) -> None:
    export = _export(database_url, tmp_path, "--format", fmt)

    result = run("sqlite:////nonexistent/no.db", "audit", "verify", "--file", str(export))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "audit export intact: 10 events, from event 1 to event 10",
        f"chain head: event 10, hash {trail[-1].hash}",
    ]


def test_an_export_goes_to_standard_output_and_says_what_it_wrote(
    database_url: str, trail: list[AuditEvent]
) -> None:
    result = run(database_url, "audit", "export")

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["seq"] for line in result.stdout.splitlines()] == list(range(1, 11))
    assert "exported 10 events, from event 1 to event 10" in result.stderr


def test_an_export_of_a_range_verifies(
    database_url: str, trail: list[AuditEvent], tmp_path: Path
) -> None:
    since = trail[5].at.isoformat()
    export = _export(database_url, tmp_path, "--since", since, "--until", "2999-12-31")

    result = run(database_url, "audit", "verify", "--file", str(export))

    assert result.returncode == 0, result.stderr
    assert "from event 6 to event 10" in result.stdout


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("edit", "audit export broken at event 7: event 7 was edited"),
        ("delete", "audit export broken at event 7: event 7 is missing"),
        ("reorder", "audit export broken at event 7: events are out of order"),
    ],
)
def test_a_tampered_export_names_the_first_bad_event(
    database_url: str, trail: list[AuditEvent], tmp_path: Path, tamper: str, message: str
) -> None:
    export = _export(database_url, tmp_path)
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    if tamper == "edit":
        lines[6] = lines[6].replace("Cooperativa", "Cooperativo")
    elif tamper == "delete":
        del lines[6]
    else:
        lines[6], lines[7] = lines[7], lines[6]
    export.write_text("".join(lines), encoding="utf-8")

    result = run(database_url, "audit", "verify", "--file", str(export))

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_export_cut_before_its_anchor_is_tampering(
    database_url: str, trail: list[AuditEvent], tmp_path: Path
) -> None:
    export = _export(database_url, tmp_path)
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    anchor = f"10:{trail[-1].hash}"
    whole = run(database_url, "audit", "verify", "--file", str(export), "--anchor", anchor)
    export.write_text("".join(lines[:8]), encoding="utf-8")

    result = run(database_url, "audit", "verify", "--file", str(export), "--anchor", anchor)

    assert whole.returncode == 0, whole.stderr
    assert "it reaches the anchor given unchanged: event 10" in whole.stdout
    assert result.returncode == 1
    assert (
        "the trail ends at event 8 but was anchored at event 10: events were removed"
        in result.stderr
    )


def test_anchor_mails_the_supervisors_once(
    database_url: str, session: Session, trail: list[AuditEvent], smtp: SmtpServer
) -> None:
    first = run(database_url, "audit", "anchor")
    again = run(database_url, "audit", "anchor")
    dispatched = run(database_url, "outbox", "dispatch", "--once", SMTP_URL=smtp.url)

    assert first.returncode == again.returncode == dispatched.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"anchored at event 10, hash {trail[-1].hash}",
        "mailed to: sam@example.org, ada@example.org",
    ]
    assert again.stdout.startswith("nothing happened since the last anchor: event 10")
    assert fresh(session).scalar(select(func.count(AuditAnchor.id))) == 1
    assert session.scalar(select(func.count(OutboxMessage.id))) == 2
    received = smtp.mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["ada@example.org", "sam@example.org"]
    body = received[0].get_payload(decode=True).decode()
    assert f"audit verify --anchor 10:{trail[-1].hash}" in body
    verified = run(database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.splitlines()[-1].startswith(
        "it reaches its latest anchor unchanged: event 10 of "
    )


def test_verify_reports_a_trail_cut_after_its_anchor(
    database_url: str, session: Session, trail: list[AuditEvent]
) -> None:
    assert run(database_url, "audit", "anchor").returncode == 0
    _cut_the_newest(session, keep=8)

    result = run(database_url, "audit", "verify")

    assert result.returncode == 1
    assert "audit chain broken at event 9: the trail ends at event 8" in result.stderr
    assert "but was anchored at event 10 on " in result.stderr
    assert "events were removed" in result.stderr


def test_verify_compares_the_trail_with_an_anchor_given(
    database_url: str, trail: list[AuditEvent]
) -> None:
    matching = run(database_url, "audit", "verify", "--anchor", f"4:{trail[3].hash}")
    differing = run(database_url, "audit", "verify", "--anchor", f"4:{'0' * 64}")

    assert matching.returncode == 0, matching.stderr
    assert matching.stdout.splitlines() == [
        "audit chain intact: 10 events",
        f"chain head: event 10, hash {trail[-1].hash}",
        "it reaches the anchor given unchanged: event 4",
    ]
    assert differing.returncode == 1
    assert "the hash of event 4 differs from the anchor" in differing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--since", "2026-13-01"], "--since: 2026-13-01 is neither a date"),
        (["export", "--until", "yesterday"], "--until: yesterday is neither a date"),
        (["export", "--output", "/nonexistent/dir/out.jsonl"], "cannot write /nonexistent"),
        (["verify", "--file", "/nonexistent/trail.jsonl"], "cannot read /nonexistent"),
        (["verify", "--anchor", "12"], "--anchor: 12 is not SEQ:HASH"),
        (["verify", "--anchor", "0:" + "a" * 64], "is not SEQ:HASH"),
        (["verify", "--anchor", "5:abc"], "is not SEQ:HASH"),
    ],
)
def test_malformed_input_is_explained_without_a_traceback(
    database_url: str, args: list[str], message: str
) -> None:
    result = run(database_url, "audit", *args)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary", b"not an export at all\n"])
def test_a_file_that_is_no_export_is_refused(
    database_url: str, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "other.txt"
    path.write_bytes(content)

    result = run(database_url, "audit", "verify", "--file", str(path))

    assert result.returncode in {1, 2}
    assert "Traceback" not in result.stderr
    assert "intact" not in result.stdout


def test_create_operator_takes_an_email(database_url: str, session: Session) -> None:
    result = run(
        database_url,
        "create-operator",
        "bruno",
        "--role",
        "supervisor",
        "--email",
        "bruno@example.org",
        stdin="a long enough password\n",
    )

    assert result.returncode == 0, result.stderr
    operator = fresh(session).scalar(select(Operator).where(Operator.username == "bruno"))
    assert operator is not None and operator.email == "bruno@example.org"


def test_create_operator_refuses_a_bad_email_and_creates_nothing(
    database_url: str, session: Session
) -> None:
    result = run(
        database_url,
        "create-operator",
        "bruno",
        "--email",
        "bruno.example.org",
        stdin="a long enough password\n",
    )

    assert result.returncode == 1
    assert "bruno.example.org is not a valid e-mail address" in result.stderr
    assert fresh(session).scalar(select(func.count(Operator.id))) == 0
