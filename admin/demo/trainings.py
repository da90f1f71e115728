"""Demo trainings and their enrolments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Enrollment, EnrollmentState, Training

TRAININGS = [  # type, days from today, public
    ("First aid", 10, True),
    ("First aid", 40, True),
    ("Fire safety", 20, False),
]
ENROLMENTS = [  # training index, trainee, e-mail, state
    (0, "Sophie Martin", "sophie.martin@example.fr", EnrollmentState.PENDING),
    (0, "Luca Bianchi", "luca.bianchi@example.it", EnrollmentState.VALIDATED),
    (2, "Anna de Vries", "anna.devries@example.nl", EnrollmentState.PENDING),
]


def add_trainings(session: Session) -> int:
    if session.scalar(select(Training.id).limit(1)) is not None:
        return 0
    today = dt.date.today()
    trainings = [
        Training(training_type=kind, starts_on=today + dt.timedelta(days=days), public=public)
        for kind, days, public in TRAININGS
    ]
    session.add_all(trainings)
    for index, name, email, state in ENROLMENTS:
        session.add(
            Enrollment(
                training=trainings[index], trainee_name=name, trainee_email=email, state=state
            )
        )
    return len(trainings)
