"""A million audit events for the trail's benchmarks (bench/audit_trail.py), made by one
INSERT ... SELECT in a migrated database: 20 operators, 15 actions, one event a minute from
2024-01-01, one in 20 refused. The trail page that replaced the stock list is measured by
bench/audit_trail.py, against the stock list's search as its baseline.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from member_list import PASSWORD, analyse, numbers, padded, pick
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
