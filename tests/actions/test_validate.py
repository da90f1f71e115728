from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.validate import validate
from models import Member, MemberState, Organization, Outcome
from tests.conftest import make_member
from tests.helpers import events, last_event, outbox

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def test_it_validates_a_pending_member_with_complete_information(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    validate(session, olivia, pending_member.id, now=NOW)
    session.commit()

    assert pending_member.state == MemberState.VALIDATED
    assert pending_member.dues_year == 2026
    assert pending_member.validated_at == NOW


def test_it_audits_the_validation_with_before_and_after(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    validate(session, olivia, pending_member.id, reason="dues seen on the bank statement", now=NOW)
    session.commit()

    event = last_event(session, "member.validate")
    assert event.outcome == Outcome.SUCCESS
    assert (event.entity_type, event.entity_id) == ("member", str(pending_member.id))
    assert event.before == {"state": "pending", "dues_year": None, "validated_at": None}
    assert event.after["state"] == "validated"
    assert event.after["dues_year"] == 2026
    assert event.reason == "dues seen on the bank statement"
    assert (event.operator_username, event.operator_role, event.ip) == (
        "olivia",
        "operator",
        "10.0.0.1",
    )
    assert outbox(session) == []


@pytest.mark.parametrize(
    "state", [MemberState.INCOMPLETE, MemberState.VALIDATED, MemberState.REJECTED]
)
def test_it_refuses_a_member_who_is_not_pending(
    session: Session, olivia: Actor, organization: Organization, state: MemberState
) -> None:
    member = make_member(session, organization, state=state)

    with pytest.raises(Refused, match="not pending validation"):
        validate(session, olivia, member.id, now=NOW)
    session.commit()

    assert session.get(Member, member.id).state == state
    event = last_event(session, "member.validate")
    assert event.outcome == Outcome.REFUSED
    assert event.after is None
    assert "not pending" in (event.message or "")


@pytest.mark.parametrize(
    "missing", ["first_name", "last_name", "birth_date", "tax_code", "address"]
)
def test_it_refuses_a_member_whose_information_is_incomplete(
    session: Session, olivia: Actor, organization: Organization, missing: str
) -> None:
    member = make_member(session, organization, **{missing: None})

    with pytest.raises(Refused) as refusal:
        validate(session, olivia, member.id, now=NOW)
    session.commit()

    assert refusal.value.msgid.startswith("The personal information of")
    assert missing.replace("_", " ") in str(refusal.value)
    assert session.get(Member, member.id).state == MemberState.PENDING
    assert last_event(session, "member.validate").outcome == Outcome.REFUSED


def test_a_blank_field_counts_as_missing(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, address="   ")

    with pytest.raises(Refused, match="address"):
        validate(session, olivia, member.id, now=NOW)


@pytest.mark.parametrize(
    ("year", "accepted"), [(2025, False), (2026, True), (2027, True), (2028, False)]
)
def test_dues_must_be_paid_for_this_year_or_in_advance_for_the_next(
    session: Session, olivia: Actor, pending_member: Member, year: int, accepted: bool
) -> None:
    if accepted:
        validate(session, olivia, pending_member.id, dues_year=year, now=NOW)
        assert pending_member.dues_year == year
    else:
        with pytest.raises(Refused, match="Dues must be paid for 2026") as refusal:
            validate(session, olivia, pending_member.id, dues_year=year, now=NOW)
        assert refusal.value.field == "dues_year"


def test_a_refusal_writes_nothing_but_its_audit_event(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    before = len(events(session))
    with pytest.raises(Refused):
        validate(session, olivia, pending_member.id, dues_year=1999, now=NOW)
    session.commit()
    session.expire_all()

    member = session.get(Member, pending_member.id)
    assert (member.state, member.dues_year, member.validated_at) == (
        MemberState.PENDING,
        None,
        None,
    )
    assert len(events(session)) == before + 1


def test_validating_twice_refuses_the_second_time(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    validate(session, olivia, pending_member.id, now=NOW)
    session.commit()

    with pytest.raises(Refused, match="not pending"):
        validate(session, olivia, pending_member.id, now=NOW)


def test_someone_without_a_role_may_not_validate(session: Session, pending_member: Member) -> None:
    with pytest.raises(Refused, match="may not validate"):
        validate(session, Actor(None, "intruder", None), pending_member.id, now=NOW)


def test_a_missing_member_is_refused_with_what_to_do(session: Session, olivia: Actor) -> None:
    with pytest.raises(Refused, match="Search for them again"):
        validate(session, olivia, 999_999, now=NOW)
