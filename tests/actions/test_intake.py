from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.intake import Request, intake
from models import Client, ClientEvent, EventKind
from tests.helpers import last_event, outbox


@pytest.fixture
def toulon(session: Session, olivia: Actor) -> Client:
    result = intake(
        session,
        olivia,
        Request(
            "Mairie de Toulon",
            EventKind.EVENT_COVER,
            identifier="214 301 376 00015",
            requester_email="mairie@toulon.example.fr",
        ),
    )
    session.commit()
    return result.client


def test_a_new_client_is_created_and_its_number_mailed(session: Session, toulon: Client) -> None:
    assert toulon.client_number.startswith("C")
    [mail] = outbox(session)
    assert mail.recipient == "mairie@toulon.example.fr" and toulon.client_number in mail.body
    assert last_event(session, "client.intake").after["matched_by"] == "new"


@pytest.mark.parametrize(
    ("request_", "matched_by"),
    [
        (Request("Anything", client_number="C000001"), "client number"),
        (Request("Ville de Toulon", identifier="21430137600015"), "identifier"),
        (Request("MAIRIE  DE TOULON."), "name"),
        (Request("Mairie de Toulon S.A.S."), "name"),
    ],
)
def test_a_request_attaches_to_the_known_client(
    session: Session, olivia: Actor, toulon: Client, request_: Request, matched_by: str
) -> None:
    result = intake(session, olivia, request_)
    session.commit()

    assert (result.client.id, result.matched_by) == (toulon.id, matched_by)
    assert len(session.scalars(select(Client)).all()) == 1
    assert len(outbox(session)) == 1  # only the first request mailed a number


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Société Générale SA", "societe generale"),
        ("Rossi S.r.l.", "ROSSI SRL"),
        ("Bakkerij Jansen B.V.", "bakkerij jansen"),
    ],
)
def test_names_match_without_case_accents_or_legal_form(
    session: Session, olivia: Actor, first: str, second: str
) -> None:
    created = intake(session, olivia, Request(first)).client
    assert intake(session, olivia, Request(second)).client.id == created.id


def test_a_merged_client_receives_nothing_its_target_does(
    session: Session, olivia: Actor, toulon: Client
) -> None:
    other = Client(
        client_number="C000099", legal_name="Commune de Toulon", merged_into_id=toulon.id
    )
    session.add(other)
    session.commit()

    result = intake(session, olivia, Request("Commune de Toulon", client_number="C000099"))

    assert result.client.id == toulon.id
    assert session.scalar(select(ClientEvent).where(ClientEvent.client_id == other.id)) is None


def test_a_request_without_name_is_refused(session: Session, olivia: Actor) -> None:
    with pytest.raises(Refused, match="no legal name"):
        intake(session, olivia, Request("  "))


def test_a_wrong_siret_is_refused_and_nothing_is_written(session: Session, olivia: Actor) -> None:
    with pytest.raises(Refused, match="not valid") as refusal:
        intake(session, olivia, Request("Mairie de Brest", identifier="214 301 376 00016"))
    session.rollback()
    assert refusal.value.field == "identifier"
    assert session.scalars(select(Client)).all() == []
    assert outbox(session) == []


def test_the_identifier_is_stored_compact(session: Session, olivia: Actor) -> None:
    result = intake(session, olivia, Request("Comune di Roma", identifier="IT 00743110157"))
    assert result.client.identifier == "IT00743110157"
    assert (
        intake(session, olivia, Request("Roma", identifier="00743110157")).client == result.client
    )
