from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.context import Actor
from actions.errors import Refused
from actions.register import AlreadyRegistered, Registration, register
from models import AccountState, LoginAccount, Member, MemberState, Organization, Outcome
from tests.helpers import events, last_event, outbox
from tests.races import taken_right_after_the_check

BASE = "https://desk.example.org"


def _data(**overrides: str) -> Registration:
    values = {
        "company_code": "rossi",
        "first_name": "Mario",
        "last_name": "Rossi",
        "tax_code": "rssmra85t10a562s",
        "email": "Mario.Rossi@example.org",
        "mobile": "333 123 4567",
    }
    return Registration(**(values | overrides))


def test_a_caller_is_registered_with_checked_data_and_an_activation_mail(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = register(session, olivia, _data(), link_base=BASE)
    session.commit()

    assert (member.tax_code, member.email, member.mobile) == (
        "RSSMRA85T10A562S",
        "Mario.Rossi@example.org",
        "+393331234567",
    )
    assert member.state == MemberState.INCOMPLETE
    account = session.scalar(select(LoginAccount))
    assert account is not None and account.state == AccountState.PENDING_ACTIVATION
    assert [m.recipient for m in outbox(session)] == ["Mario.Rossi@example.org"]
    assert last_event(session, "member.register").entity_id == str(member.id)


@pytest.mark.parametrize(
    "second", [{"email": "someone.else@example.org"}, {"tax_code": "BNCGLI80A41H501C"}]
)
def test_the_same_person_registers_once_by_tax_code_or_by_email(
    session: Session, olivia: Actor, organization: Organization, second: dict[str, str]
) -> None:
    first = register(session, olivia, _data(), link_base=BASE)
    session.commit()
    if "email" in second:
        attempt = _data(**second)  # same tax code, other e-mail
    else:
        attempt = _data(tax_code=second["tax_code"], email="MARIO.ROSSI@example.org")  # same e-mail

    with pytest.raises(AlreadyRegistered, match="already registered") as refusal:
        register(session, olivia, attempt, link_base=BASE)
    session.commit()

    assert refusal.value.member_id == first.id
    assert len(session.scalars(select(Member)).all()) == 1
    assert last_event(session, "member.register").outcome == Outcome.REFUSED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_code", "NOPE"),
        ("tax_code", "RSSMRA85T10A562T"),
        ("email", "mario@"),
        ("mobile", "12"),
        ("first_name", " "),
    ],
)
def test_bad_data_is_refused_naming_the_field(
    session: Session, olivia: Actor, organization: Organization, field: str, value: str
) -> None:
    with pytest.raises(Refused) as refusal:
        register(session, olivia, _data(**{field: value}), link_base=BASE)

    assert refusal.value.field == field
    assert session.scalar(select(Member)) is None


# --- the e-mail is the username of a login account already -------------------------------


@pytest.fixture
def second_organization(session: Session) -> Organization:
    org = Organization(name="Welfare Verdi", company_code="VERDI", language="it")
    session.add(org)
    session.commit()
    return org


def _nothing_written_in(session: Session, organization: Organization) -> None:
    session.commit()
    assert session.scalar(select(Member).where(Member.organization_id == organization.id)) is None
    accounts = session.scalars(
        select(LoginAccount).where(LoginAccount.organization_id == organization.id)
    ).all()
    assert accounts == []
    assert last_event(session, "member.register").outcome == Outcome.REFUSED
    created = events(session, "member.create") + events(session, "login_account.create")
    assert [e for e in created if (e.after or {})["organization_id"] == organization.id] == []


def test_an_email_already_a_username_in_another_organisation_is_refused_with_what_to_do(
    session: Session,
    olivia: Actor,
    organization: Organization,
    second_organization: Organization,
) -> None:
    register(session, olivia, _data(), link_base=BASE)
    session.commit()

    with pytest.raises(Refused, match="already the username of a login account") as refusal:
        register(
            session,
            olivia,
            _data(company_code="verdi", email="MARIO.ROSSI@example.org"),
            link_base=BASE,
        )

    assert refusal.value.field == "email"
    assert "another e-mail address" in str(refusal.value)
    _nothing_written_in(session, second_organization)


def test_an_account_taken_between_the_check_and_the_insert_is_refused_the_same_way(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    organization: Organization,
    second_organization: Organization,
) -> None:
    """Another registration saves the same username after this one checked it: the
    database's unique index refuses the insert, and the operator gets the same answer."""
    landed = taken_right_after_the_check(
        session,
        session_factory,
        LoginAccount,
        organization_id=organization.id,
        username="mario.rossi@example.org",
        login_email="mario.rossi@example.org",
        state=AccountState.ACTIVE,
    )
    with pytest.raises(Refused, match="already the username of a login account") as refusal:
        register(session, olivia, _data(company_code="verdi"), link_base=BASE)

    assert landed and refusal.value.field == "email"
    _nothing_written_in(session, second_organization)
