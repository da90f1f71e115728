from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
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
        # One-click filters of the trail and a record's history, latest first, at any size.
        Index("ix_audit_event_record", "entity_type", "entity_id", "seq"),
        Index("ix_audit_event_by_operator", "operator_username", "seq"),
        Index("ix_audit_event_by_operator_action", "operator_username", "action", "seq"),
        Index("ix_audit_event_by_action", "action", "seq"),
        Index("ix_audit_event_by_outcome", "outcome", "seq"),
    )

    def label(self, words: Wording = PLAIN) -> str:
        """What was done, and when: "member.update 7/12/26, 18:02"."""
        return f"{self.action} {words.when(self.at)}"


class AuditReview(Base):
    """A supervisor's look at a risky event: fine, or wrong with a comment saying why.

    One review per event; the review itself is an audited action (`audit.review`)."""

    __tablename__ = "audit_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), unique=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id"))
    reviewer_username: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    wrong: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)

    def label(self, words: Wording = PLAIN) -> str:
        return f"review of audit event {self.event_id}"


class AuditAnchor(Base):
    """The chain's head (sequence and hash) written down outside the trail and mailed to
    the supervisors: a trail shorter than its last anchor was cut."""

    __tablename__ = "audit_anchor"
    __audited__ = False  # its own audit event (audit.anchor) names it

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    hash: Mapped[str] = mapped_column(String(64))

    def label(self, words: Wording = PLAIN) -> str:
        return f"anchor {self.seq} {self.hash[:12]}"
