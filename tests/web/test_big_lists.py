"""Lists built for a million rows: a capped count said honestly ("more than N"), pages at
any depth in the list's order, a search that reads an index (small data, the cap lowered)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import (
    Appointment,
    AuditEvent,
    Client,
    LoginAccount,
    Member,
    Organization,
    Outcome,
    Ticket,
)
from tests.conftest import Personas, log_in
from views.base import SportelloModelView
from views.search import keys_start_with, search_keys_for

CAP = 15
FIRST = ["Mario", "Anna", "Luca", "Giulia"]
LAST = ["Rossi", "Bianchi", "Rossini", "Esposito", "Colombo", "Bianchi", None]


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(SportelloModelView, "count_cap", CAP)
    return CAP


@pytest.fixture
def many(session: Session, organization: Organization) -> list[Member]:
    """28 members; surnames repeat (and one is missing), so the id breaks ties."""
    members = [
        Member(
            organization=organization,
            first_name=FIRST[i % len(FIRST)],
            last_name=LAST[i % len(LAST)],
            email=f"{FIRST[i % len(FIRST)].lower()}.{i}@example.org",
            tax_code=f"RSSMRA{i:02d}A01H501Z",
        )
        for i in range(28)
    ]
    session.add_all(members)
    session.commit()
    return members


def _page(client: TestClient, key: str, **params: Any) -> BeautifulSoup:
    response = client.get(f"/admin/{key}/list", params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _ids(page: BeautifulSoup) -> list[int]:
    return [int(str(tr["data-sa-pk"])) for tr in page.select("tr[data-sa-pk]")]


def _footer(page: BeautifulSoup) -> str:
    footer = page.select_one(".card-footer p")
    assert footer is not None
    return " ".join(footer.get_text().split())


def _next_disabled(page: BeautifulSoup) -> bool:
    link = page.select_one('a[aria-label="Next page"]')
    assert link is not None and link.parent is not None
    return "disabled" in (link.parent.get("class") or [])


def _in_order(session: Session, *order: Any) -> list[int]:
    return list(session.scalars(select(Member.id).order_by(*order)))


def test_past_the_cap_the_list_says_more_than_and_offers_no_last_page(
    client: TestClient, personas: Personas, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")

    first = _page(client, "members", page_size=10)

    assert _footer(first) == f"Showing 1 to 10 of more than {capped} entries"  # 28
    assert first.select_one('[data-testid="list-total"][data-exact="false"]') is not None
    assert not _next_disabled(first)
    assert "Last" not in [a.get_text(strip=True) for a in first.select("a.page-link")]
    assert "#select-all-matching-link { display: none; }" in str(first)  # no "all 16 rows"


def test_within_the_cap_and_on_the_last_page_the_total_is_exact(
    client: TestClient, personas: Personas, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")

    few = _page(client, "members", q="rossi", page_size=10)  # Rossi and Rossini: 8
    last = _page(client, "members", page=3, page_size=10)

    assert _footer(few) == "Showing 1 to 8 of 8 entries"
    assert _footer(last) == "Showing 21 to 28 of 28 entries"
    assert _next_disabled(last)


def test_a_page_deeper_than_the_cap_says_more_than_what_it_shows(
    client: TestClient, personas: Personas, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")

    second = _page(client, "members", page=2, page_size=10)

    assert _footer(second) == "Showing 11 to 20 of more than 20 entries"
    assert not _next_disabled(second)


def test_a_page_past_the_end_counts_the_rows(
    client: TestClient, personas: Personas, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")

    beyond = _page(client, "members", page=9, page_size=10)

    assert _ids(beyond) == []
    assert "of 28 entries" in _footer(beyond)


def test_every_page_holds_the_rows_a_plain_query_puts_there_in_its_order(
    client: TestClient, personas: Personas, session: Session, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")
    expected = _in_order(session, Member.last_name, Member.first_name, Member.id)

    shown = [_ids(_page(client, "members", page=p, page_size=10)) for p in (1, 2, 3)]

    assert shown == [expected[0:10], expected[10:20], expected[20:28]]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("email__desc", (Member.email.desc(), Member.id.desc())),
        ("last_name__asc", (Member.last_name, Member.id)),
        ("id__desc", (Member.id.desc(),)),
    ],
)
def test_a_sorted_list_pages_in_its_order(
    client: TestClient,
    personas: Personas,
    session: Session,
    many: list[Member],
    capped: int,
    sort: str,
    order: tuple[Any, ...],
) -> None:
    log_in(client, "olivia")
    expected = _in_order(session, *order)

    shown = [_ids(_page(client, "members", page=p, page_size=10, sort=sort)) for p in (1, 2, 3)]

    assert shown == [expected[0:10], expected[10:20], expected[20:28]]


def test_the_search_pages_in_the_list_order_with_an_exact_small_total(
    client: TestClient, personas: Personas, session: Session, many: list[Member], capped: int
) -> None:
    log_in(client, "olivia")
    expected = list(
        session.scalars(
            select(Member.id)
            .where(Member.last_name.in_(["Bianchi"]))
            .order_by(Member.last_name, Member.first_name, Member.id)
        )
    )

    first = _page(client, "members", q="bianchi", page_size=10)

    assert _ids(first) == expected
    assert _footer(first) == f"Showing 1 to {len(expected)} of {len(expected)} entries"


@pytest.mark.parametrize("sort", [None, "email__desc", "id__asc"])
def test_a_search_matching_many_pages_in_the_list_order(
    client: TestClient,
    personas: Personas,
    session: Session,
    many: list[Member],
    capped: int,
    sort: str | None,
) -> None:
    log_in(client, "olivia")
    order = {
        None: (Member.last_name, Member.first_name, Member.id),
        "email__desc": (Member.email.desc(), Member.id.desc()),
        "id__asc": (Member.id,),
    }[sort]
    expected = _in_order(session, *order)  # every tax code starts with RSSMRA
    params = {"q": "rssmra", "page_size": 10} | ({"sort": sort} if sort else {})

    shown = [_ids(_page(client, "members", page=p, **params)) for p in (1, 2, 3)]

    assert shown == [expected[0:10], expected[10:20], expected[20:28]]


@pytest.mark.parametrize(
    ("term", "who"),
    [
        ("Ross", lambda m: (m.last_name or "").startswith("Ross")),  # Rossi and Rossini
        ("rossini", lambda m: m.last_name == "Rossini"),
        ("giulia bian", lambda m: m.first_name == "Giulia" and m.last_name == "Bianchi"),
        ("bianchi giulia", lambda m: m.first_name == "Giulia" and m.last_name == "Bianchi"),
        ("ANNA.1", lambda m: (m.email or "").startswith("anna.1")),
        ("rssmra07", lambda m: m.tax_code == "RSSMRA07A01H501Z"),
        ("ossi", lambda m: False),  # the middle of a name is not its start
    ],
)
def test_the_member_search_finds_by_the_start_of_a_name_an_email_or_a_tax_code(
    client: TestClient, personas: Personas, many: list[Member], term: str, who: Any
) -> None:
    log_in(client, "olivia")

    found = set(_ids(_page(client, "members", q=term, page_size=100)))

    assert found == {m.id for m in many if who(m)}


def test_the_list_search_of_other_big_lists_finds_by_the_start_of_their_keys(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    client_record = Client(
        client_number="C000042", legal_name="Società Alfa S.p.A.", email="Info@Alfa.it"
    )
    account = LoginAccount(organization=organization, username="dupont.jean", login_email="j@d.fr")
    ticket = Ticket(
        number="T000777",
        requester_name="Paola Neri",
        requester_email="paola@example.org",
        subject="Stampa",
        source="operator",
        first_response_due_at=now,
        resolution_due_at=now,
    )
    event = AuditEvent(
        seq=1,
        operator_username="sam",
        action="member.validate",
        entity_type="member",
        outcome=Outcome.SUCCESS,
        prev_hash="0" * 64,
        hash="1" * 64,
    )
    session.add_all([client_record, account, ticket, event])
    session.commit()
    log_in(client, "ada")

    searches = {
        ("clients", "societa alfa"): client_record.id,
        ("clients", "c0000"): client_record.id,
        ("clients", "info@alfa"): client_record.id,
        ("login_accounts", "DUPONT"): account.id,
        ("tickets", "t000777"): ticket.id,
        ("tickets", "paola n"): ticket.id,
    }
    for (key, term), expected in searches.items():
        assert _ids(_page(client, key, q=term)) == [expected], (key, term)
    assert _ids(_page(client, "clients", q="alfa")) == []  # not the start of the name


# --- the plans -----------------------------------------------------------------------------

SEARCHES: list[tuple[type, str]] = [
    (Member, "rossi"),
    (Member, "mario rossi"),
    (Member, "mario.rossi@exa"),
    (Member, "RSSMRA85"),
    (LoginAccount, "dupont"),
    (Client, "societa alfa"),
    (Client, "IT 0243"),
    (Client, "info@alfa"),
    (Ticket, "t0001"),
    (Ticket, "paola"),
    (Appointment, "bar ros"),
    (AuditEvent, "member.val"),
]


def _plan(engine: Engine, query: Any, *, ordered: bool = False) -> str:
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # On a few rows a sequential scan is cheapest: forbid it, to see whether an
            # index can answer at all (if none can, the plan still says Seq Scan).
            connection.execute(text("SET enable_seqscan = off"))
            if ordered:  # and without sorting, if an index holds the order
                connection.execute(text("SET enable_bitmapscan = off"))
                connection.execute(text("SET enable_sort = off"))
            rows = connection.execute(text(f"EXPLAIN {compiled}")).scalars()
            return "\n".join(rows)
        rows = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(("model", "term"), SEARCHES, ids=lambda v: getattr(v, "__name__", v))
def test_the_list_search_reads_an_index_never_every_row(
    engine: Engine, model: Any, term: str
) -> None:
    query = select(model.id).where(keys_start_with(search_keys_for(model), term))

    plan = _plan(engine, query)

    if engine.dialect.name == "postgresql":
        assert "Seq Scan" not in plan and "Index" in plan, plan
    else:
        assert "SEARCH" in plan and "SCAN" not in plan, plan


@pytest.mark.parametrize(
    ("model", "order"),
    [
        (Member, ("last_name", "first_name", "id")),
        (Client, ("legal_name", "id")),
        (Appointment, ("starts_at", "id")),
        (AuditEvent, ("seq", "id")),
        (Ticket, ("id",)),
        (LoginAccount, ("id",)),
    ],
    ids=lambda v: getattr(v, "__name__", "order"),
)
def test_a_deep_page_of_ids_is_read_from_an_index_alone(
    engine: Engine, model: Any, order: tuple[str, ...]
) -> None:
    columns = [getattr(model, name) for name in order]
    query = select(model.id).order_by(*(c.desc() for c in columns)).limit(10).offset(100_000)

    plan = _plan(engine, query, ordered=True)

    if engine.dialect.name == "postgresql":
        # An index-only scan once the table is vacuumed (see bench/member_list.py --explain).
        assert "Index" in plan and "Sort" not in plan and "Seq Scan" not in plan, plan
    else:
        assert "USING COVERING INDEX" in plan and "TEMP B-TREE" not in plan, plan
