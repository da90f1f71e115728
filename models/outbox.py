from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class SecretKind(enum.StrEnum):
    """What secret a message carries. Such a message is never shown or copied as it is:
    operators see `masked_body`, and "resend" issues a fresh secret through the action
    that issued the first one."""

    MEMBER_RESET = "member_reset"  # /reset/... link (a member's password)
    ACCOUNT_ACTIVATION = "account_activation"  # /account/activation/... link
    ACCOUNT_RESET = "account_reset"  # /account/reset/... link
    PHONE_CODE = "phone_code"  # the 6-digit code that verifies a mobile
    ACCESS_CODE = "access_code"  # a company's access code for the support portal
    DECISION_LINKS = "decision_links"  # one-time approve/refuse links of a join request


HIDDEN = "********"


class OutboxMessage(Base):
    """An e-mail or SMS, queued in the transaction of the action that caused it.

    A message that carries a secret keeps it in `body` only while it waits to be
    delivered: once sent (or given up), `body` is replaced by `masked_body`, the text with
    the secret hidden, which is all an operator ever sees.
    """

    __tablename__ = "outbox_message"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "outbox_channel"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED, index=True
    )
    # Two submissions of the same form carry the same key: the second queues nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    caused_by: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resent_from_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    secret: Mapped[str | None] = mapped_column(String(40))  # a SecretKind value
    masked_body: Mapped[str | None] = mapped_column(Text)

    # The message this one is a copy of, named on a message's page ("E-mail to ...").
    resent_from: Mapped[OutboxMessage | None] = relationship(remote_side=[id], lazy="select")

    # The body is kept for delivery, never shown or exported: operators see `shown_body`.
    __secret_fields__ = frozenset({"body"})

    def label(self, words: Wording = PLAIN) -> str:
        """What it is and where it goes: "E-mail to anna@example.org"."""
        channel = words.gettext("SMS") if self.channel == Channel.SMS else words.gettext("E-mail")
        return words.gettext("%(channel)s to %(recipient)s") % {
            "channel": channel,
            "recipient": self.recipient,
        }

    @property
    def shown_body(self) -> str:
        """The text an operator may read: the secret hidden when there is one."""
        if self.secret is None:
            return self.body
        return self.masked_body or HIDDEN
