"""Evidence outside the database: an export verifies alone, tampering with it is named, and
anchors of the chain's head (mailed to the supervisors) reveal a trail cut short."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import types
from typing import Any

import pytest
from sqlalchemy import event, func, insert, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from actions import audit_evidence as evidence
from actions import outbox
from actions.audit_anchor import ANCHOR_EVERY, anchor, anchor_if_due
from actions.audit_chain import content_hash
from actions.context import Actor
from actions.errors import Refused
from actions.operator_email import set_email
from admin.app import run_dispatcher
from models import AuditAnchor, AuditEvent, Organization, OutboxMessage, utcnow
from tests.conftest import Personas, SmtpServer, settings_for
from tests.helpers import events, fresh

SYSTEM = Actor.system("test")


def _organizations(session: Session, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        session.add(Organization(name=f"Cooperativa {n}", company_code=f"COOP{n}"))
        session.commit()


def _exported(session: Session, fmt: str, **bounds: Any) -> list[str]:
    records = list(evidence.export_records(fresh(session), **bounds))
    if fmt == "jsonl":
        return [evidence.jsonl_line(record) for record in records]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(evidence.FIELDS)
    writer.writerows(evidence.csv_row(record) for record in records)
    return out.getvalue().splitlines(keepends=True)


def _checked(lines: list[str], *anchors: evidence.Mark) -> evidence.Check:
    return evidence.check(evidence.read_export(lines), anchors=anchors)


def _edit(line: str, **changes: Any) -> str:
    return json.dumps({**json.loads(line), **changes}) + "\n"


def _bypass_append_only(session: Session) -> None:
    """What someone with write access to the database could do."""
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


@pytest.fixture
def trail(session: Session, personas: Personas) -> list[AuditEvent]:
    """Eight events: the three personas' creation, then five organisations."""
    _organizations(session, 5)
    return events(session)


@pytest.fixture
def mailed(session: Session, personas: Personas, ada: Actor) -> Personas:
    """Sam and Ada have an address; Olivia too, but anchors are for supervisors."""
    for persona, address in (
        (personas.operator, "olivia@example.org"),
        (personas.supervisor, "sam@example.org"),
        (personas.admin, "ada@example.org"),
    ):
        set_email(session, ada, persona.id, address)
    session.commit()
    return personas


# --- export and check --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_verifies_without_the_database(
    session: Session, trail: list[AuditEvent], fmt: str
) -> None:
    result = _checked(_exported(session, fmt))

    assert result.intact
    assert (result.count, result.first_seq, result.last_seq) == (8, 1, 8)
    assert result.last_hash == trail[-1].hash


def test_an_export_holds_every_field_the_hash_covers(
    session: Session, trail: list[AuditEvent]
) -> None:
    [first, *_rest] = _exported(session, "jsonl")
    record = json.loads(first)

    assert tuple(record) == evidence.FIELDS
    assert content_hash(types.SimpleNamespace(**record)) == record["hash"] == trail[0].hash


def test_a_range_is_every_event_from_its_first_to_its_last(
    session: Session, trail: list[AuditEvent]
) -> None:
    since, until = trail[3].at, trail[6].at

    result = _checked(_exported(session, "csv", since=since, until=until))

    assert result.intact
    assert (result.first_seq, result.last_seq) == (4, 6)  # `until` itself is left out


def test_a_range_with_no_event_exports_nothing(session: Session, trail: list[AuditEvent]) -> None:
    later = utcnow() + dt.timedelta(days=1)

    assert list(evidence.export_records(session, since=later)) == []
    assert _checked(_exported(session, "csv", since=later)).intact


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_edited_event_is_named(session: Session, trail: list[AuditEvent], fmt: str) -> None:
    lines = _exported(session, fmt)
    fifth = 4 if fmt == "jsonl" else 5  # a CSV starts with its header
    lines[fifth] = lines[fifth].replace("Cooperativa", "Cooperativo")

    result = _checked(lines)

    assert (result.intact, result.bad_seq, result.count) == (False, 5, 4)
    assert result.reason() == "event 5 was edited: its content does not match its hash"


