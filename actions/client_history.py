"""What a client's page shows of its past: its latest events, how many it has, the merges it
took part in; and the clients a source may be merged into, as the merge form suggests them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from models import Client, ClientEvent, ClientMerge
from models.client import company_key


@dataclass(frozen=True)
class History:
    """What a client's page shows: its latest events, how many it has in all, and the merges
    it took part in."""

    events: list[ClientEvent]
    total: int
    merges: list[ClientMerge]


def history(session: Session, client_id: int, limit: int = 50) -> History:
    events = list(
        session.scalars(
            select(ClientEvent)
            .where(ClientEvent.client_id == client_id)
            .order_by(ClientEvent.created_at.desc(), ClientEvent.id.desc())
            .limit(limit)
        )
    )
    total = session.scalar(select(func.count()).where(ClientEvent.client_id == client_id)) or 0
    merges = list(
        session.scalars(
            select(ClientMerge)
            .where((ClientMerge.target_id == client_id) | (ClientMerge.source_id == client_id))
            .order_by(ClientMerge.at.desc(), ClientMerge.id.desc())
        )
    )
    return History(events, total, merges)


def history_of(client: Client) -> History:
    """The history of a client loaded in a session (for its page)."""
    session = object_session(client)
    assert session is not None, "a client shown on its page belongs to the request's session"
    return history(session, client.id)


def suggest_targets(session: Session, source_id: int, typed: str, limit: int = 10) -> list[Client]:
    """Clients a source may be merged into whose number or legal name starts like `typed`."""
    typed = typed.strip()
    if not typed:
        return []
    name = company_key(typed)
    matches = Client.client_number.startswith(typed.upper(), autoescape=True)
    if name:
        matches = matches | Client.name_key.startswith(name, autoescape=True)
    return list(
        session.scalars(
            select(Client)
            .where(matches, Client.id != source_id, Client.merged_into_id.is_(None))
            .order_by(Client.client_number)
            .limit(limit)
        )
    )
