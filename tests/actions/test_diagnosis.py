from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from actions.consequences import take
from actions.context import Actor
from actions.diagnosis import findings
from actions.forget_generate import forget_account
from models import AccountState, LoginAccount, Member, MemberState, Organization
from tests.conftest import make_member

NOW = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)


def _fixes(obj: object) -> list[tuple[str, str] | None]:
    return [(f.fix[0], f.fix[2]) if f.fix else None for f in findings(obj, NOW)]


def _saved_account(
    session: Session, organization: Organization, member: Member, **values: Any
) -> LoginAccount:
    """The member's login account mrossi, saved."""
    account = LoginAccount(organization=organization, member=member, username="mrossi", **values)
    session.add(account)
    session.commit()
    return account


def _expired_activation(
    session: Session, organization: Organization, member: Member, **values: Any
) -> LoginAccount:
    """The member's login account mrossi, whose activation expired 3 days ago."""
    return _saved_account(
        session,
        organization,
        member,
        state=AccountState.PENDING_ACTIVATION,
        activation_expires_at=NOW - dt.timedelta(days=3),
        **values,
    )


def test_a_pending_complete_member_without_account_is_to_validate_and_to_link(
    session: Session, pending_member: Member
) -> None:
    assert _fixes(pending_member) == [("members", "validate"), ("members", "link_card")]


def test_missing_information_and_email_are_named(
    session: Session, organization: Organization
) -> None:
    member = make_member(
        session, organization, email=None, address=None, state=MemberState.VALIDATED
    )

    texts = [f.text() for f in findings(member, NOW)]

    assert any("missing: address" in t for t in texts)
    assert _fixes(member)[1] == ("members", "resend_password")


def test_an_expired_activation_says_how_long_ago_and_offers_forget(
    session: Session, organization: Organization, pending_member: Member
) -> None:
    account = _expired_activation(session, organization, pending_member)

    [finding] = findings(account, NOW)
    assert "expired 3 days ago" in finding.text()
    assert finding.fix == ("login_accounts", account.id, "forget")


def test_an_activation_still_running_offers_to_resend_it(
    session: Session, organization: Organization
) -> None:
    account = LoginAccount(
        organization=organization,
        username="a",
        state=AccountState.PENDING_ACTIVATION,
        activation_expires_at=NOW + dt.timedelta(hours=1),
    )

    assert _fixes(account) == [("login_accounts", "resend_activation")]


def test_a_locked_account_offers_unlock_and_the_phone_limit_says_when(
    session: Session, organization: Organization
) -> None:
    account = LoginAccount(
        organization=organization,
        username="b",
        state=AccountState.LOCKED,
        phone_sends_today=3,
        phone_sends_day=NOW.date(),
    )

    found = findings(account, NOW)

    assert found[0].fix is not None and found[0].fix[2] == "unlock"
    assert "possible again at 00:00" in found[1].text()


def test_a_healthy_validated_member_has_nothing_wrong(
    session: Session, organization: Organization, pending_member: Member
) -> None:
    pending_member.state = MemberState.VALIDATED
    session.add(
        LoginAccount(
            organization=organization,
            member=pending_member,
            username="ok",
            state=AccountState.ACTIVE,
        )
    )
    session.commit()

    assert findings(pending_member, NOW) == []


def _forgotten(
    session: Session, olivia: Actor, organization: Organization, member: Member, **values: Any
) -> LoginAccount:
    account = _saved_account(session, organization, member, **values)
    forget_account(session, olivia, account.id)
    session.commit()
    session.refresh(member)
    return account


def test_after_forgetting_an_expired_account_the_next_step_is_generate(
    session: Session, olivia: Actor, organization: Organization, pending_member: Member
) -> None:
    _forgotten(
        session,
        olivia,
        organization,
        pending_member,
        state=AccountState.PENDING_ACTIVATION,
        activation_expires_at=NOW - dt.timedelta(days=3),
    )

    found = findings(pending_member, NOW)

    assert _fixes(pending_member)[-1] == ("members", "generate_account")
    assert found[-1].fix_label == "Generate login account"
    assert "mrossi was forgotten on" in found[-1].text()
    assert "new activation mail, valid 24 hours" in found[-1].text()


def test_an_active_account_forgotten_by_mistake_is_linked_again(
    session: Session, olivia: Actor, organization: Organization, pending_member: Member
) -> None:
    _forgotten(session, olivia, organization, pending_member, state=AccountState.ACTIVE)

    assert _fixes(pending_member)[-1] == ("members", "link_card")
    assert "forgotten on" in findings(pending_member, NOW)[-1].text()


def test_another_members_forgotten_account_changes_nothing(
    session: Session, olivia: Actor, organization: Organization, pending_member: Member
) -> None:
    other = make_member(session, organization, email="other@example.org", tax_code="X1")
    _forgotten(session, olivia, organization, other, state=AccountState.PENDING_ACTIVATION)

    assert _fixes(pending_member)[-1] == ("members", "link_card")
    assert _fixes(other)[-1] == ("members", "generate_account")


def test_forgetting_tells_the_next_step_and_the_links_revoked(
    session: Session, olivia: Actor, organization: Organization, pending_member: Member
) -> None:
    account = _expired_activation(session, organization, pending_member, activation_token_hash="x")

    forget_account(session, olivia, account.id)

    assert [c.english() for c in take(session)] == [
        "Mario Rossi has no login account now: the next step is Generate login account, on the "
        "member's page.",
        "The activation and reset links mailed for mrossi no longer work.",
    ]


def test_an_uncertified_mobile_offers_the_phone_code_of_the_members_account(
    session: Session, organization: Organization, pending_member: Member
) -> None:
    pending_member.mobile = "+393331234567"
    account = _saved_account(session, organization, pending_member, state=AccountState.ACTIVE)

    [*_, finding] = findings(pending_member, NOW)
    assert finding.fix == ("login_accounts", account.id, "send_phone_code")
    assert "+393331234567 is not certified" in finding.text()

    account.phone_sends_today, account.phone_sends_day = 3, NOW.date()  # the day's limit
    assert "limit reached" in findings(pending_member, NOW)[-1].text()
    pending_member.mobile_verified_at = NOW
    account.phone_sends_today = 0
    assert _fixes(pending_member) == [("members", "validate")]