def test_an_event_rewritten_with_a_fresh_hash_breaks_the_next_link(
    session: Session, trail: list[AuditEvent]
) -> None:
    lines = _exported(session, "jsonl")
    forged = {**json.loads(lines[4]), "operator_username": "nobody"}
    forged["hash"] = content_hash(types.SimpleNamespace(**forged))
    lines[4] = json.dumps(forged) + "\n"

    result = _checked(lines)

    assert (result.bad_seq, result.problem) == (6, evidence.BROKEN_LINK)
    assert result.reason() == (
        "the link is broken: the previous hash of event 6 is not the hash of event 5"
    )


def test_a_deleted_event_is_named(session: Session, trail: list[AuditEvent]) -> None:
    lines = _exported(session, "jsonl")
    del lines[3]

    result = _checked(lines)

    assert (result.intact, result.bad_seq, result.problem) == (False, 4, evidence.MISSING)
    assert result.reason() == "event 4 is missing: event 5 comes right after event 3"


def test_reordered_events_are_named(session: Session, trail: list[AuditEvent]) -> None:
    lines = _exported(session, "jsonl")
    lines[3], lines[4] = lines[4], lines[3]

    result = _checked(lines)

    assert (result.bad_seq, result.problem) == (4, evidence.OUT_OF_ORDER)
    assert result.reason() == "events are out of order: event 5 comes right after event 3"


def test_an_event_given_twice_is_named(session: Session, trail: list[AuditEvent]) -> None:
    lines = _exported(session, "jsonl")
    lines.insert(3, lines[2])

    result = _checked(lines)

    assert (result.bad_seq, result.problem) == (3, evidence.TWICE)


def test_a_range_may_start_anywhere_but_event_1_starts_the_chain(
    session: Session, trail: list[AuditEvent]
) -> None:
    lines = _exported(session, "jsonl")

    assert _checked(lines[2:]).intact
    forged = {**json.loads(lines[0]), "prev_hash": "1" * 64}
    forged["hash"] = content_hash(types.SimpleNamespace(**forged))
    result = _checked([json.dumps(forged), *lines[1:]])
    assert (result.bad_seq, result.problem) == (1, evidence.NOT_FIRST)


def test_a_file_cut_before_its_anchor_is_named(session: Session, trail: list[AuditEvent]) -> None:
    lines = _exported(session, "jsonl")
    mark = evidence.Mark(8, trail[7].hash)

    assert _checked(lines, mark).intact
    result = _checked(lines[:6], mark)

    assert (result.intact, result.last_seq, result.bad_seq) == (False, 6, 7)
    assert result.reason() == (
        "the trail ends at event 6 but was anchored at event 8: events were removed"
    )


def test_an_anchor_whose_hash_differs_is_named(session: Session, trail: list[AuditEvent]) -> None:
    result = _checked(_exported(session, "jsonl"), evidence.Mark(5, "f" * 64))

    assert (result.bad_seq, result.problem) == (5, evidence.ANCHOR_DIFFERS_NO_DATE)


def test_an_anchor_before_the_range_cannot_be_checked(
    session: Session, trail: list[AuditEvent]
) -> None:
    result = _checked(_exported(session, "jsonl")[4:], evidence.Mark(2, trail[1].hash))

    assert (result.intact, result.problem) == (False, evidence.ANCHOR_BEFORE)


@pytest.mark.parametrize(
    ("line", "number"),
    [("not json\n", 3), ('{"seq": 3}\n', 3), ('{"seq": "three"}\n', 3), ("[1, 2]\n", 3)],
)
def test_a_line_that_is_no_event_is_named(
    session: Session, trail: list[AuditEvent], line: str, number: int
) -> None:
    lines = _exported(session, "jsonl")
    lines[2] = line

    result = _checked(lines)

    assert (result.intact, result.problem, result.params) == (
        False,
        evidence.UNREADABLE,
        {"line": number},
    )


def test_a_csv_without_the_export_columns_is_named() -> None:
    result = _checked(["name,age\n", "Anna,40\n"])

    assert (result.intact, result.params) == (False, {"line": 1})


@pytest.mark.parametrize(
    "value", [None, "", "'quoted", "=1+1", "-3", " @sum", "\ttab", "Città", "plain", 7]
)
def test_a_csv_cell_reads_back_to_its_value(value: Any) -> None:
    name = "operator_id" if isinstance(value, int) else "reason"
    cell = evidence.to_cell(value)

    assert evidence.from_cell(name, cell) == value
    assert cell[:1] not in {"=", "+", "-", "@", "\t"}


