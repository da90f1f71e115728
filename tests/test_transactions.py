"""Readers never wait for writers; a database too busy to answer in time gets a 503 that says
to try again, never a server error or a hung request; strict mode catches a GET that writes
without saying so."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import anyio.to_thread
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from actions import audit_chain
from admin import db, errors
from admin.app import build_app
from admin.i18n import translate
from admin.middleware import RequestContextMiddleware
from models import Member, MemberState
from tests.conftest import PG_URL, Personas, csrf_token, htmx_headers, log_in, settings_for
from tests.helpers import events, fresh

sqlite_only = pytest.mark.skipif(
    PG_URL is not None,
    reason="SQLite's single write lock; PostgreSQL waits on a row lock instead (no busy timeout)",
)


def _backend(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


@contextmanager
def a_colleague_writing(database_url: str, engine: Engine, member_id: int) -> Iterator[None]:
    """Another connection in the middle of a write it has not committed: on SQLite it holds
    the database's write lock (BEGIN IMMEDIATE on a connection of its own); on PostgreSQL the
    member's row lock and the audit trail's lock."""
    if _backend(database_url) == "sqlite":
        path = make_url(database_url).database
        other = sqlite3.connect(str(path), isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE member SET first_name = 'Uncommitted' WHERE id = ?", (member_id,))
            yield
            other.execute("ROLLBACK")
        finally:
            other.close()
        return
    with engine.connect() as conn, conn.begin() as transaction:
        conn.execute(update(Member).where(Member.id == member_id).values(first_name="Uncommitted"))
        conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        yield
        transaction.rollback()


@pytest.fixture
def impatient_engine(database_url: str) -> Iterator[Engine]:
    """Writers give up after a fifth of a second, so that a held lock ends a test quickly."""
    engine = db.make_engine(database_url, busy_timeout=0.2)
    yield engine
    engine.dispose()


@pytest.fixture
def impatient(
    database_url: str, impatient_engine: Engine, personas: Personas
) -> Iterator[TestClient]:
    app = build_app(settings_for(database_url), engine=impatient_engine)
    with TestClient(app, base_url="http://testserver") as client:
        log_in(client, "olivia", **{"Accept-Language": "it"})
        yield client


def _busy_message() -> str:
    """The message in Olivia's language, as the catalogue has it."""
    return translate("it", errors.BUSY)


# --- readers never wait for writers -------------------------------------------------------


def test_olivia_reads_the_members_list_and_a_member_page_while_a_colleague_is_writing(
    impatient: TestClient,
    database_url: str,
    impatient_engine: Engine,
    pending_member: Member,
) -> None:
    with a_colleague_writing(database_url, impatient_engine, pending_member.id):
        listing = impatient.get("/admin/members/list")
        page = impatient.get(f"/admin/members/detail?pk={pending_member.id}")
        form = impatient.get(f"/admin/do/members/{pending_member.id}/validate")

    assert listing.status_code == page.status_code == form.status_code == 200
    rows = BeautifulSoup(listing.text, "html.parser").select("tr[data-sa-pk]")
    assert [row["data-sa-pk"] for row in rows] == [str(pending_member.id)]
    assert "Mario" in page.text and "Uncommitted" not in page.text  # what was committed


# --- a database too busy: 503, nothing half-written ---------------------------------------


@sqlite_only
def test_a_validation_while_the_write_lock_stays_busy_answers_503_and_saves_nothing(
    impatient: TestClient,
    database_url: str,
    impatient_engine: Engine,
    session: Session,
    pending_member: Member,
) -> None:
    pk = pending_member.id
    headers = {**htmx_headers(impatient), "Accept-Language": "it"}
    form_page = impatient.get(f"/admin/do/members/{pk}/validate", headers={"Accept-Language": "it"})
    token = csrf_token(form_page.text)
    trail_before = len(events(session))

    with a_colleague_writing(database_url, impatient_engine, pk):
        fragment = impatient.post(
            f"/admin/do/members/{pk}/validate", headers=headers, data={"dues_year": "2026"}
        )
        page = impatient.post(
            f"/admin/do/members/{pk}/validate",
            headers={"Accept-Language": "it"},
            data={"dues_year": "2026", "csrftoken": token},
        )

    assert fragment.status_code == page.status_code == 503
    assert fragment.headers["retry-after"] == page.headers["retry-after"] == "5"
    shown = BeautifulSoup(fragment.text, "html.parser")
    assert "<html" not in fragment.text.lower()
    assert shown.select_one("[data-testid=error]").text == _busy_message()
    whole = BeautifulSoup(page.text, "html.parser")
    assert whole.select_one("html") is not None
    assert whole.select_one("[data-testid=error-message]").text == _busy_message()
    assert "Traceback" not in page.text + fragment.text

    fresh(session).expire_all()
    assert session.get_one(Member, pk).state == MemberState.PENDING
    assert len(events(session)) == trail_before
    assert audit_chain.verify(session).intact
    # once the colleague is done, the same validation goes through
    again = impatient.post(
        f"/admin/do/members/{pk}/validate", headers=headers, data={"dues_year": "2026"}
    )
    assert again.status_code == 200
    fresh(session).expire_all()
    assert session.get_one(Member, pk).state == MemberState.VALIDATED


