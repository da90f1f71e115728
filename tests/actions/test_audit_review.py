"""The review queue's rules: which actions are risky, a review written and audited, and who
may not review what (an operator, the action's own author, an event outside the queue, an
event reviewed already, by a colleague at the same moment too)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions import outbox
from actions.account_state import unlock_account
from actions.audit import log
from actions.audit_review import Show, is_risky, kind_of, queue, review_event, unreviewed_count
from actions.change_email import change_member_email
from actions.context import Actor
from actions.errors import Forbidden, Refused
from actions.intake import Request, intake
from actions.merge_clients import undo_merge
from actions.resend_password import resend_password
from models import (
    AccountState,
    AuditEvent,
    AuditReview,
    Channel,
    Member,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Outcome,
)
from tests.client_merges import deleted, merged
from tests.conftest import Personas, make_member
from tests.helpers import events, last_event, make_account
from tests.races import taken_right_after_the_check


def _merge(session: Session, actor: Actor) -> AuditEvent:
    """Olivia's merge of "Mairie de Toulon Ouest" into "Mairie de Toulon"; its event."""
    target = intake(session, actor, Request(legal_name="Mairie de Toulon")).client
    source = intake(session, actor, Request(legal_name="Mairie de Toulon Ouest")).client
    session.commit()
    merged(session, actor, source.id, target.client_number)
    session.commit()
    return _main_event(session, "client.merge")


def _main_event(session: Session, action: str) -> AuditEvent:
    """The action's own event (not the rows it touched on the side)."""
    prefix = action.split(".")[0]
    return [e for e in events(session, action) if e.entity_type == prefix][-1]


@pytest.fixture
def merge_event(session: Session, olivia: Actor) -> AuditEvent:
    return _merge(session, olivia)


# --- which actions are risky ----------------------------------------------------------------


def test_a_merge_and_its_undo_are_risky_but_not_the_rows_they_touch_on_the_side(
    session: Session, olivia: Actor, merge_event: AuditEvent
) -> None:
    source_id = int(merge_event.entity_id or 0)
    undo_merge(session, olivia, source_id)
    session.commit()
    undo = _main_event(session, "client.undo_merge")
    assert is_risky(session, merge_event.id) and kind_of(merge_event) == "Merge"
    assert is_risky(session, undo.id) and kind_of(undo) == "Merge undone"
    side = [e for e in events(session, "client.merge") if e.entity_type != "client"]
    assert side and not any(is_risky(session, e.id) for e in side)


def test_a_deletion_an_email_change_and_an_unlock_are_risky(
    session: Session, olivia: Actor, pending_member: Member, organization: Organization
) -> None:
    client = intake(session, olivia, Request(legal_name="Mairie de Nice")).client
    source = intake(session, olivia, Request(legal_name="Ville de Lyon")).client
    session.commit()
    merged(session, olivia, source.id, client.client_number)
    deleted(session, olivia, source.id, source.client_number)
    change_member_email(session, olivia, pending_member.id, "mario@example.com")
    account = make_account(session, organization, "mrossi", state=AccountState.LOCKED)
    unlock_account(session, olivia, account.id)
    session.commit()
    for action, kind in (
        ("client.delete", "Deletion"),
        ("member.change_email", "E-mail change"),
        ("login_account.unlock", "Unlock"),
    ):
        event = _main_event(session, action)
        assert is_risky(session, event.id), action
        assert kind_of(event) == kind


def test_a_copy_to_an_address_the_operator_typed_is_risky_not_one_to_the_same_address(
    session: Session, olivia: Actor
) -> None:
    message = OutboxMessage(
        channel=Channel.EMAIL,
        recipient="anna@example.it",
        subject="Your client number",
        body="C000001",
        caused_by="client.intake",
        status=OutboxStatus.SENT,
    )
    session.add(message)
    session.commit()
    outbox.resend(session, olivia, message.id)
    outbox.resend(session, olivia, message.id, "anna.verdi@example.it")
    session.commit()
    same, typed = events(session, "outbox.resend")
    assert not is_risky(session, same.id)
    assert is_risky(session, typed.id) and kind_of(typed) == "Address typed by an operator"


def test_an_address_filled_in_for_a_member_with_none_is_risky(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, email=None, tax_code="X9")
    resend_password(session, olivia, member.id, link_base="http://x", email="new@example.org")
    session.commit()
    assert is_risky(session, _main_event(session, "member.fill_in_email").id)
    assert not is_risky(session, _main_event(session, "member.resend_password").id)


def test_a_refused_risky_action_and_an_ordinary_action_are_not_in_the_queue(
    session: Session, olivia: Actor, merge_event: AuditEvent
) -> None:
    log(session, olivia, "client.merge", ("client", "1"), outcome=Outcome.REFUSED, message="no")
    session.commit()
    refused = last_event(session, "client.merge")
    intake_event = _main_event(session, "client.intake")
    assert not is_risky(session, refused.id)
    assert not is_risky(session, intake_event.id)
    assert [item.event.id for item in queue(session).items] == [merge_event.id]


def test_the_queue_is_newest_first_page_by_page(session: Session, olivia: Actor) -> None:
    first = _merge(session, olivia)
    target = intake(session, olivia, Request(legal_name="Commune de Nice")).client
    source = intake(session, olivia, Request(legal_name="Commune de Nice Est")).client
    session.commit()
    merged(session, olivia, source.id, target.client_number)
    session.commit()
    second = _main_event(session, "client.merge")
    page = queue(session, size=1)
    assert [i.event.id for i in page.items] == [second.id]
    assert page.next_before == second.seq
    older = queue(session, before=page.next_before, size=1)
    assert [i.event.id for i in older.items] == [first.id] and older.next_before is None