# --- the database's own check, against its anchors ---------------------------------------


def test_the_trail_is_intact_and_reaches_its_anchor(
    session: Session, trail: list[AuditEvent]
) -> None:
    anchor(session, SYSTEM)
    session.commit()

    result = evidence.check_trail(fresh(session))

    assert (result.intact, result.count) == (True, 9)  # with the anchor's own event


def test_a_trail_cut_after_its_anchor_is_tampering(
    session: Session, trail: list[AuditEvent]
) -> None:
    anchored = anchor(session, SYSTEM, now=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC))
    session.commit()
    assert anchored is not None and anchored.anchor.seq == 8
    _bypass_append_only(session)
    session.execute(text("DELETE FROM audit_event WHERE seq >= 7"))
    session.commit()

    result = evidence.check_trail(session)

    assert (result.intact, result.last_seq, result.bad_seq) == (False, 6, 7)
    assert result.reason() == (
        "the trail ends at event 6 but was anchored at event 8 on 2026-12-01 09:30 UTC: "
        "events were removed"
    )


def test_an_anchor_given_by_hand_is_checked_too(session: Session, trail: list[AuditEvent]) -> None:
    assert evidence.check_trail(session, [evidence.Mark(3, trail[2].hash)]).intact

    result = evidence.check_trail(session, [evidence.Mark(9, "a" * 64)])

    assert (result.intact, result.problem) == (False, evidence.TRUNCATED_NO_DATE)


# --- anchors -----------------------------------------------------------------------------


