from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Enrollment, EnrollmentState, Training
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import fresh


def test_enrolling_twice_in_the_same_type_keeps_the_newest(
    client: TestClient, personas: Personas, session: Session
) -> None:
    march = Training(training_type="PSC1", starts_on=dt.date(2026, 3, 1))
    april = Training(training_type="PSC1", starts_on=dt.date(2026, 4, 1))
    session.add_all([march, april])
    session.commit()
    log_in(client, "olivia")
    headers = htmx_headers(client)
    trainee = {"trainee_name": "Jean Dupont", "trainee_email": "jean@example.fr"}

    client.post(f"/admin/do/trainings/{march.id}/enrol", headers=headers, data=trainee)
    client.post(f"/admin/do/trainings/{april.id}/enrol", headers=headers, data=trainee)

    states = (
        fresh(session)
        .execute(select(Enrollment.training_id, Enrollment.state).order_by(Enrollment.id))
        .all()
    )
    assert states == [(march.id, EnrollmentState.CANCELLED), (april.id, EnrollmentState.PENDING)]


def test_a_validated_enrolment_refuses_the_new_one_in_the_panel(
    client: TestClient, personas: Personas, session: Session
) -> None:
    march = Training(training_type="PSC1", starts_on=dt.date(2026, 3, 1))
    april = Training(training_type="PSC1", starts_on=dt.date(2026, 4, 1))
    session.add_all([march, april])
    session.flush()
    session.add(
        Enrollment(
            training_id=march.id,
            trainee_name="Jean",
            trainee_email="jean@example.fr",
            state=EnrollmentState.VALIDATED,
        )
    )
    session.commit()
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/trainings/{april.id}/enrol",
        headers=htmx_headers(client),
        data={"trainee_name": "Jean", "trainee_email": "jean@example.fr"},
    )

    refusal = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=refusal]")
    assert refusal is not None and "already validated" in refusal.text
