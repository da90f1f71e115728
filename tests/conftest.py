"""Fixtures shared by every test: a fresh real database per test, personas, a real SMTP
server, and a web client logged in as a persona.

Set SPORTELLO_TEST_DATABASE_URL to a PostgreSQL URL (a role allowed to create
databases) to run the suite on PostgreSQL; each test then gets its own database,
copied from a migrated template.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from actions.context import Actor
from actions.operators import create_operator
from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from admin.settings import Settings, load
from models import Member, MemberState, Operator, Organization, Role

PG_URL = os.environ.get("SPORTELLO_TEST_DATABASE_URL")
os.environ.setdefault("SPORTELLO_STRICT_TRANSACTIONS", "1")  # a GET that writes undeclared fails
PASSWORD = "correct horse battery staple"
SECRET_KEY = "test-secret-key-" + "x" * 32


# --- database ----------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _admin_engine() -> Engine:
    return create_engine(_with_database(PG_URL or "", "postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_URL is None:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"sportello_template_{os.getpid()}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(_with_database(PG_URL, name))
    yield name
    _drop_database(engine, name)
    engine.dispose()


def _drop_database(engine: Engine, name: str) -> None:
    """A backend of another role (autovacuum, say) can hold the database for a moment: try
    again, and leave a test database behind rather than fail a test that passed."""
    for _attempt in range(20):
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            time.sleep(0.25)


def fresh_database(template: str, directory: Path) -> tuple[str, Any]:
    """A new database copied from the migrated template, and how to drop it."""
    if PG_URL is None:
        path = directory / f"sportello-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}", lambda: None
    name = f"sportello_test_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def drop() -> None:
        _drop_database(engine, name)
        engine.dispose()

    return _with_database(PG_URL, name), drop


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    url, drop = fresh_database(template_database, tmp_path)
    yield url
    drop()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """The test's own session. On SQLite its transactions are deferred, so that reading
    between two requests does not hold the write lock the console needs."""
    reader = make_engine(database_url, immediate=False)
    with make_sessionmaker(reader)() as session:
        session.info["actor"] = Actor.system("test")
        yield session
    reader.dispose()


# --- personas ----------------------------------------------------------------------------


@dataclass
class Personas:
    operator: Operator
    supervisor: Operator
    admin: Operator


def make_personas(session: Session) -> Personas:
    system = Actor.system("test")
    made = [
        create_operator(session, system, name, PASSWORD, role, display_name=name.title())
        for name, role in (("olivia", Role.OPERATOR), ("sam", Role.SUPERVISOR), ("ada", Role.ADMIN))
    ]
    session.commit()
    return Personas(*made)


@pytest.fixture
def personas(session: Session) -> Personas:
    """Olivia the operator, Sam the supervisor, Ada the administrator."""
    return make_personas(session)


@pytest.fixture
def olivia(personas: Personas) -> Actor:
    return Actor.of(personas.operator, ip="10.0.0.1", user_agent="pytest", request_id="r-olivia")


@pytest.fixture
def sam(personas: Personas) -> Actor:
    return Actor.of(personas.supervisor)


@pytest.fixture
def ada(personas: Personas) -> Actor:
    return Actor.of(personas.admin)


@pytest.fixture
def organization(session: Session) -> Organization:
    org = Organization(name="Welfare Rossi", company_code="ROSSI", language="it")
    session.add(org)
    session.commit()
    return org


def make_member(session: Session, organization: Organization, **overrides: Any) -> Member:
    values: dict[str, Any] = {
        "first_name": "Mario",
        "last_name": "Rossi",
        "birth_date": __import__("datetime").date(1980, 5, 17),
        "tax_code": "RSSMRA85T10A562S",
        "address": "Via Roma 1, Roma",
        "email": "mario.rossi@example.org",
        "state": MemberState.PENDING,
    }
    values.update(overrides)
    member = Member(organization=organization, **values)
    session.add(member)
    session.commit()
    return member


@pytest.fixture
def pending_member(session: Session, organization: Organization) -> Member:
    return make_member(session, organization)


# --- mail --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What a real SMTP server on localhost received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def links(self) -> list[str]:
        return [
            link
            for message in self.messages
            for link in re.findall(
                r"https?://\S+/reset/\S+", message.get_payload(decode=True).decode()
            )
        ]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


# --- web ---------------------------------------------------------------------------------


def settings_for(database_url: str, smtp_url: str = "smtp://127.0.0.1:1", **env: str) -> Settings:
    return load(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "SMTP_URL": smtp_url,
            "HTMX_URL": "/static/vendor/htmx.min.js",
            "CHART_URL": "/static/vendor/chart.umd.min.js",
            "BASE_URL": "http://testserver",
            **env,
        }
    )


@pytest.fixture
def app(database_url: str, engine: Engine) -> Any:
    return build_app(settings_for(database_url), engine=engine)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD, **headers: str) -> Any:
    page = client.get("/admin/login", headers=headers)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrftoken": csrf_token(page.text)},
        headers=headers,
        follow_redirects=False,
    )


def htmx_headers(client: TestClient) -> dict[str, str]:
    page = client.get("/admin/")
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page.text)
    assert match, "the page does not put the CSRF token on htmx requests"
    return {"HX-Request": "true", "X-CSRFToken": match.group(1)}
