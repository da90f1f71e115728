"""Demo clients (seed 001) with the duplicates an operator meets, and their events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Client, ClientEvent, ClientOrigin, EventKind

CLIENTS = [
    ("Mairie de Toulon", "214 301 376 00015", "mairie@toulon.example.fr", 3),
    ("MAIRIE DE TOULON", None, "accueil@toulon.example.fr", 1),  # certain: same name
    ("Mairie de Toulon Ouest", None, None, 2),  # probable: same group of words
    ("Ville de Toulon", "21430137600015", None, 1),  # certain: same SIRET
    ("Comune di Roma", "IT00743110157", "protocollo@roma.example.it", 2),
    ("Comune di Rona", None, None, 1),  # probable: near spelling
    ("Gemeente Utrecht", None, "info@utrecht.example.nl", 2),
    ("Gemeente Utrect", None, None, 0),  # probable: near spelling, no events
    ("Association Secours Var", None, "contact@secours-var.example.fr", 2),
    ("Rossi S.r.l.", None, "ufficio@rossi.example.it", 1),
    ("Bakkerij Jansen B.V.", "NL004495445B01", "info@jansen.example.nl", 1),
]


def add_clients(session: Session) -> int:
    if session.scalar(select(Client.id).limit(1)) is not None:
        return 0
    kinds = [EventKind.EVENT_COVER, EventKind.TRAINING_REQUEST, EventKind.OTHER]
    for index, (name, identifier, email, events) in enumerate(CLIENTS, start=1):
        client = Client(
            client_number=f"C{index:06d}",
            legal_name=name,
            identifier=identifier,
            email=email,
            origin=ClientOrigin.IMPORT,
        )
        session.add(client)
        for number in range(events):
            session.add(
                ClientEvent(
                    client=client,
                    kind=kinds[(index + number) % len(kinds)],
                    description=f"{name}: request {number + 1}",
                    requester_email=email,
                )
            )
    return len(CLIENTS)