def test_when_no_connection_is_free_in_time_a_page_answers_503_and_the_next_one_works(
    database_url: str, personas: Personas, session: Session
) -> None:
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = build_app(settings_for(database_url), engine=engine)
    try:
        with TestClient(app, base_url="http://testserver") as client:
            log_in(client, "olivia")
            headers = htmx_headers(client)
            with engine.connect():  # the only connection, taken by a long request
                page = client.get("/admin/members/list")
                fragment = client.get("/admin/members/list", headers=headers)
            after = client.get("/admin/members/list")
    finally:
        engine.dispose()

    assert page.status_code == fragment.status_code == 503
    assert page.headers["retry-after"] == fragment.headers["retry-after"] == "5"
    message = translate("en", errors.BUSY)
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("[data-testid=error-message]").text == message
    assert BeautifulSoup(fragment.text, "html.parser").select_one("[data-testid=error]").text == (
        message
    )
    assert after.status_code == 200
    assert audit_chain.verify(fresh(session)).intact


# --- what a unit of work declares ----------------------------------------------------------


def _unit_app() -> Starlette:
    async def unit(request: Request) -> JSONResponse:
        in_worker = await anyio.to_thread.run_sync(db.unit_writes)

        @db.writes
        async def declared() -> bool:
            return await anyio.to_thread.run_sync(db.unit_writes)

        return JSONResponse(
            {"here": db.unit_writes(), "worker": in_worker, "declared": await declared()}
        )

    return Starlette(
        routes=[Route("/unit", unit, methods=["GET", "HEAD", "POST", "PUT", "DELETE"])],
        middleware=[Middleware(RequestContextMiddleware)],
    )


@pytest.mark.parametrize(
    ("method", "writes"), [("GET", False), ("POST", True), ("PUT", True), ("DELETE", True)]
)
def test_a_safe_method_reads_and_the_worker_thread_knows_it(method: str, writes: bool) -> None:
    with TestClient(_unit_app()) as client:
        answer = client.request(method, "/unit").json()

    assert answer == {"here": writes, "worker": writes, "declared": True}
    assert db.unit_writes()  # outside a request (the command line, the dispatcher) it writes


def _rename(engine: Engine, member_id: int) -> None:
    with db.make_sessionmaker(engine)() as own:
        own.execute(update(Member).where(Member.id == member_id).values(first_name="Maria"))
        own.commit()


def test_in_strict_mode_a_write_nobody_declared_fails_and_a_declared_one_works(
    database_url: str, pending_member: Member, session: Session
) -> None:
    engine = db.make_engine(database_url, strict=True)
    try:
        with db.reading(), pytest.raises(DBAPIError, match=r"(?i)read-?only"):
            _rename(engine, pending_member.id)
        with db.reading(), db.make_sessionmaker(engine)() as own:  # a read is fine
            assert own.get_one(Member, pending_member.id).first_name == "Mario"
        with db.reading(), db.writing():
            _rename(engine, pending_member.id)
    finally:
        engine.dispose()

    fresh(session).expire_all()
    assert session.get_one(Member, pending_member.id).first_name == "Maria"


def test_outside_strict_mode_a_write_nobody_declared_still_works(
    database_url: str, pending_member: Member, session: Session
) -> None:
    engine = db.make_engine(database_url, strict=False)
    try:
        with db.reading():
            _rename(engine, pending_member.id)
    finally:
        engine.dispose()

    fresh(session).expire_all()
    assert session.get_one(Member, pending_member.id).first_name == "Maria"


def test_the_suite_runs_in_strict_mode(engine: Engine) -> None:
    """Every web and browser test then proves that no GET writes without saying so."""
    with db.reading(), engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 1
        else:
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"


def test_a_busy_lock_and_a_full_pool_count_as_saturated_and_nothing_else_does() -> None:
    from sqlalchemy.exc import OperationalError, TimeoutError

    def wrapped(orig: Exception) -> OperationalError:
        return OperationalError("BEGIN IMMEDIATE", {}, orig)

    assert db.saturated(TimeoutError("QueuePool limit of size 40 overflow 20 reached"))
    assert db.saturated(wrapped(sqlite3.OperationalError("database is locked")))
    assert not db.saturated(wrapped(sqlite3.OperationalError("no such table: members")))
    assert not db.saturated(
        wrapped(sqlite3.OperationalError("attempt to write a readonly database"))
    )
    assert not db.saturated(ValueError("database is locked"))


def test_the_busy_timeout_and_the_pool_size_come_from_the_settings(database_url: str) -> None:
    settings = settings_for(database_url, DATABASE_BUSY_TIMEOUT="0.3", DATABASE_POOL_SIZE="7")
    engine = db.engine_for(settings)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
        assert engine.pool.size() == 7  # type: ignore[attr-defined]
    finally:
        engine.dispose()
