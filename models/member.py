from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Index, Integer, String, and_, event, func, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import LoaderCallableStatus

from models.base import PLAIN, Base, Wording, str_enum, utcnow
from models.organization import Organization

if TYPE_CHECKING:
    from models.login_account import LoginAccount


class MemberState(enum.StrEnum):
    INCOMPLETE = "incomplete"
    PENDING = "pending"
    VALIDATED = "validated"
    REJECTED = "rejected"


# The personal information a member must fill in before an administrator can validate
# the account (seed 001: "le formulaire ... doit être complété avec rigueur").
REQUIRED_PERSONAL_FIELDS = ("first_name", "last_name", "birth_date", "tax_code", "address")


class Member(Base):
    """A person who belongs to an organisation."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100), index=True)
    birth_date: Mapped[dt.date | None]
    tax_code: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    email_verified_at: Mapped[dt.datetime | None]
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    # When the mobile was certified with a phone code (seed 000); a new number is not.
    mobile_verified_at: Mapped[dt.datetime | None]
    card_number: Mapped[str | None] = mapped_column(String(40), index=True)
    # "last first" and "first last", lower case, accents dropped: what the one-box lookup
    # matches names on. Byte order ("C") on PostgreSQL, so a prefix is an index range there
    # as on SQLite.
    search_name: Mapped[str | None] = mapped_column(
        String(200).with_variant(String(200, collation="C"), "postgresql"), index=True
    )
    search_name_reversed: Mapped[str | None] = mapped_column(
        String(200).with_variant(String(200, collation="C"), "postgresql"), index=True
    )
    state: Mapped[MemberState] = mapped_column(
        str_enum(MemberState, "member_state"), default=MemberState.INCOMPLETE, index=True
    )
    dues_year: Mapped[int | None]
    validated_at: Mapped[dt.datetime | None]
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[organization_id]
    )
    login_account: Mapped[LoginAccount | None] = relationship(
        back_populates="member", lazy="select"
    )

    __table_args__ = (
        Index("ix_member_email_nocase", text("lower(email)")),
        # The list, by name, a page at any depth read from this index alone.
        Index("ix_member_listing", "last_name", "first_name", "id"),
    )
    __mapper_args__ = {"version_id_col": version}
    # Never shown, exported or audited.
    __secret_fields__ = frozenset({"password_hash"})
    __unaudited_fields__ = frozenset({"search_name", "search_name_reversed"})  # derived

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.id}"

    def __str__(self) -> str:
        return self.full_name

    def label(self, words: Wording = PLAIN) -> str:
        """ "Mario Rossi (member 31)": the number tells two Mario Rossi apart."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        if not name:
            return words.gettext("Member %(id)s") % {"id": self.id}
        return words.gettext("%(name)s (member %(id)s)") % {"name": name, "id": self.id}

    def heading(self, words: Wording = PLAIN) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.label(words)

    @property
    def missing_fields(self) -> list[str]:
        return [name for name in REQUIRED_PERSONAL_FIELDS if _blank(getattr(self, name))]

    @hybrid_property
    def info_complete(self) -> bool:
        return not self.missing_fields

    @info_complete.inplace.expression
    @classmethod
    def _info_complete_expression(cls) -> ColumnElement[bool]:
        columns = [getattr(cls, name) for name in REQUIRED_PERSONAL_FIELDS]
        return and_(
            *(c.is_not(None) for c in columns),
            *(func.length(func.trim(c)) > 0 for c in columns if c.type.python_type is str),
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def search_key(text_value: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation a space:
    "D'Amico-Rossi Élodie" -> "damico rossi elodie"."""
    decomposed = unicodedata.normalize("NFKD", text_value.replace("'", "").replace("\u2019", ""))
    ascii_only = decomposed.encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in ascii_only).split())


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _keep_search_name(_mapper: object, _connection: object, member: Member) -> None:
    first, last = member.first_name or "", member.last_name or ""
    member.search_name = search_key(f"{last} {first}") or None
    member.search_name_reversed = search_key(f"{first} {last}") or None


@event.listens_for(Member.mobile, "set", active_history=True)
def _a_new_mobile_is_not_certified(member: Member, value: object, old: object, _by: object) -> None:
    if old is not LoaderCallableStatus.NO_VALUE and old is not None and value != old:
        member.mobile_verified_at = None
