from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.account_links import resend_activation, reset_secret
from actions.account_secret import set_secret
from actions.account_state import (
    ask_delete_account,
    change_login_email,
    delete_account,
    unlock_account,
)
from actions.context import Actor
from actions.errors import Refused
from actions.forget_generate import forget_account, generate_account
from actions.passwords import verify_password
from actions.send_phone_code import send_phone_code
from actions.steps import Proof
from models import (
    AccountState,
    Channel,
    CredentialPolicy,
    LoginAccount,
    Member,
    Organization,
)
from tests.conftest import make_member
from tests.helpers import events, last_event, make_account, outbox

NOW = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
BASE = "https://desk.example.org"
KEY = "k" * 32  # signs the deletion form's token


@pytest.fixture
def customer(session: Session, library: Organization) -> Member:
    return make_member(
        session,
        library,
        first_name="Anne",
        last_name="de Vries",
        email="anne@example.nl",
        mobile="+31612345678",
        tax_code="X1",
    )


def _account(
    session: Session, org: Organization, username: str = "anne.devries", **values: object
) -> LoginAccount:
    return make_account(session, org, username, **values)


def _token(session: Session) -> str:
    match = re.search(r"/account/\w+/(\S+)", outbox(session)[-1].body)
    assert match
    return match.group(1)


def _mailed_link(
    session: Session, olivia: Actor, customer: Member, kind: str
) -> tuple[LoginAccount, str]:
    """A new account of `customer` and the token of the `kind` link last mailed for it
    ("reset": the account is activated first, then a reset link is sent)."""
    account = generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)
    session.commit()
    if kind == "reset":
        set_secret(session, "activation", _token(session), "Anne2026!", now=NOW)
        reset_secret(session, olivia, account.id, link_base=BASE, now=NOW)
        session.commit()
    return account, _token(session)


# --- usernames ---------------------------------------------------------------------------


def test_the_database_refuses_a_username_differing_only_in_case(
    session: Session, library: Organization
) -> None:
    _account(session, library, username="DUPONT.jean")

    with pytest.raises(IntegrityError):
        _account(session, library, username="dupont.JEAN", login_email="x@example.org")
    session.rollback()


def test_the_database_refuses_a_username_with_a_space(
    session: Session, library: Organization
) -> None:
    with pytest.raises(IntegrityError):
        session.execute(
            text(
                "INSERT INTO login_account (organization_id, username, state, failed_attempts, "
                "phone_sends_today, created_at, version) VALUES (:o, 'dupont jean', 'active', 0, 0, "
                "'2026-01-01', 1)"
            ),
            {"o": library.id},
        )
    session.rollback()


# --- forget and generate: the expired activation -------------------------------------------


def test_forget_then_generate_mails_a_new_activation_valid_24_hours(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    old = _account(
        session,
        library,
        member=customer,
        state=AccountState.PENDING_ACTIVATION,
        activation_expires_at=NOW - dt.timedelta(days=3),
    )

    forget_account(session, olivia, old.id)
    new = generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)
    session.commit()

    assert old.member_id is None
    assert new.member_id == customer.id and new.state == AccountState.PENDING_ACTIVATION
    assert new.activation_expires_at == NOW + dt.timedelta(hours=24)
    [mail] = outbox(session)
    assert mail.recipient == "anne@example.nl" and "/account/activation/" in mail.body
    forgotten = last_event(session, "login_account.forget").after
    assert (forgotten["member_id"], forgotten["forgotten_member_id"]) == (None, customer.id)
    assert last_event(session, "login_account.generate").entity_id == str(new.id)


def test_generate_is_refused_while_an_account_is_still_linked(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    _account(session, library, member=customer)

    with pytest.raises(Refused, match="forget it first"):
        generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)


def test_forgetting_an_unlinked_account_is_refused(
    session: Session, olivia: Actor, library: Organization
) -> None:
    account = _account(session, library)

    with pytest.raises(Refused, match="nothing to forget"):
        forget_account(session, olivia, account.id)


