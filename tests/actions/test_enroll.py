from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.consequences import take
from actions.context import Actor
from actions.enroll import enroll, set_state
from actions.errors import Refused
from models import Enrollment, EnrollmentState, Outcome, Training
from tests.helpers import events, last_event, outbox


@pytest.fixture
def trainings(session: Session) -> dict[str, Training]:
    found = {
        "psc1 march": Training(training_type="PSC1", starts_on=dt.date(2026, 3, 1)),
        "psc1 april": Training(training_type="PSC1", starts_on=dt.date(2026, 4, 1)),
        "pse1 may": Training(training_type="PSE1", starts_on=dt.date(2026, 5, 1)),
    }
    session.add_all(found.values())
    session.commit()
    return found


def _jean_in_march(session: Session, olivia: Actor, trainings: dict[str, Training]) -> Enrollment:
    """Jean Dupont's pending enrolment in the March PSC1, saved, its outcome already told."""
    first = enroll(session, olivia, trainings["psc1 march"].id, "Jean Dupont", "jean@example.fr")
    session.commit()
    take(session)
    return first


def test_a_new_enrolment_cancels_the_pending_one_of_the_same_type(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    first = enroll(session, olivia, trainings["psc1 march"].id, "Jean Dupont", "jean@example.fr")
    second = enroll(session, olivia, trainings["psc1 april"].id, "Jean Dupont", "JEAN@example.fr")
    session.commit()

    assert (first.state, second.state) == (EnrollmentState.CANCELLED, EnrollmentState.PENDING)
    assert last_event(session, "enrollment.create").after["cancelled"] == [first.id]
    assert [m.recipient for m in outbox(session)] == ["jean@example.fr", "JEAN@example.fr"]


def test_the_cancelled_enrolment_is_its_own_audit_event_in_the_same_transaction(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    first = _jean_in_march(session, olivia, trainings)
    second = enroll(session, olivia, trainings["psc1 april"].id, "Jean Dupont", "jean@example.fr")
    told = [c.english() for c in take(session)]
    session.commit()

    cancel, create = [e for e in events(session) if e.action.startswith("enrollment.")][-2:]
    assert (create.action, create.entity_id) == ("enrollment.create", str(second.id))
    assert (cancel.action, cancel.entity_id) == ("enrollment.cancel", str(first.id))
    assert cancel.before == {"state": "pending"}
    assert cancel.after == {"state": "cancelled", "replaced_by": second.id}
    assert cancel.request_id == create.request_id == "r-olivia"
    assert "state" not in (create.before or {})  # the create event holds only the new row
    assert told == [
        f"The earlier pending enrolment of Jean Dupont in PSC1 2026-03-01 (enrolment {first.id}) "
        "is cancelled."
    ]


def test_a_refused_enrolment_cancels_nothing_and_tells_nothing(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    first = _jean_in_march(session, olivia, trainings)

    with pytest.raises(Refused, match="name is missing"):
        enroll(session, olivia, trainings["psc1 april"].id, " ", "jean@example.fr")
    session.commit()

    assert first.state == EnrollmentState.PENDING
    assert take(session) == []
    assert events(session, "enrollment.cancel") == []


def test_an_enrolment_with_nothing_earlier_tells_nothing_more(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    enroll(session, olivia, trainings["pse1 may"].id, "Jean Dupont", "jean@example.fr")

    assert take(session) == []


def test_a_validated_enrolment_of_the_same_type_blocks_the_new_one(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    first = enroll(session, olivia, trainings["psc1 march"].id, "Jean Dupont", "jean@example.fr")
    set_state(session, olivia, first.id, EnrollmentState.VALIDATED)
    session.commit()

    with pytest.raises(Refused, match=f"enrolment {first.id}"):
        enroll(session, olivia, trainings["psc1 april"].id, "Jean Dupont", "jean@example.fr")
    session.commit()

    assert first.state == EnrollmentState.VALIDATED
    assert last_event(session, "enrollment.create").outcome == Outcome.REFUSED
    assert len(outbox(session)) == 1


def test_a_different_type_or_a_cancelled_enrolment_changes_nothing(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    first = enroll(session, olivia, trainings["psc1 march"].id, "Jean Dupont", "jean@example.fr")
    other = enroll(session, olivia, trainings["pse1 may"].id, "Jean Dupont", "jean@example.fr")
    assert first.state == other.state == EnrollmentState.PENDING
    set_state(session, olivia, first.id, EnrollmentState.CANCELLED)

    again = enroll(session, olivia, trainings["psc1 april"].id, "Jean Dupont", "jean@example.fr")

    assert (first.state, again.state) == (EnrollmentState.CANCELLED, EnrollmentState.PENDING)
    assert last_event(session, "enrollment.create").after["cancelled"] == []


def test_only_a_pending_enrolment_is_validated_or_cancelled(
    session: Session, olivia: Actor, trainings: dict[str, Training]
) -> None:
    enrollment = enroll(
        session, olivia, trainings["psc1 march"].id, "Jean Dupont", "jean@example.fr"
    )
    set_state(session, olivia, enrollment.id, EnrollmentState.CANCELLED)

    with pytest.raises(Refused, match="already cancelled"):
        set_state(session, olivia, enrollment.id, EnrollmentState.VALIDATED)
