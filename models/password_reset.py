from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import PLAIN, Base, Wording, utcnow


class PasswordReset(Base):
    """A single-use reset link; only the SHA-256 of its token is kept."""

    __tablename__ = "password_reset"
    __audited__ = False  # recorded by the member.resend_password and member.reset_password events

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    __secret_fields__ = frozenset({"token_hash"})

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.email} {words.when(self.created_at)}"
