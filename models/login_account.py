from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, id_order_index, str_enum, utcnow
from models.member import Member
from models.organization import CredentialPolicy, Organization


class AccountState(enum.StrEnum):
    PENDING_ACTIVATION = "pending_activation"
    ACTIVE = "active"
    LOCKED = "locked"
    DISABLED = "disabled"


class LoginAccount(Base):
    """The credentials of a member, or of nobody (unlinked).

    The username is unique without regard to case, in the database itself: logging in as
    DUPONT.jean or dupont.jean is the same account (seed 001).
    """

    __tablename__ = "login_account"
    __table_args__ = (
        Index("uq_login_account_username_nocase", text("lower(username)"), unique=True),
        Index("ix_login_account_login_email_nocase", text("lower(login_email)")),
        CheckConstraint(
            "username NOT LIKE '% %' AND length(username) > 0", name="username_no_spaces"
        ),
        id_order_index("login_account"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), unique=True)
    username: Mapped[str] = mapped_column(String(64))
    login_email: Mapped[str | None] = mapped_column(String(254), index=True)
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    secret_kind: Mapped[CredentialPolicy | None] = mapped_column(
        str_enum(CredentialPolicy, "secret_kind")
    )
    state: Mapped[AccountState] = mapped_column(
        str_enum(AccountState, "account_state"), default=AccountState.PENDING_ACTIVATION, index=True
    )
    activation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    activation_expires_at: Mapped[dt.datetime | None]
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reset_expires_at: Mapped[dt.datetime | None]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[dt.datetime | None]
    phone_code_hash: Mapped[str | None] = mapped_column(String(64))
    phone_code_expires_at: Mapped[dt.datetime | None]
    phone_sends_today: Mapped[int] = mapped_column(Integer, default=0)
    phone_sends_day: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    # selectin, not joined: a LEFT JOIN to (member JOIN organization) makes SQLite
    # materialise the whole member table (bench/lookup.py found it).
    member: Mapped[Member | None] = relationship(back_populates="login_account", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}
    __secret_fields__ = frozenset(
        {"secret_hash", "activation_token_hash", "reset_token_hash", "phone_code_hash"}
    )

    def __str__(self) -> str:
        return self.username

    def label(self, words: Wording = PLAIN) -> str:
        return self.username
