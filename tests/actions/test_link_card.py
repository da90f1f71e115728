"""Link card (seed 004): the account found by card number, within the member's
organisation, is linked only with the token of the step that showed its e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.link_card import card_usernames, find_for_link, link_card
from actions.steps import Proof
from models import LoginAccount, Member, Organization, Outcome
from tests.conftest import make_member
from tests.helpers import last_event, make_account

KEY = "k" * 32


@pytest.fixture
def customer(session: Session, library: Organization) -> Member:
    return make_member(session, library, email="anne@example.nl", tax_code="X1")


def _account(
    session: Session, org: Organization, username: str = "20010045", **values: object
) -> LoginAccount:
    return make_account(session, org, username, **values)


def _linked(session: Session, actor: Actor, member: Member, card: str) -> LoginAccount:
    found = find_for_link(session, actor, member.id, card, KEY)
    assert found is not None, f"nothing found for {card}"
    return link_card(session, actor, member.id, card, Proof(found.step, KEY))


def test_link_by_card_number_after_the_step_that_shows_the_email(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    account = _account(session, library)

    found = find_for_link(session, olivia, customer.id, "20010045", KEY)
    assert found is not None and found.account.login_email == "anne@example.nl"
    assert account.member_id is None
    link_card(session, olivia, customer.id, "20010045", Proof(found.step, KEY))
    session.commit()

    assert account.member_id == customer.id
    assert last_event(session, "login_account.link_card").after["found_as"] == "20010045"


@pytest.mark.parametrize(
    ("username", "read_out"),
    [
        (
            "nl-1234ab-20010045",
            "20010045",
        ),  # seed 004: ISIL + "-" + card when the card finds nothing
        ("0012345", "NL-1234AB-0012345"),  # the caller reads out the code and the card
        ("0012345", "NL-1234AB 0012345"),
        ("0012345", "nl-1234ab0012345"),
        ("NL-1234AB-0012345", "NL-1234AB 0012345"),
    ],
)
def test_the_card_is_found_with_or_without_the_library_code(
    session: Session,
    olivia: Actor,
    library: Organization,
    customer: Member,
    username: str,
    read_out: str,
) -> None:
    account = _account(session, library, username=username)

    _linked(session, olivia, customer, read_out)

    assert account.member_id == customer.id
    assert customer.card_number in {"20010045", "0012345"}


def test_the_usernames_a_card_may_stand_for() -> None:
    assert card_usernames(" NL-1234AB  0012345 ", ["NL-1234AB"]) == [
        "0012345",
        "nl-1234ab-0012345",
    ]
    assert card_usernames("0012345", ["NL-1234AB"]) == ["0012345", "nl-1234ab-0012345"]
    assert card_usernames("0012345", []) == ["0012345"]


def test_an_unlinked_account_of_another_library_is_never_taken(
    session: Session, olivia: Actor, customer: Member
) -> None:
    other = Organization(name="Bibliotheek Delft", company_code="DEL", country="NL", isil="NL-9999")
    session.add(other)
    session.commit()
    theirs = _account(session, other, username="20010045")

    assert find_for_link(session, olivia, customer.id, "20010045", KEY) is None
    with pytest.raises(Refused, match="generate a login account"):
        link_card(session, olivia, customer.id, "20010045", None)
    session.commit()

    assert session.get_one(LoginAccount, theirs.id).member_id is None


def test_nothing_found_offers_generate_never_forget(
    session: Session, olivia: Actor, customer: Member
) -> None:
    with pytest.raises(Refused) as refusal:
        link_card(session, olivia, customer.id, "99999", None)

    assert "generate" in str(refusal.value) and "forget" not in str(refusal.value)


def test_an_account_of_another_member_is_not_taken_over(
    session: Session, olivia: Actor, library: Organization, customer: Member
) -> None:
    other = make_member(session, library, tax_code="X2", email="bob@example.nl")
    account = _account(session, library, member=other)

    with pytest.raises(Refused, match="belongs to another member"):
        find_for_link(session, olivia, customer.id, "20010045", KEY)
    with pytest.raises(Refused, match="belongs to another member"):
        link_card(session, olivia, customer.id, "20010045", None)
    assert session.get_one(LoginAccount, account.id).member_id == other.id


@pytest.mark.parametrize(
    "case", ["none", "forged", "other operator", "other member", "e-mail changed", "expired"]
)
def test_the_confirmation_cannot_be_skipped_or_borrowed(
    session: Session,
    olivia: Actor,
    sam: Actor,
    library: Organization,
    customer: Member,
    case: str,
) -> None:
    account = _account(session, library)
    other = make_member(session, library, tax_code="X2", email="bob@example.nl")
    now = None
    if case == "none":
        proof = None
    elif case == "forged":
        proof = Proof("eyJtZW1iZXIiOjF9.forged.sig", KEY)
    elif case == "other operator":
        proof = Proof(_step(session, sam, customer), KEY)
    elif case == "other member":
        proof = Proof(_step(session, olivia, other), KEY)
    elif case == "e-mail changed":
        proof = Proof(_step(session, olivia, customer), KEY)
        account.login_email = "someone.else@example.nl"
        session.commit()
    else:
        proof = Proof(_step(session, olivia, customer), KEY)
        now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)

    with pytest.raises(Refused, match="Find the account again") as refusal:
        link_card(session, olivia, customer.id, "20010045", proof, now=now)
    session.commit()

    assert refusal.value.field == "card_number"
    assert session.get_one(LoginAccount, account.id).member_id is None
    assert last_event(session, "login_account.link_card").outcome == Outcome.REFUSED


def _step(session: Session, actor: Actor, member: Member) -> str:
    found = find_for_link(session, actor, member.id, "20010045", KEY)
    assert found is not None
    return found.step
