"""The audit trail: row changes, secrets, the hash chain and the append-only table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from actions import audit
from actions.audit import MASK, audited
from actions.audit_chain import GENESIS, Verdict, content_hash, verify
from actions.context import Actor
from actions.errors import Refused
from actions.operators import set_password
from models import AuditEvent, Operator, Organization, Outcome, utcnow
from tests.conftest import Personas
from tests.helpers import events, last_event

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _add_organization(
    session: Session, actor: Actor, name: str = "Cooperativa Verdi"
) -> Organization:
    session.info["actor"] = actor
    org = Organization(name=name, company_code="VERDI")
    session.add(org)
    session.commit()
    return org


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _bypass_append_only(session: Session) -> None:
    """What someone with write access to the database could do."""
    if _is_postgresql(session):
        session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    else:
        session.execute(text("DROP TRIGGER audit_event_no_update"))
        session.execute(text("DROP TRIGGER audit_event_no_delete"))


def _tamper(session: Session, statement: str, **params: object) -> None:
    session.commit()
    _bypass_append_only(session)
    session.execute(text(statement), params)
    session.commit()
    session.expire_all()


def _audit_verify_command(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPORTELLO_DEMO"}
    env.update(DATABASE_URL=database_url, SECRET_KEY="s" * 40)
    return subprocess.run(
        [sys.executable, "main.py", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- row changes outside any action ------------------------------------------------------


def test_creating_a_row_outside_an_action_writes_one_event_with_the_stored_values(
    session: Session, olivia: Actor
) -> None:
    before = len(events(session))

    org = _add_organization(session, olivia)

    assert len(events(session)) == before + 1
    event = last_event(session, "organization.create")
    assert (event.entity_type, event.entity_id, event.outcome) == (
        "organization",
        str(org.id),
        Outcome.SUCCESS,
    )
    assert (event.operator_username, event.operator_role, event.ip, event.request_id) == (
        "olivia",
        "operator",
        "10.0.0.1",
        "r-olivia",
    )
    assert event.before is None
    assert event.after == {
        "id": org.id,
        "name": "Cooperativa Verdi",
        "company_code": "VERDI",
        "country": "IT",
        "language": "it",
        "timezone": "Europe/Rome",
        "vat_number": None,
        "isil": None,
        "credential_policy": "password",
        "email": None,
        "access_code_hash": "***",  # a secret: never written, even when empty
        "administrator_id": None,
        "registered_at": None,
        "created_at": org.created_at.isoformat(),
    }


def test_editing_a_row_records_only_the_changed_columns(
    session: Session, olivia: Actor, sam: Actor
) -> None:
    org = _add_organization(session, olivia)
    session.info["actor"] = sam

    org.name = "Cooperativa Verdi Onlus"
    org.language = "it"  # set to the value it already has
    session.commit()

    event = last_event(session, "organization.edit")
    assert (event.entity_id, event.operator_username) == (str(org.id), "sam")
    assert event.before == {"name": "Cooperativa Verdi"}
    assert event.after == {"name": "Cooperativa Verdi Onlus"}


def test_setting_a_column_to_its_current_value_writes_no_event(
    session: Session, olivia: Actor
) -> None:
    org = _add_organization(session, olivia)
    before = len(events(session))

    org.name = "Cooperativa Verdi"
    session.commit()

    assert len(events(session)) == before
    assert events(session, "organization.edit") == []


def test_deleting_a_row_keeps_a_full_snapshot_of_it(
    session: Session, olivia: Actor, ada: Actor
) -> None:
    org = _add_organization(session, olivia)
    org_id, created_at = org.id, org.created_at
    session.info["actor"] = ada

    session.delete(org)
    session.commit()

    assert session.get(Organization, org_id) is None
    event = last_event(session, "organization.delete")
    assert (event.entity_type, event.entity_id, event.operator_username) == (
        "organization",
        str(org_id),
        "ada",
    )
    assert event.before == {
        "id": org_id,
        "name": "Cooperativa Verdi",
        "company_code": "VERDI",
        "country": "IT",
        "language": "it",
        "timezone": "Europe/Rome",
        "vat_number": None,
        "isil": None,
        "credential_policy": "password",
        "email": None,
        "access_code_hash": "***",
        "administrator_id": None,
        "registered_at": None,
        "created_at": created_at.isoformat(),
    }
    assert event.after is None


def test_a_change_without_an_actor_is_recorded_as_the_system(session: Session) -> None:
    session.info.pop("actor", None)

    session.add(Organization(name="Biblioteca Civica"))
    session.commit()

    event = last_event(session, "organization.create")
    assert (event.operator_id, event.operator_username, event.operator_role) == (
        None,
        "system",
        None,
    )


# --- secrets -----------------------------------------------------------------------------


def _everything_recorded(session: Session) -> str:
    return json.dumps([(e.before, e.after, e.message) for e in events(session)])


def test_a_password_change_is_recorded_without_the_hash(
    session: Session, personas: Personas, ada: Actor
) -> None:
    old_hash = personas.operator.password_hash

    set_password(session, ada, personas.operator.id, "a brand new passphrase")
    session.commit()

    new_hash = personas.operator.password_hash
    assert new_hash != old_hash
    event = last_event(session, "operator.set_password")
    assert (event.entity_id, event.outcome) == (str(personas.operator.id), Outcome.SUCCESS)
    assert event.before == {"password_hash": MASK}
    assert event.after == {"password_hash": MASK}
    recorded = _everything_recorded(session)
    assert old_hash not in recorded
    assert new_hash not in recorded


def test_a_hash_written_directly_is_masked_too(
    session: Session, personas: Personas, ada: Actor
) -> None:
    session.info["actor"] = ada

    personas.operator.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$leaked"
    session.commit()

    event = last_event(session, "operator.edit")
    assert (event.before, event.after) == ({"password_hash": MASK}, {"password_hash": MASK})
    assert "leaked" not in _everything_recorded(session)


def test_creating_an_operator_masks_the_hash(session: Session, personas: Personas) -> None:
    created = events(session, "operator.create")

    assert [e.after["password_hash"] for e in created] == [MASK] * 3
    assert personas.admin.password_hash not in _everything_recorded(session)


def test_failed_login_counters_are_not_recorded(session: Session, personas: Personas) -> None:
    before = len(events(session))

    personas.operator.failed_logins = 3
    personas.operator.last_failed_at = NOW
    session.commit()

    assert len(events(session)) == before


def test_an_edit_alongside_the_counters_records_only_the_edit(
    session: Session, personas: Personas
) -> None:
    personas.operator.failed_logins = 1
    personas.operator.display_name = "Olivia B."
    session.commit()

    event = last_event(session, "operator.edit")
    assert (event.before, event.after) == (
        {"display_name": "Olivia"},
        {"display_name": "Olivia B."},
    )


# --- the hash chain ----------------------------------------------------------------------


def _several_events(session: Session, actor: Actor) -> None:
    org = _add_organization(session, actor)
    org.name = "Cooperativa Verdi Onlus"
    session.commit()
    audit.log(session, actor, "operator.login", ("operator", actor.operator_id), browser="Firefox")
    session.commit()
    session.delete(org)
    session.commit()


def test_the_chain_of_several_events_verifies_intact(session: Session, olivia: Actor) -> None:
    _several_events(session, olivia)

    rows = events(session)
    assert len(rows) == 7  # three operators, then create, edit, login, delete
    assert verify(session) == Verdict(intact=True, count=7)


def test_seq_values_have_no_gaps_and_each_event_links_to_the_previous_one(
    session: Session, olivia: Actor
) -> None:
    _several_events(session, olivia)

    rows = events(session)
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert [e.prev_hash for e in rows] == [GENESIS, *(e.hash for e in rows[:-1])]
    assert all(e.hash == content_hash(e) for e in rows)
    assert len({e.hash for e in rows}) == len(rows)


def test_an_empty_trail_is_intact(session: Session) -> None:
    assert verify(session) == Verdict(intact=True, count=0)


def test_events_rolled_back_leave_no_gap_in_the_chain(session: Session, olivia: Actor) -> None:
    _add_organization(session, olivia)
    session.info["actor"] = olivia
    session.add(Organization(name="Never saved"))
    session.flush()
    session.rollback()
    session.add(Organization(name="Saved"))
    session.commit()

    rows = events(session)
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert verify(session) == Verdict(intact=True, count=len(rows))
    assert session.scalars(select(Organization.name).order_by(Organization.id)).all() == [
        "Cooperativa Verdi",
        "Saved",
    ]


# --- append-only -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET message = 'nothing happened'",
        "UPDATE audit_event SET operator_username = 'nobody' WHERE seq = 1",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE seq = 3",
    ],
)
def test_no_one_can_update_or_delete_an_audit_event(
    session: Session, personas: Personas, statement: str
) -> None:
    before = [(e.seq, e.operator_username, e.message, e.hash) for e in events(session)]
    assert len(before) == 3

    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()

    session.expire_all()
    assert [(e.seq, e.operator_username, e.message, e.hash) for e in events(session)] == before
    assert verify(session) == Verdict(intact=True, count=3)


def test_no_one_can_truncate_the_audit_trail_on_postgresql(
    session: Session, personas: Personas
) -> None:
    if not _is_postgresql(session):
        pytest.skip("SQLite has no TRUNCATE")

    # Plain, it is refused as the reviews refer to the trail; with them, as append-only.
    with pytest.raises(DBAPIError, match="referenced in a foreign key"):
        session.execute(text("TRUNCATE audit_event"))
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("TRUNCATE audit_event CASCADE"))
    session.rollback()

    assert verify(session) == Verdict(intact=True, count=3)


def test_the_orm_cannot_edit_an_audit_event_either(session: Session, personas: Personas) -> None:
    event = events(session)[0]

    event.message = "edited"
    with pytest.raises(DBAPIError, match="append-only"):
        session.commit()
    session.rollback()

    assert verify(session) == Verdict(intact=True, count=3)


# --- tampering ---------------------------------------------------------------------------


def test_verify_names_an_event_edited_in_the_database(session: Session, olivia: Actor) -> None:
    _several_events(session, olivia)
    edited = events(session)[4]

    _tamper(
        session,
        "UPDATE audit_event SET message = 'nothing to see' WHERE seq = :seq",
        seq=edited.seq,
    )

    assert verify(session) == Verdict(
        intact=False,
        count=edited.seq - 1,
        first_bad_seq=edited.seq,
        problem="content does not match its hash",
    )


def test_verify_names_an_event_deleted_from_the_database(session: Session, olivia: Actor) -> None:
    _several_events(session, olivia)

    _tamper(session, "DELETE FROM audit_event WHERE seq = 4")

    verdict = verify(session)
    assert (verdict.intact, verdict.count, verdict.first_bad_seq) == (False, 3, 4)
    assert verdict.problem == "event 4 is missing"


def test_rewriting_an_event_with_a_fresh_hash_breaks_the_link_to_the_next(
    session: Session, olivia: Actor
) -> None:
    _several_events(session, olivia)
    edited = events(session)[2]
    columns = [c.key for c in AuditEvent.__table__.columns]
    forged = types.SimpleNamespace(**{c: getattr(edited, c) for c in columns})
    forged.operator_username = "nobody"

    _tamper(
        session,
        "UPDATE audit_event SET operator_username = 'nobody', hash = :hash WHERE seq = :seq",
        hash=content_hash(forged),
        seq=edited.seq,
    )

    verdict = verify(session)
    assert (verdict.intact, verdict.first_bad_seq) == (False, edited.seq + 1)
    assert verdict.problem == "previous hash does not match"


def test_the_audit_verify_command_reports_an_intact_chain(
    session: Session, personas: Personas, database_url: str
) -> None:
    session.commit()

    result = _audit_verify_command(database_url)

    assert result.returncode == 0, result.stderr
    assert "audit chain intact: 3 events" in result.stdout.splitlines()


def test_the_audit_verify_command_fails_naming_the_first_bad_event(
    session: Session, personas: Personas, database_url: str
) -> None:
    _tamper(session, "UPDATE audit_event SET action = 'operator.nothing' WHERE seq = 2")

    result = _audit_verify_command(database_url)

    assert result.returncode == 1
    assert "audit chain intact" not in result.stdout
    assert "audit chain broken at event 2:" in result.stderr


# --- actions -----------------------------------------------------------------------------


def test_an_action_folds_its_row_changes_into_one_event(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    before = len(events(session))

    with audited(session, olivia, "organization.rename", organization, reason="new statute"):
        organization.name = "Welfare Rossi S.p.A."
    session.commit()

    assert len(events(session)) == before + 1
    event = last_event(session, "organization.rename")
    assert (event.entity_id, event.outcome, event.reason) == (
        str(organization.id),
        Outcome.SUCCESS,
        "new statute",
    )
    assert (event.before, event.after) == (
        {"name": "Welfare Rossi"},
        {"name": "Welfare Rossi S.p.A."},
    )
    assert events(session, "organization.edit") == []


def test_a_refused_action_rolls_back_its_changes_and_records_only_the_refusal(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    session.info["actor"] = olivia
    kept = Organization(name="Made before the action")
    session.add(kept)
    session.flush()
    before = len(events(session))

    with (
        pytest.raises(Refused, match="not allowed"),
        audited(session, olivia, "organization.rename", organization),
    ):
        organization.name = "Renamed"
        session.add(Organization(name="Made inside the action"))
        session.flush()
        raise Refused("Renaming is not allowed.")
    session.commit()
    session.expire_all()

    assert session.get_one(Organization, organization.id).name == "Welfare Rossi"
    assert session.scalars(select(Organization.name).order_by(Organization.id)).all() == [
        "Welfare Rossi",
        "Made before the action",
    ]
    assert len(events(session)) == before + 1
    event = last_event(session, "organization.rename")
    assert (event.entity_id, event.outcome, event.message) == (
        str(organization.id),
        Outcome.REFUSED,
        "Renaming is not allowed.",
    )
    assert (event.operator_username, event.ip) == ("olivia", "10.0.0.1")
    assert (event.before, event.after) == (None, None)  # nothing changed
    assert verify(session).intact


def test_an_action_that_crashes_rolls_back_and_records_nothing(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    before = len(events(session))

    with (
        pytest.raises(ZeroDivisionError),
        audited(session, olivia, "organization.rename", organization),
    ):
        organization.name = "Renamed"
        session.flush()
        _ = 1 / 0
    session.commit()
    session.expire_all()

    assert session.get_one(Organization, organization.id).name == "Welfare Rossi"
    assert len(events(session)) == before


def test_the_actor_is_carried_into_every_field_of_the_event(
    session: Session, personas: Personas
) -> None:
    actor = dataclasses.replace(
        Actor.of(personas.supervisor), ip="192.0.2.7", user_agent="x" * 400, request_id="req-9"
    )

    audit.log(session, actor, "operator.login", personas.supervisor, at=utcnow())
    session.commit()

    event = last_event(session, "operator.login")
    assert (event.operator_id, event.operator_username, event.operator_role) == (
        personas.supervisor.id,
        "sam",
        "supervisor",
    )
    assert (event.ip, event.user_agent, event.request_id) == ("192.0.2.7", "x" * 300, "req-9")
    assert (event.entity_type, event.entity_id) == ("operator", str(personas.supervisor.id))
    assert verify(session).intact


def test_operator_rows_are_found_by_their_key(session: Session, personas: Personas) -> None:
    # The entity key of the event matches the row, so an operator's history can be listed.
    history = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "operator",
            AuditEvent.entity_id == str(personas.operator.id),
        )
    ).all()

    assert [e.action for e in history] == ["operator.create"]
    assert session.get_one(Operator, personas.operator.id).username == "olivia"
