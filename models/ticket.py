"""Support tickets (seed 002) and their timeline of comments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, id_order_index, str_enum, utcnow

if TYPE_CHECKING:
    from models.operator import Operator
    from models.organization import Organization


class TicketState(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"  # on the customer: the clocks pause
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketSource(enum.StrEnum):
    SEARCH = "search"  # opened after a knowledge-base search
    ACCESS_REQUEST = "access_request"
    COMPANY_NOT_PRESENT = "company_not_present"
    OPERATOR = "operator"  # opened by the desk, e.g. from a phone call


class Ticket(Base):
    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    company_name: Mapped[str | None] = mapped_column(String(200))  # when it is not registered
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="it")
    product_line: Mapped[str | None] = mapped_column(String(80))
    product: Mapped[str | None] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[TicketState] = mapped_column(
        str_enum(TicketState, "ticket_state"), default=TicketState.NEW, index=True
    )
    priority: Mapped[TicketPriority] = mapped_column(
        str_enum(TicketPriority, "ticket_priority"), default=TicketPriority.NORMAL
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"), index=True)
    source: Mapped[TicketSource] = mapped_column(str_enum(TicketSource, "ticket_source"))
    # The search the requester made before opening it: its query and the articles shown.
    search_log_id: Mapped[int | None] = mapped_column(Integer)
    search_query: Mapped[str | None] = mapped_column(String(500))
    search_article_ids: Mapped[list[int] | None] = mapped_column(JSON)
    access_request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Due times move forward by the time spent waiting on the customer.
    first_response_due_at: Mapped[dt.datetime]
    resolution_due_at: Mapped[dt.datetime] = mapped_column(index=True)
    first_responded_at: Mapped[dt.datetime | None]
    waiting_since: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    assignee: Mapped[Operator | None] = relationship(lazy="joined")

    __table_args__ = (
        id_order_index("ticket"),
        Index("ix_ticket_requester_email_nocase", text("lower(requester_email)")),
        Index("ix_ticket_requester_name_nocase", text("lower(requester_name)")),
    )
    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.number} {self.subject}"


class TicketComment(Base):
    """A reply (public: mailed to the requester) or an internal note (never mailed)."""

    __tablename__ = "ticket_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    public: Mapped[bool]
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.author} {words.when(self.created_at)}"
