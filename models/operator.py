from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow


class Role(enum.StrEnum):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class Operator(Base):
    """A console user."""

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "operator_role"), default=Role.OPERATOR)
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(8))
    # Where a supervisor receives the trail's anchors (and whatever else is for supervisors).
    email: Mapped[str | None] = mapped_column(String(254))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None]
    locked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __secret_fields__ = frozenset({"password_hash"})
    # Counters kept by every login attempt; the attempts themselves are audited.
    __unaudited_fields__ = frozenset({"failed_logins", "last_failed_at"})

    def __str__(self) -> str:
        return self.username

    def label(self, words: Wording = PLAIN) -> str:
        return self.username


class OperatorSession(Base):
    """A server-side login session; the browser holds only a random token."""

    __tablename__ = "operator_session"
    __audited__ = False  # logins and logouts are audited as such

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    operator: Mapped[Operator] = relationship(lazy="joined", innerjoin=True)

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.operator.username} {words.when(self.created_at)}"


class LoginFailure(Base):
    """One failed login, counted per account and per client address for throttling."""

    __tablename__ = "login_failure"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.username} {words.when(self.at)}"
