"""Engine and session factory for SQLite (default) and PostgreSQL.

Units of work that only read never wait for a writer. On SQLite (WAL) a reading unit runs in
a deferred transaction, which sees the last committed state while one writer writes; a
writing unit starts with BEGIN IMMEDIATE, so writers take turns from their first statement
and a read-then-write (the audit chain's last hash, an outbox claim, a campaign's count of
bookings) is never overtaken, which is what PostgreSQL gives with row and advisory locks.

Whether the current unit writes is a context variable: it writes unless told otherwise (the
command line, the outbox dispatcher, scripts), and a request with a safe method (GET, HEAD,
OPTIONS) reads (see `admin.middleware`). A GET that must write says so with `writing()` or
the `writes` decorator before its first query.

Strict mode (`SPORTELLO_STRICT_TRANSACTIONS=1`, on in the test suite) makes a reading unit
read-only (`PRAGMA query_only` on SQLite, `SET TRANSACTION READ ONLY` on PostgreSQL), so a
write nobody declared fails loudly there. Outside strict mode such a write still works: a
deferred SQLite transaction takes the write lock when it first writes.

A lock that stays busy is waited for up to the busy timeout; the pool waits a few seconds
for a free connection. Past either, `saturated(exc)` is true and the request answers 503.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from admin.settings import Settings

STRICT_ENV = "SPORTELLO_STRICT_TRANSACTIONS"
BUSY_TIMEOUT = 5.0  # seconds a writer waits for SQLite's write lock
POOL_TIMEOUT = 5.0  # seconds a request waits for a free connection
SQLITE_POOL_SIZE = 40  # as many as anyio's worker threads: SQLite connections are cheap
SQLITE_MAX_OVERFLOW = 20  # a request holds its connection across awaits too
POSTGRESQL_POOL_SIZE = 10  # per process: several processes share the server's connections
POSTGRESQL_MAX_OVERFLOW = 10
# PostgreSQL: too many connections, a lock not available (lock_timeout).
_SATURATED_SQLSTATES = frozenset({"53300", "55P03"})
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6

_WRITES: ContextVar[bool] = ContextVar("sportello_unit_writes", default=True)

P = ParamSpec("P")
R = TypeVar("R")


def make_engine(
    url: str,
    *,
    immediate: bool = True,
    strict: bool | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
    pool_size: int | None = None,
    **kwargs: Any,
) -> Engine:
    """`immediate=False` gives plain deferred SQLite transactions whatever the unit declares:
    for a reader that must not hold the write lock between statements (a test inspecting the
    database). `strict` defaults to the environment's `SPORTELLO_STRICT_TRANSACTIONS`;
    `busy_timeout` is in seconds; `pool_size` overrides the backend's default."""
    strict = _strict_from_env() if strict is None else strict
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database not in (None, "", ":memory:"):
            _size_pool(kwargs, pool_size or SQLITE_POOL_SIZE, SQLITE_MAX_OVERFLOW)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout}, **kwargs
        )
        _sqlite_transactions(engine, immediate, strict, busy_timeout)
        return engine
    _size_pool(kwargs, pool_size or POSTGRESQL_POOL_SIZE, POSTGRESQL_MAX_OVERFLOW)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if strict and immediate:
        _postgresql_strict(engine)
    return engine


def _size_pool(kwargs: dict[str, Any], size: int, overflow: int) -> None:
    """The queue pool's size and patience, unless the caller chose a pool class of its own."""
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", size)
        kwargs.setdefault("max_overflow", overflow)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT)


def engine_for(settings: Settings) -> Engine:
    """The console's engine, with the busy timeout and pool size its settings ask for."""
    return make_engine(
        settings.database_url,
        busy_timeout=settings.database_busy_timeout,
        pool_size=settings.database_pool_size,
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# --- what the current unit of work does ---------------------------------------------------


def unit_writes() -> bool:
    return _WRITES.get()


@contextmanager
def writing() -> Iterator[None]:
    """The unit of work inside writes: on SQLite its transactions begin IMMEDIATE. Enter it
    before the unit's first query; a transaction already begun keeps the mode it began in."""
    token = _WRITES.set(True)
    try:
        yield
    finally:
        _WRITES.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """The unit of work inside only reads: it never waits for a writer."""
    token = _WRITES.set(False)
    try:
        yield
    finally:
        _WRITES.reset(token)


def writes(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Mark a request handler reached by GET that writes (a login, a link that is used up)."""

    @functools.wraps(handler)
    async def declared(*args: P.args, **kwargs: P.kwargs) -> R:
        with writing():
            return await handler(*args, **kwargs)

    return declared


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only(method: str) -> bool:
    """A request with a safe method reads, unless its handler declares otherwise."""
    return method.upper() in SAFE_METHODS


def unit_for(method: str) -> AbstractContextManager[None]:
    """The unit of work of a request: reading for a safe method, else writing."""
    return reading() if reads_only(method) else writing()


# --- saturation -------------------------------------------------------------------------


def saturated(exc: BaseException) -> bool:
    """The database is too busy to answer now: a lock still busy after the busy timeout, no
    free connection within the pool timeout, no connection slot on the server."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return True
        text = str(orig).lower()
        return "database is locked" in text or "database is busy" in text
    return getattr(orig, "sqlstate", None) in _SATURATED_SQLSTATES


# --- engines ------------------------------------------------------------------------------


def _strict_from_env() -> bool:
    return os.environ.get(STRICT_ENV, "").lower() in {"1", "true", "yes", "on"}


def _sqlite_transactions(engine: Engine, immediate: bool, strict: bool, busy: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not immediate:
            conn.exec_driver_sql("BEGIN")
            return
        writes = _WRITES.get()
        if strict:  # a connection's flag, kept between transactions: set it before BEGIN
            _instrument(conn, f"PRAGMA query_only={'OFF' if writes else 'ON'}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _postgresql_strict(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not _WRITES.get():
            _instrument(conn, "SET TRANSACTION READ ONLY")


def _instrument(conn: Any, statement: str) -> None:
    """Strict mode's own statements go straight to the driver: they are no statement of the
    console's, and a test counting the statements of a page does not see them."""
    conn.connection.driver_connection.execute(statement)
