"""The knowledge base in the console: the search page at /admin/kb and the articles' view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.knowledge import search
from models import ArticleAudience, KnowledgeArticle, SearchLog
from tests.conftest import Personas, csrf_token, log_in
from tests.helpers import fresh


def _article(session: Session, title: str, body: str = "", **values: Any) -> KnowledgeArticle:
    defaults: dict[str, Any] = {
        "product_line": "Payroll",
        "product": "Payroll Cloud",
        "language": "it",
        "audience": ArticleAudience.PUBLIC,
    }
    made = KnowledgeArticle(title=title, body=body, **{**defaults, **values})
    session.add(made)
    session.commit()
    return made


@pytest.fixture
def articles(session: Session) -> dict[str, KnowledgeArticle]:
    made = {
        "title": _article(session, "Il cedolino in PDF", "Dal menu Stampa."),
        "body": _article(session, "Chiusura del mese", "Chiudere il mese prima del cedolino."),
        "desktop": _article(session, "Cedolino su carta", product="Payroll Desktop"),
        "resellers": _article(
            session, "Cedolino: listino rivenditori", audience=ArticleAudience.RESELLERS
        ),
        "english": _article(session, "Payslip as PDF", language="en"),
    }
    for title in ("Backup giornaliero", "Cambio password", "Stampante di rete"):
        _article(session, title, "Nessuna parola in comune.")
    return made


CEDOLINO_PUBLIC = ("title", "body", "desktop")  # the public Italian articles with "cedolino"


def _page(client: TestClient, **params: str) -> BeautifulSoup:
    response = client.get("/admin/kb", params=params)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def _hits(soup: BeautifulSoup) -> list[int]:
    return [int(hit["data-id"]) for hit in soup.select("[data-testid=kb-hit]")]


def test_before_any_search_the_page_shows_the_form_and_no_open_ticket_button(
    client: TestClient, personas: Personas, articles: Any
) -> None:
    log_in(client, "olivia")

    soup = _page(client)

    assert soup.select_one("[data-testid=kb-form]") is not None
    assert soup.select_one("[data-testid=open-ticket]") is None
    assert soup.select("[data-testid=kb-hit]") == []
    products = [o["value"] for o in soup.select("[data-testid=kb-product] option")]
    assert products == ["", "Payroll Cloud", "Payroll Desktop"]


def test_a_search_shows_ranked_hits_linked_to_their_articles_and_the_open_ticket_button(
    client: TestClient, personas: Personas, session: Session, articles: Any
) -> None:
    log_in(client, "olivia")

    soup = _page(client, q="cedolino", language="it", audience="public")

    hits = _hits(soup)
    assert set(hits[:2]) == {articles["title"].id, articles["desktop"].id}  # found in the title
    assert hits[2:] == [articles["body"].id]
    first = soup.select_one(f"[data-testid=kb-hit][data-id='{articles['title'].id}']")
    assert first.select_one("[data-testid=kb-hit-title]")["href"].endswith(
        f"/admin/knowledge/detail?pk={articles['title'].id}"
    )
    assert "Payroll Cloud" in first.select_one("[data-testid=kb-hit-product]").text
    log = fresh(session).scalars(select(SearchLog)).one()
    assert log.hit_ids == _hits(soup)
    assert log.operator_username == "olivia"
    button = soup.select_one("[data-testid=open-ticket]")
    assert button.name == "a"
    assert button["href"] == f"/admin/tickets/open?search={log.id}"


def test_the_product_and_audience_chosen_filter_the_results(
    client: TestClient, personas: Personas, articles: Any
) -> None:
    log_in(client, "olivia")

    desktop = _page(client, q="cedolino", language="it", product="Payroll Desktop")
    resellers = _page(client, q="cedolino", language="it", audience="resellers")

    assert _hits(desktop) == [articles["desktop"].id]
    assert articles["resellers"].id in _hits(resellers)
    assert articles["resellers"].id not in _hits(_page(client, q="listino", language="it"))


def test_a_search_without_words_is_refused_keeping_what_was_typed(
    client: TestClient, personas: Personas, session: Session, articles: Any
) -> None:
    log_in(client, "olivia")

    soup = _page(client, q=' " * ', language="it", product="Payroll Desktop")

    assert "at least one word" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("[data-testid=kb-query]")["value"] == ' " * '
    assert soup.select_one("[data-testid=kb-product] option[selected]")["value"] == (
        "Payroll Desktop"
    )
    assert soup.select_one("[data-testid=open-ticket]") is None
    assert fresh(session).scalar(select(func.count(SearchLog.id))) == 0


def test_a_search_that_finds_nothing_still_offers_to_open_a_ticket(
    client: TestClient, personas: Personas, articles: Any
) -> None:
    log_in(client, "olivia")

    soup = _page(client, q="fattura", language="it")

    assert soup.select_one("[data-testid=kb-none]") is not None
    assert soup.select_one("[data-testid=open-ticket]") is not None


def test_frequent_searches_are_links_that_run_that_search(
    client: TestClient, personas: Personas, session: Session, articles: Any
) -> None:
    now = dt.datetime.now(dt.UTC)
    for query, days in (("Cedolino", 1), ("cedolino", 2), ("payslip", 1), ("old", 31)):
        session.add(
            SearchLog(
                query=query,
                audience=ArticleAudience.PUBLIC,
                language="en" if query == "payslip" else "it",
                hit_ids=[],
                created_at=now - dt.timedelta(days=days),
            )
        )
    session.commit()
    log_in(client, "olivia")

    soup = _page(client, language="it")
    links = soup.select("[data-testid=frequent-search]")

    assert [(a.contents[0].strip(), a["data-count"]) for a in links] == [("cedolino", "2")]
    followed = BeautifulSoup(client.get(links[0]["href"]).text, "html.parser")
    assert set(_hits(followed)) == {a.id for k, a in articles.items() if k in CEDOLINO_PUBLIC}


@pytest.mark.parametrize(("accept_language", "expected"), [("it-IT,it;q=0.9", "it"), ("en", "en")])
def test_the_language_is_the_operators_own_until_another_is_chosen(
    client: TestClient, personas: Personas, accept_language: str, expected: str
) -> None:
    log_in(client, "olivia", **{"Accept-Language": accept_language})

    response = client.get("/admin/kb", headers={"Accept-Language": accept_language})
    chosen = BeautifulSoup(response.text, "html.parser").select_one(
        "[data-testid=kb-language] option[selected]"
    )

    assert chosen["value"] == expected


def test_an_articles_page_shows_its_markdown_rendered_and_sanitised(
    client: TestClient, personas: Personas, session: Session
) -> None:
    made = _article(
        session,
        "Stampa",
        "**Menu** Stampa\n\n<script>alert(1)</script>"
        '<a href="javascript:alert(2)" onclick="alert(3)">x</a> <img src="a.png" onerror="alert(4)">',
    )
    log_in(client, "olivia")

    response = client.get(f"/admin/knowledge/detail?pk={made.id}")
    body = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=article-body]")

    assert response.status_code == 200
    assert body.strong.text == "Menu"
    assert body.find("script") is None
    assert all(not name.startswith("on") for tag in body.find_all(True) for name in tag.attrs)
    assert body.a.get("href") is None
    assert "alert" not in str(body)


def test_the_article_list_shows_each_articles_product_audience_and_language(
    client: TestClient, personas: Personas, articles: Any
) -> None:
    log_in(client, "olivia")

    response = client.get("/admin/knowledge/list", params={"pageSize": 50})
    soup = BeautifulSoup(response.text, "html.parser")
    row = soup.select_one(f"tr[data-sa-pk='{articles['resellers'].id}']")

    assert response.status_code == 200
    cells = {
        td["data-column"]: td.get_text(" ", strip=True) for td in row.select("td[data-column]")
    }
    assert (cells["product"], cells["audience"], cells["language"]) == (
        "Payroll Cloud",
        "resellers only",
        "Italian",
    )
    assert "body" not in cells  # long text: on the article's page only


@pytest.mark.parametrize("url", ["/admin/kb", "/admin/kb?q=cedolino", "/admin/knowledge/list"])
def test_a_request_without_a_session_is_sent_to_the_login_page(
    client: TestClient, session: Session, url: str
) -> None:
    response = client.get(url, follow_redirects=False)

    assert response.status_code == 303
    assert "/admin/login" in response.headers["location"]
    assert fresh(session).scalar(select(func.count(SearchLog.id))) == 0


def test_an_operator_edits_an_article_but_only_a_supervisor_creates_one(
    client: TestClient, personas: Personas, session: Session
) -> None:
    made = _article(session, "Stampa")
    log_in(client, "olivia")
    form = client.get(f"/admin/knowledge/edit?pk={made.id}")
    values = {
        "title": "Stampa del cedolino",
        "product_line": "Payroll",
        "product": "Payroll Cloud",
        "audience": "public",
        "language": "it",
        "body": "Nuovo testo.",
        "version": "1",
        "csrftoken": csrf_token(form.text),
    }

    edited = client.post(f"/admin/knowledge/edit?pk={made.id}", data=values, follow_redirects=False)
    created = client.post("/admin/knowledge/create", data=values, follow_redirects=False)

    assert edited.status_code == 303
    assert created.status_code == 403
    fresh(session).refresh(made)
    assert (made.title, made.version) == ("Stampa del cedolino", 2)
    assert fresh(session).scalar(select(func.count(KnowledgeArticle.id))) == 1
    assert [h.article.id for h in _search(session, "nuovo")] == [made.id]


def test_a_supervisor_creates_an_article_that_the_search_finds(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "sam")
    form = client.get("/admin/knowledge/create")

    response = client.post(
        "/admin/knowledge/create",
        data={
            "title": "Payslip in PDF",
            "product_line": "Payroll",
            "product": "Payroll Cloud",
            "audience": "resellers",
            "language": "en",
            "body": "Print it.",
            "csrftoken": csrf_token(form.text),
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    made = fresh(session).scalars(select(KnowledgeArticle)).one()
    assert made.audience == ArticleAudience.RESELLERS
    assert _search(session, "payslip", language="en", audience="public") == []
    assert [h.article.id for h in _search(session, "payslip", "en", "resellers")] == [made.id]


def _search(
    session: Session, query: str, language: str = "it", audience: str = "public"
) -> list[Any]:
    return search(fresh(session), query, language=language, audience=audience).hits