@pytest.mark.parametrize(
    ("after", "works"),
    [
        (dt.timedelta(hours=24) - dt.timedelta(seconds=1), True),
        (dt.timedelta(hours=24) + dt.timedelta(seconds=1), False),
    ],
)
def test_the_activation_link_works_for_24_hours(
    session: Session, olivia: Actor, customer: Member, after: dt.timedelta, works: bool
) -> None:
    account = generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)
    session.commit()
    token = _token(session)

    if works:
        set_secret(session, "activation", token, "Anne2026!", now=NOW + after)
        assert account.state == AccountState.ACTIVE
        assert verify_password(account.secret_hash, "Anne2026!")
        with pytest.raises(Refused, match="not valid any more"):
            set_secret(session, "activation", token, "Anne2026!", now=NOW + after)
    else:
        with pytest.raises(Refused, match="expired"):
            set_secret(session, "activation", token, "Anne2026!", now=NOW + after)


def test_the_secret_follows_the_organisations_policy(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    library.credential_policy = CredentialPolicy.PIN
    session.commit()
    generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)
    session.commit()
    token = _token(session)

    with pytest.raises(Refused, match="ascending"):
        set_secret(session, "activation", token, "123478", now=NOW)
    account = set_secret(session, "activation", token, "120963", now=NOW)
    assert account.secret_kind == CredentialPolicy.PIN


@pytest.mark.parametrize("kind", ["activation", "reset"])
def test_forgetting_an_account_revokes_its_links_at_once(
    session: Session, olivia: Actor, library: Organization, customer: Member, kind: str
) -> None:
    account, token = _mailed_link(session, olivia, customer, kind)

    forget_account(session, olivia, account.id)
    session.commit()

    with pytest.raises(Refused, match="not valid any more"):
        set_secret(
            session, "activation" if kind == "activation" else "reset", token, "Evil2026!", now=NOW
        )
    assert last_event(session, "login_account.forget").after["links_revoked"] is True
    assert account.activation_token_hash is None and account.reset_token_hash is None


# --- resend activation, reset ------------------------------------------------------------


def test_resend_activation_and_reset_each_queue_one_mail_for_a_double_submit(
    session: Session, olivia: Actor, library: Organization
) -> None:
    pending = _account(session, library, state=AccountState.PENDING_ACTIVATION)
    active = _account(session, library, username="other", login_email="other@example.nl")

    for _ in range(2):
        resend_activation(session, olivia, pending.id, link_base=BASE, request_key="a", now=NOW)
        session.commit()
        reset_secret(session, olivia, active.id, link_base=BASE, request_key="b", now=NOW)
        session.commit()

    assert [m.recipient for m in outbox(session)] == ["anne@example.nl", "other@example.nl"]
    event = last_event(session, "login_account.reset_secret")
    assert event.after["reset_token_hash"] == "***"
    assert event.after["sent_to"] == "other@example.nl"


def test_resend_activation_is_refused_once_activated(
    session: Session, olivia: Actor, library: Organization
) -> None:
    account = _account(session, library)

    with pytest.raises(Refused, match="already activated"):
        resend_activation(session, olivia, account.id, link_base=BASE)


# --- phone code --------------------------------------------------------------------------


