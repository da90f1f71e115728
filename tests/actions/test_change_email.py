"""The e-mail on file, changed by the desk: never for a PIN-policy member (seed 000),
corrected for a password-policy one (seed 004) with its own audit event, the old address
told and the outstanding links revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.account_state import change_login_email
from actions.change_email import NOTICE_SUBJECT, change_member_email, check_member_edit
from actions.context import Actor
from actions.errors import Refused
from actions.resend_password import resend_password
from actions.reset_link import check_link
from admin.i18n import translate
from models import AccountState, CredentialPolicy, LoginAccount, Member, Organization, Outcome
from tests.conftest import make_member
from tests.helpers import fresh, last_event, outbox

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
BASE = "https://desk.example.org"


@pytest.fixture
def pin_org(session: Session) -> Organization:
    org = Organization(
        name="Welfare Verdi", company_code="VERDI", credential_policy=CredentialPolicy.PIN
    )
    session.add(org)
    session.commit()
    return org


def test_a_pin_members_email_is_never_set_or_changed(
    session: Session, olivia: Actor, pin_org: Organization
) -> None:
    with_email = make_member(session, pin_org)
    without = make_member(session, pin_org, first_name="Giulia", email=None, tax_code="X9")

    for member in (with_email, without):
        with pytest.raises(Refused) as refused:
            change_member_email(session, olivia, member.id, "mallory@evil.example", now=NOW)
        assert refused.value.field == "email"
        assert "register" in str(refused.value)
    session.commit()

    assert fresh(session).get(Member, with_email.id).email == "mario.rossi@example.org"  # type: ignore[union-attr]
    assert session.get(Member, without.id).email is None  # type: ignore[union-attr]
    assert last_event(session, "member.change_email").outcome == Outcome.REFUSED
    assert outbox(session) == []


def test_the_member_form_keeps_a_pin_member_in_the_organisation_and_its_email(
    session: Session, olivia: Actor, organization: Organization, pin_org: Organization
) -> None:
    registered = make_member(session, pin_org)
    no_email = make_member(session, pin_org, first_name="Giulia", email=None, tax_code="X9")
    other = make_member(session, organization, first_name="Anne", email="anne@example.nl")

    with pytest.raises(Refused) as moved:
        check_member_edit(session, olivia, registered.id, registered.email, organization.id)
    assert moved.value.field == "organization" and "register again" in str(moved.value)
    with pytest.raises(Refused):  # to a password organisation, with another address
        check_member_edit(session, olivia, no_email.id, "giulia@example.org", organization.id)
    with pytest.raises(Refused):  # into a PIN organisation, with another address
        check_member_edit(session, olivia, other.id, "mallory@evil.example", pin_org.id)
    # Nothing about the organisation or a PIN member's e-mail changes: allowed.
    check_member_edit(session, olivia, no_email.id, "", pin_org.id)
    check_member_edit(session, olivia, other.id, "anne.new@example.nl", organization.id)


def test_no_pin_member_changes_organisation_with_or_without_an_email(
    session: Session, olivia: Actor, organization: Organization, pin_org: Organization
) -> None:
    """Seed 000: out of the PIN organisation with no e-mail on file (then an address set
    in the password organisation, then back), or into it with one: each step is refused
    and the refusal is in the trail with what was typed."""
    no_email = make_member(session, pin_org, first_name="Giulia", email=None, tax_code="X9")
    other = make_member(session, organization, first_name="Anne", email="anne@example.nl")

    with pytest.raises(Refused) as away:
        check_member_edit(session, olivia, no_email.id, "", organization.id)
    with pytest.raises(Refused) as moved_in:
        check_member_edit(session, olivia, other.id, "anne@example.nl", pin_org.id)
    session.commit()

    for refusal in (away, moved_in):
        assert refusal.value.field == "organization"
        assert "register again" in str(refusal.value)
    event = last_event(session, "member.change_organization")
    assert (event.outcome, event.entity_id, event.operator_username) == (
        Outcome.REFUSED,
        str(other.id),
        olivia.username,
    )
    assert event.after == {"organization": pin_org.name}
    assert fresh(session).get(Member, no_email.id).organization_id == pin_org.id  # type: ignore[union-attr]


def test_a_corrected_email_revokes_the_links_and_tells_the_old_address(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, email="anne@example.nl")
    sent = resend_password(session, olivia, member.id, link_base=BASE, now=NOW)
    session.commit()
    token = sent.message.body.split(f"{BASE}/reset/", 1)[1].split()[0]

    change_member_email(session, olivia, member.id, "anne.new@example.nl", now=NOW)
    session.commit()

    with pytest.raises(Refused):
        check_link(session, token, NOW)
    event = last_event(session, "member.change_email")
    assert event.before == {"email": "anne@example.nl"}
    assert event.after == {
        "email": "anne.new@example.nl",
        "links_revoked": 1,
        "told": "anne@example.nl",
    }
    notice = outbox(session)[-1]
    assert notice.recipient == "anne@example.nl" and notice.secret is None
    assert notice.subject == translate("it", NOTICE_SUBJECT)  # the organisation's language
    assert "/reset/" not in notice.body and "anne.new" not in notice.body


def test_a_member_with_no_email_gets_one_without_a_notice(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization, email=None)

    change_member_email(session, olivia, member.id, "kees@example.nl", now=NOW)
    session.commit()

    assert last_event(session, "member.change_email").after == {"email": "kees@example.nl"}
    assert outbox(session) == []


def test_a_login_accounts_replaced_email_is_told_in_the_organisations_language(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    account = LoginAccount(
        organization=organization,
        username="anne",
        login_email="anne@example.nl",
        state=AccountState.ACTIVE,
    )
    session.add(account)
    session.commit()

    change_login_email(session, olivia, account.id, "anne.new@example.nl")
    session.commit()

    [notice] = outbox(session)
    assert notice.recipient == "anne@example.nl" and notice.secret is None
    assert notice.caused_by == "login_account.change_email"
    assert notice.subject == translate("it", NOTICE_SUBJECT)
    assert "anne.new" not in notice.body
    assert last_event(session, "login_account.change_email").after["told"] == "anne@example.nl"  # type: ignore[index]
