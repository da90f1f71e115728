from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow

if TYPE_CHECKING:
    from models.member import Member


class CredentialPolicy(enum.StrEnum):
    PIN = "pin"
    PASSWORD = "password"


class Organization(Base):
    """A company, association department, library or client account that members belong to."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    company_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="IT")
    # The language of the mails its members receive.
    language: Mapped[str] = mapped_column(String(8), default="it")
    # Calendar days (the daily phone-code limit) are counted in this time zone.
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Rome")
    vat_number: Mapped[str | None] = mapped_column(String(20))
    isil: Mapped[str | None] = mapped_column(String(16))
    credential_policy: Mapped[CredentialPolicy] = mapped_column(
        str_enum(CredentialPolicy, "credential_policy"), default=CredentialPolicy.PASSWORD
    )
    # Support portal (seed 002): the address on file, where its access code is mailed; the
    # code itself, hashed; the member who registered it with that code and creates its users.
    email: Mapped[str | None] = mapped_column(String(254))
    access_code_hash: Mapped[str | None] = mapped_column(String(200))
    administrator_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", use_alter=True, name="fk_organization_administrator_id_member")
    )
    registered_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    administrator: Mapped[Member | None] = relationship(
        foreign_keys=[administrator_id], lazy="select", post_update=True
    )

    __secret_fields__ = frozenset({"access_code_hash"})

    def __str__(self) -> str:
        return self.name

    def label(self, words: Wording = PLAIN) -> str:
        return self.name
