from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from actions.diagnosis import findings
from models import AccountState, LoginAccount, Member, MemberState, Organization
from tests.conftest import make_member

NOW = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)


def _fixes(obj: object) -> list[tuple[str, str] | None]:
    return [(f.fix[0], f.fix[2]) if f.fix else None for f in findings(obj, NOW)]


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
    account = LoginAccount(
        organization=organization,
        member=pending_member,
        username="mrossi",
        state=AccountState.PENDING_ACTIVATION,
        activation_expires_at=NOW - dt.timedelta(days=3),
    )
    session.add(account)
    session.commit()

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
