"""Appointment campaigns (seed 003): a customer buys a number of appointments that the
service books for its agents; agents declare the days they cannot take any."""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow
from models.organization import Organization


class CampaignState(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class AppointmentState(enum.StrEnum):
    TO_CONFIRM = "to_confirm"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    DONE = "done"


class Campaign(Base):
    """A customer's purchase of `purchased` appointments; times are checked and shown in
    its time zone."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    purchased: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Rome")
    state: Mapped[CampaignState] = mapped_column(
        str_enum(CampaignState, "campaign_state"), default=CampaignState.ACTIVE
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    agents: Mapped[list[Agent]] = relationship(back_populates="campaign", order_by="Agent.name")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name

    def label(self, words: Wording = PLAIN) -> str:
        return self.name


class Agent(Base):
    """A salesperson working a zone for a campaign."""

    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    zone: Mapped[str] = mapped_column(String(80), index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="agents", lazy="joined")

    def __str__(self) -> str:
        return f"{self.name} ({self.zone})"

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.name} ({self.zone})"


class Appointment(Base):
    """A meeting booked for an agent with a prospect. `campaign_id` repeats the agent's
    campaign so that the counters are one indexed count."""

    __tablename__ = "appointment"
    # The counters and reports count by campaign, agent and state, over a period or not,
    # from this index alone.
    __table_args__ = (
        Index("ix_appointment_counters", "campaign_id", "agent_id", "state", "starts_at"),
        # The list, latest first, a page at any depth read from this index alone.
        Index("ix_appointment_listing", "starts_at", "id"),
        Index("ix_appointment_prospect_nocase", text("lower(prospect)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    prospect: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    state: Mapped[AppointmentState] = mapped_column(
        str_enum(AppointmentState, "appointment_state"),
        default=AppointmentState.TO_CONFIRM,
        index=True,
    )
    notes: Mapped[str | None] = mapped_column(Text)
    booked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    booked_by: Mapped[str | None] = mapped_column(String(80))
    # The booking form's one-time token: a form submitted twice books once.
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    campaign: Mapped[Campaign] = relationship(lazy="joined", innerjoin=True)
    agent: Mapped[Agent] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def local_start(self) -> str:
        """The start on the campaign's clock, as the desk reads it."""
        zone = zoneinfo.ZoneInfo(self.campaign.time_zone)
        return self.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def __str__(self) -> str:
        return f"{self.prospect} {self.local_start}"

    def label(self, words: Wording = PLAIN) -> str:
        """When (on the campaign's clock) and with whom: "12/3/27, 10:00 Boulangerie Petit"."""
        zone = zoneinfo.ZoneInfo(self.campaign.time_zone)
        return f"{words.when(self.starts_at.astimezone(zone))} {self.prospect}"


class Unavailability(Base):
    """A day, in the campaign's time zone, on which an agent takes no appointment."""

    __tablename__ = "unavailability"
    __table_args__ = (UniqueConstraint("agent_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    day: Mapped[dt.date]
    reason: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    declared_by: Mapped[str | None] = mapped_column(String(80))

    agent: Mapped[Agent] = relationship(lazy="joined", innerjoin=True)

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.agent.name} {words.when(self.day)}"
