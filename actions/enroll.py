"""Enrolments (seed 001): enrolling a trainee in a training cancels their other enrolment of
the same training type automatically, unless that one is validated: then the new enrolment is
refused, naming the validated enrolment that blocks it. Each cancellation is its own audited
`enrollment.cancel` event, in the same transaction as the `enrollment.create`, and is told
with the outcome. The confirmation mail goes through the outbox, so a lost one can be resent
from there to a corrected address."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import consequences, outbox, personal_data
from actions.account_links import require_operator
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused, Term
from admin.i18n import N_, NC_, translate
from models import Enrollment, EnrollmentState, OutboxMessage, Training

STATE_LABELS = {
    "pending": N_("pending"),
    "validated": NC_("enrolment state", "validated"),
    "cancelled": NC_("enrolment state", "cancelled"),
}


def enroll(
    session: Session,
    actor: Actor,
    training_id: int,
    trainee_name: str,
    trainee_email: str,
    *,
    language: str = "fr",
) -> Enrollment:
    training = session.get(Training, training_id)
    if training is None:
        raise Refused(N_("This training no longer exists."))
    email = personal_data.email(trainee_email)
    with audited(session, actor, "enrollment.create", ("enrollment", None)) as scope:
        require_operator(actor)
        if not trainee_name.strip():
            raise Refused(N_("The trainee's name is missing."), field="trainee_name")
        earlier = _earlier(session, training, email)
        _refuse_if_validated(trainee_name.strip(), earlier)
        enrollment = Enrollment(
            training=training, trainee_name=trainee_name.strip(), trainee_email=email
        )
        session.add(enrollment)
        session.flush()
        message = _confirmation(session, enrollment, language)
        scope.entity_id = str(enrollment.id)
        scope.note(cancelled=[e.id for e in earlier], outbox_id=message.id)
        for previous in earlier:  # inside: the enrolment's own event is written last
            _cancel_replaced(session, actor, previous, enrollment)
    return enrollment


def _earlier(session: Session, training: Training, email: str) -> list[Enrollment]:
    """The trainee's enrolments of the same training type that are not cancelled."""
    return list(
        session.scalars(
            select(Enrollment)
            .join(Training)
            .where(func.lower(Enrollment.trainee_email) == email.lower())
            .where(Training.training_type == training.training_type)
            .where(Enrollment.state != EnrollmentState.CANCELLED)
            .order_by(Enrollment.id)
        )
    )


def _refuse_if_validated(name: str, earlier: list[Enrollment]) -> None:
    validated = [e for e in earlier if e.state == EnrollmentState.VALIDATED]
    if validated:
        raise Refused(
            N_(
                "%(name)s is already validated on %(training)s (enrolment %(id)s) of the same type: "
                "the new enrolment is refused."
            ),
            name=name,
            training=str(validated[0].training),
            id=validated[0].id,
        )


def _confirmation(session: Session, enrollment: Enrollment, language: str) -> OutboxMessage:
    subject = translate(language, N_("Your enrolment is registered"))
    body = translate(
        language, N_("Hello %(name)s,\n\nyour enrolment in %(training)s is registered.\n")
    ) % {"name": enrollment.trainee_name, "training": str(enrollment.training)}
    message = outbox.enqueue(
        session,
        recipient=enrollment.trainee_email,
        subject=subject,
        body=body,
        caused_by="enrollment.create",
        entity=enrollment,
    )
    session.flush()
    return message


def _cancel_replaced(
    session: Session, actor: Actor, previous: Enrollment, enrollment: Enrollment
) -> None:
    """The earlier pending enrolment, cancelled because `enrollment` replaces it."""
    with audited(session, actor, "enrollment.cancel", previous) as scope:
        previous.state = EnrollmentState.CANCELLED
        scope.note(replaced_by=enrollment.id)
    consequences.tell(
        session,
        N_(
            "The earlier pending enrolment of %(name)s in %(training)s (enrolment %(id)s) is cancelled."
        ),
        name=previous.trainee_name,
        training=str(previous.training),
        id=previous.id,
    )


def set_state(
    session: Session, actor: Actor, enrollment_id: int, state: EnrollmentState
) -> Enrollment:
    """Validate or cancel an enrolment."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise Refused(N_("This enrolment no longer exists."))
    with audited(
        session,
        actor,
        f"enrollment.{'validate' if state == EnrollmentState.VALIDATED else 'cancel'}",
        enrollment,
    ):
        require_operator(actor)
        if enrollment.state != EnrollmentState.PENDING:
            raise Refused(
                N_("This enrolment is already %(state)s."),
                state=Term(STATE_LABELS[enrollment.state.value]),
            )
        enrollment.state = state
    return enrollment
