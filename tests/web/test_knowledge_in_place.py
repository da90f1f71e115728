"""The knowledge-base search and the ticket it leads to, in one page: a search sent from the
page answers with its results alone, the ticket form opens in it prefilled from the search,
and the opened ticket's page is the only page loaded."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import ArticleAudience, KnowledgeArticle, SearchLog, Ticket, TicketSource
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import fresh


def _article(session: Session) -> KnowledgeArticle:
    article = KnowledgeArticle(
        title="Il cedolino in PDF",
        body="Dal menu Stampa.",
        product_line="Payroll",
        product="Payroll Cloud",
        language="it",
        audience=ArticleAudience.PUBLIC,
    )
    session.add(article)
    session.commit()
    return article


def _search(client: TestClient, headers: dict[str, str]) -> BeautifulSoup:
    params = {"q": "cedolino", "language": "it", "product": "Payroll Cloud"}
    response = client.get("/admin/kb", params=params, headers=headers)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    return BeautifulSoup(response.text, "html.parser")


def _searched_from_the_page(
    client: TestClient, session: Session
) -> tuple[dict[str, str], SearchLog]:
    """Olivia searches the knowledge base from its page: the page's headers and the search."""
    _article(session)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    _search(client, headers)
    return headers, fresh(session).scalars(select(SearchLog)).one()


def test_a_search_sent_from_the_page_answers_with_its_results_alone(
    client: TestClient, personas: Personas, session: Session
) -> None:
    article = _article(session)
    log_in(client, "olivia")

    soup = _search(client, htmx_headers(client))

    assert soup.select_one("html") is None and soup.select_one("[data-testid=kb-form]") is None
    assert [int(h["data-id"]) for h in soup.select("[data-testid=kb-hit]")] == [article.id]
    button = soup.select_one("[data-testid=open-ticket]")
    assert button["hx-get"] == button["href"] and button["hx-target"] == "#kb-ticket"
    assert soup.select_one("#kb-ticket") is not None


def test_going_back_to_a_search_asks_for_the_whole_page(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _article(session)
    log_in(client, "olivia")
    headers = {**htmx_headers(client), "HX-History-Restore-Request": "true"}

    soup = _search(client, headers)

    assert soup.select_one("[data-testid=kb-form]") is not None
    assert soup.select_one("#kb-results [data-testid=kb-hit]") is not None


def test_the_ticket_form_opens_in_the_page_prefilled_from_the_search(
    client: TestClient, personas: Personas, session: Session
) -> None:
    headers, log = _searched_from_the_page(client, session)

    response = client.get(f"/admin/tickets/open?search={log.id}", headers=headers)

    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("html") is None  # the form alone
    form = soup.select_one("[data-testid=ticket-open-form]")
    assert form["hx-post"] == form["action"]
    assert "cedolino" in form.select_one("[data-testid=after-search]").text
    prefilled = {name: form.select_one(f"#{name}")["value"] for name in ("subject", "product")}
    assert prefilled == {"subject": "cedolino", "product": "Payroll Cloud"}
    assert form.select_one("#product_line")["value"] == "Payroll"


def test_the_ticket_sent_from_the_page_opens_its_own_page(
    client: TestClient, personas: Personas, session: Session
) -> None:
    headers, log = _searched_from_the_page(client, session)
    data = {"subject": "cedolino", "requester_email": "anna@example.it", "search": str(log.id)}

    response = client.post("/admin/tickets/open", data=data, headers=headers)

    ticket = fresh(session).scalars(select(Ticket)).one()
    assert (
        response.headers["hx-redirect"] == f"http://testserver/admin/tickets/detail?pk={ticket.id}"
    )
    assert ticket.source == TicketSource.SEARCH


def test_a_refused_ticket_comes_back_in_place_with_the_reason(
    client: TestClient, personas: Personas, session: Session
) -> None:
    headers, log = _searched_from_the_page(client, session)
    data = {"subject": "cedolino", "requester_email": "anna@", "search": str(log.id)}

    response = client.post("/admin/tickets/open", data=data, headers=headers)

    soup = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200 and soup.select_one("html") is None
    assert soup.select_one("[data-testid=refusal]") is not None
    assert soup.select_one("#requester_email")["value"] == "anna@"
    assert fresh(session).scalar(select(Ticket)) is None
