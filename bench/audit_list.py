"""Audit trail list: Sportello's view against starlette-admin's stock ModelView, at a million
events (the table that grows fastest).

Generates its own data (a migrated database with N audit events, made by one INSERT ...
SELECT: 20 operators, 15 actions, one event a minute), then times the first page, deep
pages, searches and a sort through the ASGI app, as a supervisor, and counts the SQL
statements per page (see bench/member_list.py for the columns).

    .venv/bin/python bench/audit_list.py [--events 1000000] [--repeat 20] [--stock-repeat 3]
        [--database-url postgresql+psycopg://user:password@127.0.0.1:5432/empty_database]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from member_list import PAGE_SIZE, PASSWORD, analyse, numbers, padded, pick, run_list_benchmark
from sqlalchemy import Engine, bindparam, func, select, text

from actions.context import Actor
from actions.operators import create_operator
from admin.db import make_sessionmaker
from models import AuditEvent, Role
from models.base import UTCDateTime

OPERATORS = [f"op{i:02d}" for i in range(18)] + ["sam", "ada"]
ACTIONS = [
    "member.validate",
    "member.edit",
    "member.resend_password",
    "login_account.reset_secret",
    "login_account.resend_activation",
    "client.merge",
    "client.edit",
    "ticket.assign",
    "ticket.reply",
    "ticket.close",
    "appointment.confirm",
    "appointment.cancel",
    "operator.login",
    "operator.logout",
    "export.members",
]


def pages(events: int) -> dict[str, str]:
    last = -(-events // PAGE_SIZE)
    return {
        "first page": "/admin/audit/list",
        "page 20,000": "/admin/audit/list?page=20000",
        f"last page ({last})": f"/admin/audit/list?page={last}",
        "search operator 'sam'": "/admin/audit/list?q=sam",
        "search 'ticket.cl'": "/admin/audit/list?q=ticket.cl",
        "search, page 500": "/admin/audit/list?q=ticket.cl&page=500",
        "sort by when": "/admin/audit/list?sort=at__asc",
    }


def populate(engine: Engine, events: int) -> None:
    """N events after the bench operator's own, by one INSERT ... SELECT."""
    factory = make_sessionmaker(engine)
    with factory() as session:
        session.info["actor"] = Actor.system("bench")
        create_operator(session, Actor.system("bench"), "bench", PASSWORD, Role.SUPERVISOR)
        session.commit()
        first_seq = (session.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
    entity = "substr(p.action, 1, instr(p.action, '.') - 1)"
    if engine.dialect.name == "postgresql":
        entity = "split_part(p.action, '.', 1)"
    minute = "p.i * INTERVAL '1 minute'"
    at = f":start + {minute}"
    if engine.dialect.name == "sqlite":
        at = "strftime('%Y-%m-%d %H:%M:%f', :start, '+' || p.i || ' minutes')"
    insert = f"""
        WITH RECURSIVE {numbers(engine, events)},
        p AS (
            SELECT n.i, {pick(engine, OPERATORS, "n.i * 7")} AS operator,
                {pick(engine, ACTIONS, "n.i")} AS action
            FROM n
        )
        INSERT INTO audit_event (seq, at, operator_id, operator_username, operator_role, ip,
            user_agent, request_id, action, entity_type, entity_id, outcome, message,
            prev_hash, hash)
        SELECT {first_seq} + p.i, {at}, NULL, p.operator, 'operator', '10.0.0.1',
            'Mozilla/5.0', 'r' || CAST(p.i AS TEXT), p.action, {entity},
            CAST(p.i % 50000 AS TEXT), CASE WHEN p.i % 20 = 0 THEN 'refused' ELSE 'success' END,
            'Done', {padded(engine, "p.i", 64)}, {padded(engine, "p.i + 1", 64)}
        FROM p
    """
    start = bindparam("start", dt.datetime(2024, 1, 1, tzinfo=dt.UTC), UTCDateTime())
    with engine.begin() as conn:
        conn.execute(text(insert).bindparams(start))
    analyse(engine)


def main() -> None:
    run_list_benchmark(
        __doc__,
        rows_option="events",
        label="audit events",
        populate_with=populate,
        key="audit",
        stock_key="audit-event",
        pages=pages,
    )


if __name__ == "__main__":
    main()