def test_anchoring_writes_the_head_down_with_its_event_and_mails_the_supervisors(
    session: Session, trail: list[AuditEvent], mailed: Personas
) -> None:
    head = events(session)[-1]

    anchored = anchor(session, SYSTEM)
    session.commit()

    assert anchored is not None and anchored.new
    assert (anchored.anchor.seq, anchored.anchor.hash) == (head.seq, head.hash)
    assert anchored.recipients == ("sam@example.org", "ada@example.org")
    messages = list(fresh(session).scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [m.recipient for m in messages] == ["sam@example.org", "ada@example.org"]
    assert f"--anchor {head.seq}:{head.hash}" in messages[0].body
    [recorded] = events(session, "audit.anchor")
    assert recorded.seq == head.seq + 1
    assert recorded.entity_type == "audit_anchor"
    assert recorded.entity_id == str(anchored.anchor.id)
    assert recorded.after == {
        "seq": head.seq,
        "hash": head.hash,
        "mailed_to": ["sam@example.org", "ada@example.org"],
    }


def test_anchoring_again_with_nothing_new_mails_nothing(
    session: Session, trail: list[AuditEvent], mailed: Personas
) -> None:
    first = anchor(session, SYSTEM)
    session.commit()

    again = anchor(session, SYSTEM)
    session.commit()

    assert first is not None and again is not None and not again.new
    assert again.anchor.id == first.anchor.id
    assert fresh(session).scalar(select(func.count(AuditAnchor.id))) == 1
    assert session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_disabled_and_addressless_supervisors_are_not_mailed(
    session: Session, trail: list[AuditEvent], mailed: Personas, ada: Actor
) -> None:
    from actions.operators import disable

    disable(session, ada, mailed.supervisor.id)
    set_email(session, ada, mailed.admin.id, "")
    session.commit()

    anchored = anchor(session, SYSTEM)

    assert anchored is not None and anchored.recipients == ()


def test_the_anchor_mail_reaches_the_smtp_server_once(
    session: Session,
    session_factory: sessionmaker[Session],
    trail: list[AuditEvent],
    mailed: Personas,
    smtp: SmtpServer,
) -> None:
    anchored = anchor(session, SYSTEM)
    session.commit()
    assert anchored is not None
    transports = outbox.transports_from(smtp.url, "sportello@example.org")

    first = outbox.dispatch_once(session_factory, transports)
    second = outbox.dispatch_once(session_factory, transports)

    assert (first.sent, second.sent) == (2, 0)
    received = smtp.mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["ada@example.org", "sam@example.org"]
    subject = f"Sportello audit trail: anchored at event {anchored.anchor.seq}"
    assert all(m["Subject"] == subject for m in received)


def test_an_operator_may_not_anchor(
    session: Session, trail: list[AuditEvent], olivia: Actor
) -> None:
    with pytest.raises(Refused):
        anchor(session, olivia)
    session.commit()

    assert fresh(session).scalar(select(func.count(AuditAnchor.id))) == 0
    assert events(session, "audit.anchor")[-1].outcome == "refused"


def test_an_empty_trail_has_nothing_to_anchor(session: Session) -> None:
    assert anchor(session, SYSTEM) is None


# --- the daily anchor --------------------------------------------------------------------


def test_the_daily_anchor_happens_once_a_day(session: Session, trail: list[AuditEvent]) -> None:
    now = utcnow()

    first = anchor_if_due(session, SYSTEM, now)
    session.commit()
    again = anchor_if_due(session, SYSTEM, now + ANCHOR_EVERY - dt.timedelta(minutes=1))
    session.commit()
    _organizations(session, 1, first=5)
    next_day = anchor_if_due(session, SYSTEM, now + ANCHOR_EVERY)
    session.commit()

    assert first is not None and again is None and next_day is not None
    assert [a.seq for a in fresh(session).scalars(select(AuditAnchor))] == [8, 10]


def test_a_second_dispatcher_finds_the_anchor_written_meanwhile(
    session: Session, session_factory: sessionmaker[Session], trail: list[AuditEvent]
) -> None:
    landed = _anchored_right_after_the_first_look(session, session_factory)

    result = anchor_if_due(session, SYSTEM)
    session.commit()

    assert landed and result is None
    assert fresh(session).scalar(select(func.count(AuditAnchor.id))) == 1


def _anchored_right_after_the_first_look(
    session: Session, factory: sessionmaker[Session]
) -> list[bool]:
    """Another dispatcher anchors right after `session` found the anchor due: on PostgreSQL
    in its own committed transaction; SQLite lets one writer at a time, so there the row
    appears on the session's own connection."""
    landed: list[bool] = []

    def the_other_dispatcher_anchors(state: ORMExecuteState) -> Any:
        if landed or not state.is_select or state.bind_mapper is not inspect(AuditAnchor):
            return None
        landed.append(True)
        looked = state.invoke_statement().freeze()
        if state.session.get_bind().dialect.name == "sqlite":
            row = {"seq": 8, "hash": "0" * 64, "at": utcnow()}
            state.session.connection().execute(insert(AuditAnchor).values(**row))
        else:
            with factory() as other:
                assert anchor_if_due(other, Actor.system("other")) is not None
                other.commit()
        return looked()

    event.listen(session, "do_orm_execute", the_other_dispatcher_anchors)
    return landed


class OneRound(threading.Event):
    """A stop signal that comes after the dispatcher's first round."""

    def wait(self, timeout: float | None = None) -> bool:
        self.set()
        return True


def test_the_dispatcher_anchors_and_mails_it_once(
    session: Session,
    database_url: str,
    engine: Any,
    trail: list[AuditEvent],
    mailed: Personas,
    smtp: SmtpServer,
) -> None:
    settings = settings_for(database_url, smtp.url)

    run_dispatcher(settings, engine, OneRound())
    run_dispatcher(settings, engine, OneRound())

    assert fresh(session).scalar(select(func.count(AuditAnchor.id))) == 1
    assert len(events(session, "audit.anchor")) == 1
    received = smtp.mailbox.wait_for(2)
    assert sorted(m["To"] for m in received) == ["ada@example.org", "sam@example.org"]


# --- operators' addresses ----------------------------------------------------------------


def test_an_administrator_sets_an_operators_address(
    session: Session, personas: Personas, ada: Actor
) -> None:
    set_email(session, ada, personas.supervisor.id, "  Sam@Example.org ")
    session.commit()

    assert personas.supervisor.email == "Sam@example.org"
    assert events(session, "operator.set_email")[-1].after == {"email": "Sam@example.org"}


def test_an_operators_address_is_checked(session: Session, personas: Personas, ada: Actor) -> None:
    with pytest.raises(Refused, match="no @"):
        set_email(session, ada, personas.supervisor.id, "sam.example.org")


def test_only_an_administrator_sets_an_address(
    session: Session, personas: Personas, sam: Actor
) -> None:
    with pytest.raises(Refused, match="Only an administrator"):
        set_email(session, sam, personas.supervisor.id, "sam@example.org")
