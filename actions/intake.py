"""Intake (seed 001): a request arrives with a legal name, maybe a SIRET/VAT number and a
client number. It attaches to the client with that number (or to the client that one was
merged into); else to the client with the same identifier; else to the client with the same
normalised legal name; else a new client is created and its number mailed to the requester."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import outbox, personal_data
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from actions.unique import add_numbered
from admin.i18n import N_, translate
from models import Client, ClientEvent, ClientOrigin, EventKind, utcnow
from models.client import company_key, identifier_key


@dataclass(frozen=True)
class Request:
    legal_name: str
    kind: EventKind = EventKind.OTHER
    description: str = ""
    identifier: str | None = None  # SIRET or VAT number
    client_number: str | None = None
    requester_email: str | None = None
    language: str = "fr"
    origin: ClientOrigin = ClientOrigin.INTAKE  # IMPORT for requests read from a file


@dataclass(frozen=True)
class Intake:
    client: Client
    event: ClientEvent
    matched_by: str  # "client number", "identifier", "name" or "new"


def intake(
    session: Session, actor: Actor, request: Request, *, now: dt.datetime | None = None
) -> Intake:
    now = now or utcnow()
    if not request.legal_name.strip():
        raise Refused(N_("The request has no legal name."), field="legal_name")
    email = (
        personal_data.email(request.requester_email, field="requester_email")
        if request.requester_email
        else None
    )
    identifier = (
        personal_data.company_identifier(request.identifier)
        if request.identifier and request.identifier.strip()
        else None
    )
    with audited(session, actor, "client.intake", ("client", None)) as scope:
        client, matched_by = _match(session, request, identifier)
        if client is None:
            client = add_numbered(
                session,
                Client.client_number,
                lambda: _next_number(session),
                lambda number: Client(
                    client_number=number,
                    legal_name=request.legal_name.strip(),
                    identifier=identifier,
                    email=email,
                    origin=request.origin,
                ),
                _numbered,
            )
            if email:
                _mail_number(session, client, email, request.language)
        event = ClientEvent(
            client=client,
            kind=request.kind,
            description=request.description,
            requester_email=email,
            created_at=now,
        )
        session.add(event)
        session.flush()
        scope.entity_id = str(client.id)
        scope.note(matched_by=matched_by, event_id=event.id, client_number=client.client_number)
    return Intake(client, event, matched_by)


def _match(session: Session, request: Request, identifier: str | None) -> tuple[Client | None, str]:
    if request.client_number:
        client = session.scalar(
            select(Client).where(Client.client_number == request.client_number.strip())
        )
        if client is not None:
            return follow_merges(session, client), "client number"
    key = identifier_key(identifier)
    if key:
        client = session.scalar(
            select(Client).where(Client.identifier_key == key).order_by(Client.id).limit(1)
        )
        if client is not None:
            return follow_merges(session, client), "identifier"
    name = company_key(request.legal_name)
    client = session.scalar(
        select(Client).where(Client.name_key == name).order_by(Client.id).limit(1)
    )
    if client is not None:
        return follow_merges(session, client), "name"
    return None, "new"


def follow_merges(session: Session, client: Client) -> Client:
    """A merged client receives no new events: they go to the client it was merged into."""
    seen = {client.id}
    while client.merged_into_id is not None and client.merged_into_id not in seen:
        seen.add(client.merged_into_id)
        client = session.get_one(Client, client.merged_into_id)
    return client


def _next_number(session: Session) -> str:
    highest = session.scalar(select(func.max(Client.id))) or 0
    return _numbered(highest + 1)


def _numbered(key: int) -> str:
    return f"C{key:06d}"


def _mail_number(session: Session, client: Client, email: str, language: str) -> None:
    subject = translate(language, N_("Your client number"))
    body = translate(
        language,
        N_(
            "Hello,\n\nyour request is registered. Your client number is %(number)s: "
            "please give it in your next requests.\n"
        ),
    ) % {"number": client.client_number}
    outbox.enqueue(
        session,
        recipient=email,
        subject=subject,
        body=body,
        caused_by="client.intake",
        entity=client,
    )
