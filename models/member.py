from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, and_, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.organization import Organization


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
    card_number: Mapped[str | None] = mapped_column(String(40), index=True)
    state: Mapped[MemberState] = mapped_column(
        str_enum(MemberState, "member_state"), default=MemberState.INCOMPLETE, index=True
    )
    dues_year: Mapped[int | None]
    validated_at: Mapped[dt.datetime | None]
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}
    # Never shown, exported or audited.
    __secret_fields__ = frozenset({"password_hash"})

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or f"#{self.id}"

    def __str__(self) -> str:
        return self.full_name

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
