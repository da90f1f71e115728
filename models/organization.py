from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum, utcnow


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
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return self.name
