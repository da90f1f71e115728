from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from typing import Any

from cleanco import basename
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow


class ClientOrigin(enum.StrEnum):
    INTAKE = "intake"
    OPERATOR = "operator"
    IMPORT = "import"


class EventKind(enum.StrEnum):
    EVENT_COVER = "event_cover"
    TRAINING_REQUEST = "training_request"
    OTHER = "other"


def company_key(name: str) -> str:
    """A legal name without case, accents, punctuation, spacing or legal form:
    "Société Générale S.A." and "societe generale" are the same key (cleanco knows the
    legal forms of French, Italian, Dutch and English company names)."""
    without_form = basename(" ".join(name.split())) or name
    ascii_only = (
        unicodedata.normalize("NFKD", without_form).encode("ascii", "ignore").decode().lower()
    )
    return " ".join("".join(c if c.isalnum() else " " for c in ascii_only.replace("'", "")).split())


def identifier_key(value: str | None) -> str | None:
    """A SIRET or VAT number without spaces, dots, dashes or country prefix, upper case:
    "IT 02438750586" and "02438750586" are the same."""
    if not value:
        return None
    cleaned = "".join(c for c in value if c.isalnum()).upper()
    if len(cleaned) > 2 and cleaned[:2].isalpha() and cleaned[2:].isdigit():
        cleaned = cleaned[2:]
    return cleaned or None


class Client(Base):
    """A legal entity that requests services; its number is shown to it in its mails."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_number: Mapped[str] = mapped_column(String(20), unique=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    identifier: Mapped[str | None] = mapped_column(String(40))  # SIRET or VAT number, as typed
    identifier_key: Mapped[str | None] = mapped_column(String(40), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    origin: Mapped[ClientOrigin] = mapped_column(
        str_enum(ClientOrigin, "client_origin"), default=ClientOrigin.INTAKE
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    merged_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[ClientEvent]] = relationship(back_populates="client", lazy="raise_on_sql")
    # The client this one was merged into, named where its number was shown.
    merged_into: Mapped[Client | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id], lazy="select"
    )

    __table_args__ = (
        Index("ix_client_listing", "legal_name", "id"),
        Index("ix_client_email_nocase", text("lower(email)")),
    )
    __mapper_args__ = {"version_id_col": version}
    __unaudited_fields__ = frozenset({"name_key", "identifier_key"})  # derived

    def __str__(self) -> str:
        return f"{self.client_number} {self.legal_name}"

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.client_number} {self.legal_name}"


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _keep_keys(_mapper: Any, _connection: Any, client: Client) -> None:
    client.name_key = company_key(client.legal_name)
    client.identifier_key = identifier_key(client.identifier)


class ClientEvent(Base):
    """A request attached to a client (event cover, training request, ...)."""

    __tablename__ = "client_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(
        str_enum(EventKind, "event_kind"), default=EventKind.OTHER
    )
    description: Mapped[str] = mapped_column(Text, default="")
    requester_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship(back_populates="events")

    def label(self, words: Wording = PLAIN) -> str:
        """When it came, and from whom (the client would be one more query per row)."""
        who = f" {self.requester_email}" if self.requester_email else ""
        return f"{words.when(self.created_at)}{who}"


class ClientMerge(Base):
    """What a merge moved, by whom and when: what an undo moves back."""

    __tablename__ = "client_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the record of a merge outlives the deletion of its emptied source.
    source_id: Mapped[int] = mapped_column(Integer, index=True)
    source_number: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    moved_event_ids: Mapped[list[int]] = mapped_column(JSON)
    operator_username: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[dt.datetime | None]

    def label(self, words: Wording = PLAIN) -> str:
        return words.gettext("%(source)s merged %(at)s") % {
            "source": self.source_number,
            "at": words.when(self.at),
        }
