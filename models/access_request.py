"""The support portal's self-service requests handled by the desk (seed 002): the access
code, the recovery paths of a registered company, username recovery, joining a company."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow
from models.ticket import Ticket


class AccessRequestKind(enum.StrEnum):
    ACCESS_CODE = "access_code"
    USERNAME = "username"
    JOIN = "join"
    CANNOT_OPEN_TICKET = "cannot_open_ticket"
    OTHER = "other"


class AccessRequestState(enum.StrEnum):
    PENDING = "pending"  # waiting for the desk or for the company's administrator
    APPROVED = "approved"
    REFUSED = "refused"
    RESOLVED = "resolved"


class AccessRequest(Base):
    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AccessRequestKind] = mapped_column(
        str_enum(AccessRequestKind, "access_request_kind")
    )
    state: Mapped[AccessRequestState] = mapped_column(
        str_enum(AccessRequestState, "access_request_state"),
        default=AccessRequestState.PENDING,
        index=True,
    )
    vat_number: Mapped[str | None] = mapped_column(String(20))
    company_name: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    requester_email: Mapped[str] = mapped_column(String(254))
    tax_code: Mapped[str | None] = mapped_column(String(16))
    consent_to_ticket: Mapped[bool] = mapped_column(default=False)
    # What happened, in English (an msgid): "company not present", "access code sent", ...
    outcome: Mapped[str] = mapped_column(String(200), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    # A join request's mailed links: single use (cleared once decided), signed, expiring.
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    decided_via: Mapped[str | None] = mapped_column(String(20))  # "link" or "phone"
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # The ticket opened for it, named where its number was shown.
    ticket: Mapped[Ticket | None] = relationship(foreign_keys=[ticket_id], lazy="select")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"#{self.id} {self.kind.value} {self.requester_email}"

    def label(self, words: Wording = PLAIN) -> str:
        """Who asked, and for which company: "Anna Neri, Rossi S.r.l."."""
        who = self.requester_name or self.requester_email
        return f"{who}, {self.company_name}" if self.company_name else who
