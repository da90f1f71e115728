from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import PLAIN, Base, Wording, str_enum, utcnow


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    REFUSED = "refused"
    ERROR = "error"


class AuditEvent(Base):
    """Append-only record of who did what; each hash covers the event and the previous hash.

    The database itself refuses UPDATE and DELETE on this table (see the initial migration).
    """

    __tablename__ = "audit_event"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    operator_id: Mapped[int | None] = mapped_column(index=True)
    operator_username: Mapped[str | None] = mapped_column(String(64), index=True)
    operator_role: Mapped[str | None] = mapped_column(String(24))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(40), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "audit_outcome"))
    message: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        # The trail, latest first, a page at any depth read from this index alone.
        Index("ix_audit_event_listing", "seq", "id"),
    )

    def label(self, words: Wording = PLAIN) -> str:
        """What was done, and when: "member.update 7/12/26, 18:02"."""
        return f"{self.action} {words.when(self.at)}"
