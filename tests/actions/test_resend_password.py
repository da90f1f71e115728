from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import outbox
from actions.context import Actor
from actions.errors import Refused
from actions.passwords import verify_password
from actions.resend_password import LINK_VALIDITY, resend_password
from actions.reset_link import check_link, use_link
from models import CredentialPolicy, Member, Organization, OutboxStatus, Outcome, PasswordReset
from tests.conftest import SmtpServer, make_member
from tests.helpers import events, last_event
from tests.helpers import outbox as outbox_rows

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
BASE = "https://desk.example.org"


def _token(link: str) -> str:
    return link.rsplit("/reset/", 1)[1]


def _send(session: Session, actor: Actor, member: Member, **kwargs: Any) -> str:
    result = resend_password(session, actor, member.id, link_base=BASE, now=NOW, **kwargs)
    session.commit()
    return result.message.body.split(f"{BASE}/reset/", 1)[1].split()[0]


def test_it_queues_a_reset_link_to_the_members_email(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    token = _send(session, olivia, pending_member)

    [message] = outbox_rows(session)
    assert message.recipient == "mario.rossi@example.org"
    assert message.status == OutboxStatus.QUEUED
    assert message.caused_by == "member.resend_password"
    assert f"{BASE}/reset/{token}" in message.body
    link = session.scalar(select(PasswordReset))
    assert link is not None and link.expires_at == NOW + LINK_VALIDITY


def test_the_mail_is_in_the_organisations_language(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    _send(session, olivia, pending_member)

    assert (
        outbox_rows(session)[0].subject != "Your password reset link"
    )  # the organisation speaks Italian


def test_only_the_tokens_hash_is_stored(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    token = _send(session, olivia, pending_member)

    link = session.scalar(select(PasswordReset))
    assert link is not None and token not in link.token_hash and len(link.token_hash) == 64
    event = last_event(session, "member.resend_password")
    assert token not in str(event.after)


def test_it_audits_the_sending(session: Session, olivia: Actor, pending_member: Member) -> None:
    _send(session, olivia, pending_member)

    event = last_event(session, "member.resend_password")
    assert event.outcome == Outcome.SUCCESS
    assert event.after["sent_to"] == "mario.rossi@example.org"
    assert event.after["outbox_id"] == outbox_rows(session)[0].id


def test_a_member_without_email_is_refused_until_it_is_filled_in(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, email=None)

    with pytest.raises(Refused) as refusal:
        resend_password(session, olivia, member.id, link_base=BASE, now=NOW)
    session.commit()

    assert refusal.value.field == "email"
    assert outbox_rows(session) == []
    assert last_event(session, "member.resend_password").outcome == Outcome.REFUSED


def test_the_filled_in_email_is_validated_saved_audited_then_used(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, email=None)

    _send(session, olivia, member, email="  Giulia.Bianchi@Example.ORG ")

    assert session.get(Member, member.id).email == "Giulia.Bianchi@example.org"
    assert outbox_rows(session)[0].recipient == "Giulia.Bianchi@example.org"
    filled = last_event(session, "member.fill_in_email")
    assert filled.operator_username == "olivia"
    assert (filled.before, filled.after) == (
        {"email": None},
        {"email": "Giulia.Bianchi@example.org"},
    )
    sent = last_event(session, "member.resend_password")
    assert sent.seq > filled.seq and sent.after["sent_to"] == "Giulia.Bianchi@example.org"


def test_a_typed_address_never_replaces_the_one_on_file(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    with pytest.raises(Refused, match="already has the e-mail") as refusal:
        resend_password(
            session, olivia, pending_member.id, link_base=BASE, email="mallory@evil.example"
        )
    session.commit()
    session.expire_all()

    assert refusal.value.field == "email"
    assert session.get(Member, pending_member.id).email == "mario.rossi@example.org"
    assert outbox_rows(session) == [] and session.scalar(select(PasswordReset)) is None
    assert last_event(session, "member.fill_in_email").outcome == Outcome.REFUSED


def test_the_address_on_file_typed_again_is_simply_used(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    _send(session, olivia, pending_member, email="Mario.Rossi@example.org")

    assert outbox_rows(session)[0].recipient == "mario.rossi@example.org"
    assert events(session, "member.fill_in_email") == []


def test_no_address_is_filled_in_for_an_organisation_whose_email_is_immutable(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    organization.credential_policy = CredentialPolicy.PIN
    member = make_member(session, organization, email=None)

    with pytest.raises(Refused, match="registered with") as refusal:
        resend_password(session, olivia, member.id, link_base=BASE, email="mallory@evil.example")
    session.commit()
    session.expire_all()

    assert refusal.value.field == "email"
    assert session.get(Member, member.id).email is None
    assert outbox_rows(session) == []


def test_the_outbox_keeps_the_link_only_until_the_mail_is_sent(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    pending_member: Member,
    smtp: SmtpServer,
) -> None:
    token = _send(session, olivia, pending_member)
    [queued] = outbox_rows(session)
    assert token not in (queued.masked_body or "") and token not in queued.shown_body

    outbox.dispatch_once(session_factory, outbox.transports_from(smtp.url, "desk@example.org"))

    [mail] = smtp.mailbox.wait_for(1)
    assert token in mail.get_payload(decode=True).decode()
    session.expire_all()
    [sent] = outbox_rows(session)
    assert sent.status == OutboxStatus.SENT
    assert token not in sent.body and "/reset/" not in sent.body and "********" in sent.body


@pytest.mark.parametrize(
    "typed", ["giulia", "giulia@", "giulia bianchi@example.org", "@example.org"]
)
def test_an_invalid_email_is_refused_and_nothing_is_saved(
    session: Session, olivia: Actor, organization: Organization, typed: str
) -> None:
    member = make_member(session, organization, email=None)

    with pytest.raises(Refused, match="is not a valid e-mail address") as refusal:
        resend_password(session, olivia, member.id, link_base=BASE, email=typed, now=NOW)
    session.commit()
    session.expire_all()

    assert refusal.value.field == "email"
    assert session.get(Member, member.id).email is None
    assert outbox_rows(session) == []
    assert session.scalar(select(PasswordReset)) is None


def test_the_same_form_submitted_twice_sends_one_mail(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    first = resend_password(
        session, olivia, pending_member.id, link_base=BASE, request_key="k1", now=NOW
    )
    session.commit()
    second = resend_password(
        session, olivia, pending_member.id, link_base=BASE, request_key="k1", now=NOW
    )
    session.commit()

    assert second.repeated and second.message.id == first.message.id
    assert len(outbox_rows(session)) == 1
    assert len(session.scalars(select(PasswordReset)).all()) == 1
    assert len(events(session, "member.resend_password")) == 1


def test_two_separate_requests_send_two_mails_and_only_the_last_link_works(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    first = _send(session, olivia, pending_member, request_key="a")
    second = _send(session, olivia, pending_member, request_key="b")

    assert len(outbox_rows(session)) == 2
    with pytest.raises(Refused, match="not valid any more"):
        check_link(session, first, NOW)
    assert check_link(session, second, NOW)


def test_the_link_works_until_24_hours_and_not_at_24_hours(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    token = _send(session, olivia, pending_member)

    assert check_link(session, token, NOW + LINK_VALIDITY - dt.timedelta(seconds=1))
    with pytest.raises(Refused, match="expired"):
        check_link(session, token, NOW + LINK_VALIDITY)


def test_the_link_works_once(session: Session, olivia: Actor, pending_member: Member) -> None:
    token = _send(session, olivia, pending_member)

    use_link(session, token, "NewPass2026", now=NOW + dt.timedelta(hours=1))
    session.commit()

    assert verify_password(session.get(Member, pending_member.id).password_hash, "NewPass2026")
    with pytest.raises(Refused, match="already been used"):
        use_link(session, token, "OtherPass2026", now=NOW + dt.timedelta(hours=2))
    assert last_event(session, "member.reset_password").outcome == Outcome.SUCCESS


def test_an_unknown_link_is_refused(session: Session) -> None:
    with pytest.raises(Refused, match="not valid"):
        check_link(session, "made-up-token", NOW)


def test_the_mail_reaches_the_smtp_server(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    pending_member: Member,
    smtp: SmtpServer,
) -> None:
    token = _send(session, olivia, pending_member)

    report = outbox.dispatch_once(
        session_factory, outbox.transports_from(smtp.url, "desk@example.org")
    )

    assert report.sent == 1
    [mail] = smtp.mailbox.wait_for(1)
    assert mail["To"] == "mario.rossi@example.org"
    assert token in mail.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    ("policy", "refused", "accepted"),
    [
        (CredentialPolicy.PIN, "abcdefgh", "120963"),
        (CredentialPolicy.PIN, "123478", "120963"),
        (CredentialPolicy.PASSWORD, "alllowercase1", "Welcome2026"),
        (CredentialPolicy.PASSWORD, "welcome 2026", "Welcome2026"),
    ],
)
def test_the_member_link_follows_the_organisations_policy(
    session: Session,
    olivia: Actor,
    organization: Organization,
    policy: CredentialPolicy,
    refused: str,
    accepted: str,
) -> None:
    organization.credential_policy = policy
    member = make_member(session, organization)
    token = _send(session, olivia, member)

    with pytest.raises(Refused) as refusal:
        use_link(session, token, refused, now=NOW)
    session.commit()
    assert refusal.value.field == policy.value
    assert session.get(Member, member.id).password_hash is None

    use_link(session, token, accepted, now=NOW)
    session.commit()
    assert verify_password(session.get(Member, member.id).password_hash, accepted)


def test_a_link_dies_when_the_address_it_was_mailed_to_is_no_longer_the_members(
    session: Session, olivia: Actor, pending_member: Member
) -> None:
    token = _send(session, olivia, pending_member)

    pending_member.email = "mario.new@example.org"
    session.commit()

    with pytest.raises(Refused, match="not valid any more"):
        use_link(session, token, "NewPass2026", now=NOW)