def test_the_phone_code_is_sent_three_times_a_day_in_the_organisations_time_zone(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    account = _account(session, library, member=customer)
    evening = dt.datetime(2026, 10, 1, 21, 0, tzinfo=dt.UTC)  # 23:00 in Amsterdam

    for _ in range(3):
        send_phone_code(session, olivia, account.id, now=evening)
        session.commit()
    with pytest.raises(Refused, match="from 00:00") as refusal:
        send_phone_code(session, olivia, account.id, now=evening + dt.timedelta(minutes=59))
    session.commit()
    assert "2026-10-02" in str(refusal.value)

    send_phone_code(session, olivia, account.id, now=evening + dt.timedelta(hours=1))  # 00:00 local
    session.commit()
    sms = [m for m in outbox(session) if m.channel == Channel.SMS]
    assert len(sms) == 4 and sms[0].recipient == "+31612345678"
    assert re.fullmatch(r"Your verification code is \d{6}\.", sms[0].body)
    assert sms[0].subject == "Verification code"
    code = sms[0].body.split()[-1].rstrip(".")
    assert code not in str(last_event(session, "login_account.send_phone_code").after)


# --- unlock, delete, login e-mail ----------------------------------------------------------


def test_unlock_only_a_locked_account(
    session: Session, olivia: Actor, library: Organization
) -> None:
    account = _account(session, library, state=AccountState.LOCKED, failed_attempts=5)

    unlock_account(session, olivia, account.id)
    assert (account.state, account.failed_attempts) == (AccountState.ACTIVE, 0)
    with pytest.raises(Refused, match="not locked"):
        unlock_account(session, olivia, account.id)


def test_delete_needs_the_typed_username_and_keeps_a_snapshot(
    session: Session, olivia: Actor, library: Organization
) -> None:
    account = _account(session, library, username="DUPONT.jean", secret_hash="secret-hash")

    form = Proof(ask_delete_account(session, olivia, account.id, KEY), KEY)

    with pytest.raises(Refused, match="Type the username"):
        delete_account(session, olivia, account.id, "dupont", form)
    delete_account(session, olivia, account.id, "dupont.JEAN", form)
    session.commit()

    assert session.scalar(select(LoginAccount)) is None
    event = last_event(session, "login_account.delete")
    assert event.before["username"] == "DUPONT.jean" and event.before["secret_hash"] == "***"
    assert "secret-hash" not in str(events(session))


def test_the_login_email_of_a_pin_organisation_cannot_change(
    session: Session, olivia: Actor, library: Organization
) -> None:
    library.credential_policy = CredentialPolicy.PIN
    account = _account(session, library)

    with pytest.raises(Refused, match="delete the account, then register again"):
        change_login_email(session, olivia, account.id, "new@example.nl")


def test_the_login_email_of_a_password_organisation_changes_once_checked(
    session: Session, olivia: Actor, library: Organization
) -> None:
    account = _account(session, library)

    with pytest.raises(Refused, match="not a valid e-mail"):
        change_login_email(session, olivia, account.id, "new@")
    change_login_email(session, olivia, account.id, "new@example.nl")
    assert account.login_email == "new@example.nl"


def test_the_same_phone_code_form_submitted_twice_sends_one_code(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    account = _account(session, library, member=customer)

    for _ in range(2):
        send_phone_code(session, olivia, account.id, request_key="k", now=NOW)
        session.commit()

    assert len([m for m in outbox(session) if m.channel == Channel.SMS]) == 1
    assert session.get_one(LoginAccount, account.id).phone_sends_today == 1


@pytest.mark.parametrize("kind", ["activation", "reset"])
def test_changing_the_login_email_revokes_the_links_mailed_to_the_old_address(
    session: Session, olivia: Actor, library: Organization, customer: Member, kind: str
) -> None:
    account, token = _mailed_link(session, olivia, customer, kind)

    change_login_email(session, olivia, account.id, "anne.new@example.nl")
    session.commit()

    with pytest.raises(Refused, match="not valid any more"):
        set_secret(session, kind, token, "Evil2026!", now=NOW)
    event = last_event(session, "login_account.change_email")
    assert event.after["links_revoked"] is True
    assert event.after["login_email"] == "anne.new@example.nl"
    assert account.activation_token_hash is None and account.reset_token_hash is None


def test_the_same_login_email_typed_again_keeps_the_links(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    generate_account(session, olivia, customer.id, link_base=BASE, now=NOW)
    session.commit()
    token = _token(session)
    account = session.scalar(select(LoginAccount))
    assert account is not None

    change_login_email(session, olivia, account.id, "ANNE@example.nl")
    session.commit()

    assert set_secret(session, "activation", token, "Anne2026!", now=NOW).state == (
        AccountState.ACTIVE
    )