# --- the review ---------------------------------------------------------------------------


def test_a_supervisor_marks_a_merge_fine_and_the_review_is_audited(
    session: Session, sam: Actor, merge_event: AuditEvent
) -> None:
    assert unreviewed_count(session) == 1
    review = review_event(session, sam, merge_event.id, False, "  ")
    session.commit()
    assert (review.event_id, review.reviewer_username, review.wrong, review.comment) == (
        merge_event.id,
        "sam",
        False,
        None,
    )
    audit = last_event(session, "audit.review")
    assert audit.outcome == Outcome.SUCCESS and audit.operator_username == "sam"
    assert (audit.entity_type, audit.entity_id) == ("audit_review", str(review.id))
    assert not audit.before
    assert audit.after and audit.after["event_id"] == merge_event.id
    assert audit.after["wrong"] is False and audit.after["reviewed_action"] == "client.merge"
    assert unreviewed_count(session) == 0
    assert [i.event.id for i in queue(session, Show.REVIEWED).items] == [merge_event.id]
    assert queue(session, Show.WRONG).items == []


def test_something_wrong_is_said_with_a_comment(
    session: Session, ada: Actor, merge_event: AuditEvent
) -> None:
    with pytest.raises(Refused) as refusal:
        review_event(session, ada, merge_event.id, True, " ")
    assert refusal.value.field == "comment"
    assert str(refusal.value) == "Say what was wrong: a comment is required."
    review_event(session, ada, merge_event.id, True, "Wrong target: C000002 was meant.")
    session.commit()
    [item] = queue(session, Show.WRONG).items
    assert item.review is not None and item.review.comment == "Wrong target: C000002 was meant."
    refused = events(session, "audit.review")[0]
    assert refused.outcome == Outcome.REFUSED and not refused.after


def test_an_operator_never_reviews(
    session: Session, olivia: Actor, personas: Personas, merge_event: AuditEvent
) -> None:
    other = Actor(personas.operator.id, "otto", personas.operator.role)
    with pytest.raises(Forbidden):
        review_event(session, other, merge_event.id, False, "")
    session.commit()
    assert session.scalar(select(func.count(AuditReview.id))) == 0


def test_nobody_reviews_their_own_action(session: Session, personas: Personas, sam: Actor) -> None:
    merge_event = _merge(session, sam)
    with pytest.raises(Refused, match="Another supervisor reviews your own actions"):
        review_event(session, sam, merge_event.id, False, "")
    session.commit()
    assert last_event(session, "audit.review").outcome == Outcome.REFUSED


def test_an_event_outside_the_queue_is_not_reviewed(
    session: Session, olivia: Actor, sam: Actor, merge_event: AuditEvent
) -> None:
    intake_event = _main_event(session, "client.intake")
    with pytest.raises(Refused, match="only risky actions are reviewed"):
        review_event(session, sam, intake_event.id, False, "")
    with pytest.raises(Refused, match="No audit event has the number 999999"):
        review_event(session, sam, 999_999, False, "")


def test_an_event_is_reviewed_once(
    session: Session, sam: Actor, ada: Actor, merge_event: AuditEvent
) -> None:
    review_event(session, sam, merge_event.id, False, "")
    session.commit()
    with pytest.raises(Refused, match="sam already reviewed this action"):
        review_event(session, ada, merge_event.id, True, "late")
    session.commit()
    assert session.scalar(select(func.count(AuditReview.id))) == 1


def test_two_supervisors_at_the_same_moment_the_second_is_refused_and_nothing_half_written(
    session: Session,
    session_factory: sessionmaker[Session],
    sam: Actor,
    ada: Actor,
    merge_event: AuditEvent,
) -> None:
    landed = taken_right_after_the_check(
        session,
        session_factory,
        AuditReview,
        event_id=merge_event.id,
        reviewer_username="ada",
        wrong=False,
    )
    with pytest.raises(Refused, match="at the same moment"):
        review_event(session, sam, merge_event.id, True, "mine")
    assert landed == [True]
    session.commit()
    reviews = list(session.scalars(select(AuditReview)))
    assert all(r.reviewer_username == "ada" for r in reviews)
    assert last_event(session, "audit.review").outcome == Outcome.REFUSED


# --- whatever the attempts, at most one review --------------------------------------------

ATTEMPT = st.tuples(
    st.sampled_from(["olivia", "sam", "ada"]), st.booleans(), st.sampled_from(["", "why"])
)


# Each example runs in a savepoint of the same database, rolled back after it.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(ATTEMPT, min_size=1, max_size=6))
def test_an_event_has_at_most_one_review_whatever_the_attempts(
    session: Session,
    personas: Personas,
    merge_event: AuditEvent,
    attempts: list[tuple[str, bool, str]],
) -> None:
    actors = {
        p.username: Actor.of(p) for p in (personas.operator, personas.supervisor, personas.admin)
    }
    first_valid = next((a for a in attempts if a[0] != "olivia" and (a[2] or not a[1])), None)
    savepoint = session.begin_nested()
    for username, wrong, comment in attempts:
        with contextlib.suppress(Refused):
            review_event(session, actors[username], merge_event.id, wrong, comment)
    reviews = list(session.scalars(select(AuditReview)))
    assert len(reviews) == (1 if first_valid else 0)
    if first_valid:
        assert (reviews[0].reviewer_username, reviews[0].wrong) == first_valid[:2]
    savepoint.rollback()
