"""A username another request saves between an action's check and its insert: the
database's unique index refuses the insert, and the operator gets the action's own
refusal, with nothing of the attempt written."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import companies
from actions.context import Actor
from actions.errors import Refused
from actions.forget_generate import generate_account
from actions.operators import create_operator
from models import AccountState, LoginAccount, Member, Operator, Organization, Outcome, Role
from tests.conftest import PASSWORD, Personas, make_member
from tests.helpers import events, last_event
from tests.races import taken_right_after_the_check

LUCA = companies.Person("Luca", "Neri", "NREMRA85T10A562A", "luca.neri@example.it", "luca.neri")


@pytest.fixture
def company(session: Session) -> Organization:
    org = Organization(name="Azienda Esempio S.p.A.", vat_number="00743110157", language="it")
    session.add(org)
    session.commit()
    administrator = make_member(session, org, tax_code="BNCGLI80A41H501C")
    org.administrator_id = administrator.id
    session.commit()
    return org


def test_a_company_user_whose_username_is_taken_at_the_same_moment_is_refused(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    company: Organization,
) -> None:
    landed = taken_right_after_the_check(
        session,
        session_factory,
        LoginAccount,
        organization_id=company.id,
        username="LUCA.NERI",
        login_email="someone@example.it",
        state=AccountState.ACTIVE,
    )

    with pytest.raises(Refused, match="is taken: choose another") as refusal:
        companies.create_company_user(
            session, olivia, company.id, "BNCGLI80A41H501C", LUCA, link_base="https://x.example"
        )

    assert landed and refusal.value.field == "username"
    session.commit()
    assert session.scalar(select(Member).where(Member.tax_code == LUCA.tax_code)) is None
    assert last_event(session, "company.create_user").outcome == Outcome.REFUSED


def test_an_operator_whose_username_is_taken_at_the_same_moment_is_refused(
    session: Session, session_factory: sessionmaker[Session], personas: Personas
) -> None:
    ada = Actor.of(personas.admin)
    landed = taken_right_after_the_check(
        session,
        session_factory,
        Operator,
        username="nora",
        display_name="Nora",
        password_hash="x",
        role=Role.OPERATOR,
    )

    with pytest.raises(Refused, match="nora is taken") as refusal:
        create_operator(session, ada, " Nora ", PASSWORD, Role.SUPERVISOR)

    assert landed and refusal.value.field == "username"
    session.commit()
    assert session.scalar(select(Operator).where(Operator.role == Role.SUPERVISOR)) == (
        personas.supervisor
    )
    assert last_event(session, "operator.create").outcome == Outcome.REFUSED


def test_an_account_generated_for_the_member_at_the_same_moment_is_refused(
    session: Session, session_factory: sessionmaker[Session], olivia: Actor
) -> None:
    library = Organization(name="Biblioteca", company_code="BIB", language="en")
    session.add(library)
    session.commit()
    member = make_member(session, library, email="anna@example.org", tax_code="X1")
    landed = taken_right_after_the_check(
        session,
        session_factory,
        LoginAccount,
        organization_id=library.id,
        member_id=member.id,
        username="anna.generated",
        login_email="anna@example.org",
        state=AccountState.PENDING_ACTIVATION,
    )

    with pytest.raises(Refused, match=r"already has the login account anna\.generated"):
        generate_account(session, olivia, member.id, link_base="https://x.example")

    assert landed
    session.commit()
    assert (
        session.scalar(select(LoginAccount).where(LoginAccount.username == "anna@example.org"))
        is None
    )
    assert last_event(session, "login_account.generate").outcome == Outcome.REFUSED
    created = [e.after for e in events(session, "login_account.create") if e.after]
    assert [a for a in created if a["username"] == "anna@example.org"] == []
