from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from actions.lookup import lookup
from models import Client, LoginAccount, Member, Organization
from tests.conftest import make_member


@pytest.fixture
def people(session: Session, organization: Organization) -> dict[str, object]:
    library = Organization(name="Bibliotheek", company_code="BIB", country="NL", isil="NL-1234AB")
    session.add(library)
    session.commit()
    elodie = make_member(
        session,
        organization,
        first_name="Élodie",
        last_name="D'Amico",
        email="Elodie.DAmico@Example.org",
        mobile="+393331234567",
        tax_code="DMCLDE85T50A562X",
        card_number="20010045",
    )
    mario = make_member(
        session,
        organization,
        first_name="Mario",
        last_name="Rossi",
        email="mario@example.org",
        tax_code="RSSMRA85T10A562S",
    )
    account = LoginAccount(
        organization=library, username="NL-1234AB-20010099", login_email="reader@example.nl"
    )
    dupont = LoginAccount(
        organization=organization,
        username="DUPONT.jean",
        login_email="jean@example.org",
        member=mario,
    )
    session.add_all([account, dupont])
    session.commit()
    return {"elodie": elodie, "mario": mario, "account": account, "dupont": dupont}


def _first(session: Session, query: str) -> tuple[str, int, str]:
    hits = lookup(session, query)
    assert hits, f"nothing found for {query!r}"
    return hits[0].kind, hits[0].id, hits[0].matched


@pytest.mark.parametrize(
    ("query", "who", "matched"),
    [
        ("elodie.damico@EXAMPLE.org", "elodie", "e-mail"),
        ("+39 333 1234567", "elodie", "mobile"),
        ("0039 333 123 4567", "elodie", "mobile"),
        ("333 1234567", "elodie", "mobile"),
        ("dmclde85t50a562x", "elodie", "tax code"),
        ("20010045", "elodie", "card"),
        ("elodie", "elodie", "name"),
        ("d'amico", "elodie", "name"),
        ("DAmico Élodie", "elodie", "name"),
        ("Elodie d\u2019Amico", "elodie", "name"),
        ("rossi mario", "mario", "name"),
        ("mario ross", "mario", "name"),
    ],
)
def test_it_finds_a_member_from_what_the_caller_reads_out(
    session: Session, people: dict[str, Member], query: str, who: str, matched: str
) -> None:
    assert _first(session, query) == ("member", people[who].id, matched)


@pytest.mark.parametrize(
    ("query", "who", "matched"),
    [
        ("dupont.JEAN", "dupont", "username"),
        ("20010099", "account", "card"),
        ("nl-1234ab-20010099", "account", "username"),
        ("READER@example.nl", "account", "e-mail"),
    ],
)
def test_it_finds_a_login_account(
    session: Session, people: dict[str, LoginAccount], query: str, who: str, matched: str
) -> None:
    assert _first(session, query) == ("login_account", people[who].id, matched)


def test_identifier_matches_come_before_name_matches(
    session: Session, people: dict[str, Member]
) -> None:
    hits = lookup(session, "mario@example.org")
    assert [h.matched for h in hits] == ["e-mail"]


@pytest.mark.parametrize("query", ["", "x", "nobody here", "999999999", "zz@zz.zz"])
def test_nothing_matching_finds_nothing(
    session: Session, people: dict[str, Member], query: str
) -> None:
    assert lookup(session, query) == []


@pytest.fixture
def clients(session: Session) -> list[Client]:
    found = [
        Client(client_number="C000001", legal_name="Mairie de Toulon", identifier="21430137600015"),
        Client(client_number="C000002", legal_name="Société Générale S.A."),
        Client(client_number="C000003", legal_name="Comune di Roma", identifier="IT00743110157"),
    ]
    session.add_all(found)
    session.commit()
    return found


@pytest.mark.parametrize(
    ("typed", "number", "matched"),
    [
        ("C000002", "C000002", "client number"),
        ("c000002", "C000002", "client number"),
        ("214 301 376 00015", "C000001", "SIRET/VAT"),
        ("00743110157", "C000003", "SIRET/VAT"),  # without its country prefix
        ("societe gen", "C000002", "legal name"),
        ("MAIRIE DE TOU", "C000001", "legal name"),
    ],
)
def test_a_client_is_found_by_number_identifier_or_legal_name(
    session: Session, clients: list[Client], typed: str, number: str, matched: str
) -> None:
    [hit] = [h for h in lookup(session, typed) if h.kind == "client"]
    assert (hit.detail.split(" · ")[0], hit.matched) == (number, matched)


def test_a_persons_name_finds_no_client(session: Session, clients: list[Client]) -> None:
    assert [h for h in lookup(session, "Mario") if h.kind == "client"] == []


@pytest.mark.parametrize("query", ["NL-1234AB-0012345", "NL-1234AB 0012345", "nl-1234ab0012345"])
def test_the_library_code_read_out_with_the_card_finds_the_bare_card(
    session: Session, people: dict[str, LoginAccount], query: str
) -> None:
    library = people["account"].organization
    bare = LoginAccount(organization=library, username="0012345", login_email="r2@example.nl")
    session.add(bare)
    session.commit()

    assert _first(session, query) == ("login_account", bare.id, "card")
