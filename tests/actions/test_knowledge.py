"""Knowledge-base search: ranking, filters, quoting of what was typed, the search log,
frequent searches; and article bodies rendered safely."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.errors import Refused
from actions.knowledge import frequent_searches, products, render_markdown, search
from models import ArticleAudience, KnowledgeArticle, SearchLog

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
FILLER = [  # articles that share no word with the searches: the index's statistics need them
    ("Configurare la stampante", "Installare il driver della stampante di rete."),
    ("Backup giornaliero", "Il backup parte ogni notte alle due."),
    ("Cambio password", "La password scade ogni novanta giorni."),
    ("Anagrafica dipendenti", "Inserire codice fiscale e indirizzo del dipendente."),
]


def article(session: Session, title: str, body: str = "", **values: Any) -> KnowledgeArticle:
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
def filler(session: Session) -> list[KnowledgeArticle]:
    return [article(session, title, body) for title, body in FILLER]


def ids(session: Session, query: str, **filters: Any) -> list[int]:
    filters.setdefault("language", "it")
    return [hit.article.id for hit in search(session, query, **filters).hits]


# --- ranking and filters -----------------------------------------------------------------


def test_a_title_match_outranks_a_body_only_match(session: Session, filler: Any) -> None:
    in_body = article(session, "Chiusura del mese", "Prima chiudere il mese, poi il cedolino.")
    in_title = article(session, "Il cedolino", "Istruzioni generali per il mese.")

    result = search(session, "cedolino", language="it")

    assert [hit.article.id for hit in result.hits] == [in_title.id, in_body.id]
    assert result.hits[0].rank > result.hits[1].rank


def test_an_article_needs_every_word_typed(session: Session, filler: Any) -> None:
    both = article(session, "Stampa del cedolino", "Stampare il cedolino in PDF.")
    article(session, "Cedolino", "Correggere una voce del cedolino.")

    assert ids(session, "cedolino pdf") == [both.id]


def test_the_product_filter_keeps_that_product_only(session: Session, filler: Any) -> None:
    cloud = article(session, "Cedolino in PDF", product="Payroll Cloud")
    article(session, "Cedolino su carta", product="Payroll Desktop")

    assert ids(session, "cedolino", product="Payroll Cloud") == [cloud.id]


def test_a_resellers_only_article_is_never_in_a_public_search(
    session: Session, filler: Any
) -> None:
    public = article(session, "Licenza del cliente")
    article(session, "Licenza: listino rivenditori", audience=ArticleAudience.RESELLERS)

    assert ids(session, "licenza") == [public.id]
    assert ids(session, "licenza", audience="public") == [public.id]


def test_a_resellers_search_shows_public_and_resellers_articles(
    session: Session, filler: Any
) -> None:
    public = article(session, "Licenza del cliente")
    resellers = article(session, "Licenza rivenditori", audience=ArticleAudience.RESELLERS)

    assert set(ids(session, "licenza", audience="resellers")) == {public.id, resellers.id}


def test_only_articles_in_the_language_asked_for_are_found(session: Session, filler: Any) -> None:
    italian = article(session, "Cedolino in PDF", language="it")
    english = article(session, "Payslip as PDF", language="en")
    article(session, "Bulletin de paie", language="fr")

    assert ids(session, "pdf", language="it") == [italian.id]
    assert ids(session, "pdf", language="en") == [english.id]
    assert ids(session, "pdf", language="nl") == []


def test_the_snippet_shows_the_words_found_and_nothing_of_the_markup(
    session: Session, filler: Any
) -> None:
    article(session, "Stampa", "Dal menu **Stampa** scegliere <b>il mese</b>: poi il cedolino.")

    snippet = search(session, "cedolino", language="it").hits[0].snippet
    soup = BeautifulSoup(str(snippet), "html.parser")

    assert [mark.text for mark in soup.find_all("mark")] == ["cedolino"]
    assert soup.find("b") is None  # the article's own HTML is shown as text
    assert "**" not in soup.text


def test_the_products_offered_are_those_with_articles(session: Session) -> None:
    article(session, "a", product_line="Payroll", product="Payroll Cloud")
    article(session, "b", product_line="Accounting", product="E-invoicing")
    article(session, "c", product_line="Payroll", product="Payroll Cloud")

    assert products(session) == [("Accounting", "E-invoicing"), ("Payroll", "Payroll Cloud")]


# --- what is typed is words, never query syntax -----------------------------------------

INJECTIONS = [
    ('cedolino" OR "fattura', "cedolino fattura"),
    ("cedolino OR fattura", "cedolino fattura"),
    ("title:*", "title"),
    ("title:cedolino", "title cedolino"),
    ("NEAR(cedolino fattura)", "near cedolino fattura"),
    ("NEAR(", "near"),
    ("cedol*", "cedol"),
    ("cedolino NOT fattura", "cedolino not fattura"),
    ("-fattura cedolino", "fattura cedolino"),
    ("{title body}: cedolino", "title body cedolino"),
    ("cedolino'); DROP TABLE knowledge_article; --", "cedolino drop table knowledge_article"),
    ("cedolino & fattura | !x :*", "cedolino fattura x"),
]


@pytest.mark.parametrize(("typed", "as_words"), INJECTIONS)
def test_query_syntax_typed_is_searched_as_words_and_never_widens_the_results(
    session: Session, filler: Any, typed: str, as_words: str
) -> None:
    article(session, "Stampa del cedolino", "Stampare il cedolino in PDF.")
    article(session, "Fattura scartata", "La fattura elettronica è stata scartata.")

    found = ids(session, typed)

    assert set(found) <= set(ids(session, as_words))
    assert found == []  # no article has all the words: nothing was read as an operator
    assert session.scalar(select(func.count(KnowledgeArticle.id))) == len(FILLER) + 2


def test_a_word_with_quotes_inside_is_still_found(session: Session, filler: Any) -> None:
    found = article(session, "Errore sul cedolino", "Il cedolino non si stampa.")

    assert ids(session, '"cedolino"') == [found.id]
    assert ids(session, 'cedo"lino') == []


@pytest.mark.parametrize("typed", ["", "   ", '" * "', "()", "-- :"])
def test_a_search_without_any_word_is_refused_and_not_logged(session: Session, typed: str) -> None:
    with pytest.raises(Refused, match="at least one word") as refusal:
        search(session, typed, language="it")

    assert refusal.value.field == "q"
    assert session.scalar(select(func.count(SearchLog.id))) == 0


def test_a_search_of_two_hundred_characters_is_the_longest_accepted(session: Session) -> None:
    search(session, "a" * 200, language="it")

    with pytest.raises(Refused, match="shorter"):
        search(session, "a" * 201, language="it")


def test_a_language_without_articles_is_refused(session: Session) -> None:
    with pytest.raises(Refused, match="language") as refusal:
        search(session, "cedolino", language="de")

    assert refusal.value.field == "language"


def test_an_unknown_audience_is_refused(session: Session) -> None:
    with pytest.raises(Refused, match="public or resellers"):
        search(session, "cedolino", language="it", audience="everyone")


# --- the search log ----------------------------------------------------------------------


def test_every_search_is_logged_with_the_articles_shown_in_order(
    session: Session, filler: Any
) -> None:
    in_body = article(session, "Chiusura", "Prima chiudere il mese, poi il cedolino.")
    in_title = article(session, "Il cedolino", "Istruzioni.")

    result = search(
        session,
        "  Cedolino ",
        language="it",
        audience="resellers",
        product="Payroll Cloud",
        operator_username="olivia",
    )
    session.commit()

    log = session.get_one(SearchLog, result.search_log_id)
    assert log.hit_ids == [in_title.id, in_body.id]
    assert (log.query, log.query_key) == ("Cedolino", "cedolino")
    assert (log.language, log.audience, log.product) == (
        "it",
        ArticleAudience.RESELLERS,
        "Payroll Cloud",
    )
    assert log.operator_username == "olivia"


def test_a_search_that_finds_nothing_is_logged_too(session: Session, filler: Any) -> None:
    first = search(session, "cedolino", language="it")
    second = search(session, "cedolino", language="it")
    session.commit()

    assert first.search_log_id != second.search_log_id
    assert [log.hit_ids for log in session.scalars(select(SearchLog))] == [[], []]


# --- frequent searches -------------------------------------------------------------------


def logged(session: Session, query: str, ago: dt.timedelta, language: str = "it") -> None:
    session.add(
        SearchLog(
            query=query,
            audience=ArticleAudience.PUBLIC,
            language=language,
            hit_ids=[],
            created_at=NOW - ago,
        )
    )
    session.commit()


def frequent(session: Session, **kwargs: Any) -> list[tuple[str, int]]:
    return [(f.query, f.count) for f in frequent_searches(session, now=NOW, **kwargs)]


def test_frequent_searches_come_most_frequent_first(session: Session) -> None:
    for query, times in (("fattura", 1), ("cedolino", 3), ("licenza", 2)):
        for _ in range(times):
            logged(session, query, dt.timedelta(days=1))

    assert frequent(session) == [("cedolino", 3), ("licenza", 2), ("fattura", 1)]
    assert frequent(session, limit=2) == [("cedolino", 3), ("licenza", 2)]


def test_the_same_words_in_another_case_or_spacing_count_together(session: Session) -> None:
    for query in ("Cedolino PDF", "cedolino  pdf", " CEDOLINO pdf ", "cedolino"):
        logged(session, query, dt.timedelta(hours=2))

    assert frequent(session) == [("cedolino pdf", 3), ("cedolino", 1)]


def test_a_search_exactly_thirty_days_old_counts_and_one_a_second_older_does_not(
    session: Session,
) -> None:
    logged(session, "at the limit", dt.timedelta(days=30))
    logged(session, "too old", dt.timedelta(days=30, seconds=1))

    assert frequent(session) == [("at the limit", 1)]


def test_ties_go_to_the_most_recent_search(session: Session) -> None:
    logged(session, "older", dt.timedelta(days=3))
    logged(session, "newer", dt.timedelta(days=1))

    assert frequent(session) == [("newer", 1), ("older", 1)]


def test_frequent_searches_can_be_those_of_one_language(session: Session) -> None:
    logged(session, "payslip", dt.timedelta(days=1), language="en")
    logged(session, "cedolino", dt.timedelta(days=1), language="it")

    assert frequent(session, language="en") == [("payslip", 1)]


def test_searches_run_through_search_are_counted(session: Session, filler: Any) -> None:
    search(session, "Stampante", language="it")
    search(session, "stampante ", language="it")
    session.commit()

    assert [(f.query, f.count) for f in frequent_searches(session)] == [("stampante", 2)]


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_is_rendered(session: Session) -> None:
    html = render_markdown(
        "# Title\n\n**bold** and [a link](https://example.org)\n\n| a |\n|---|\n| 1 |"
    )
    soup = BeautifulSoup(str(html), "html.parser")

    assert soup.h1.text == "Title"
    assert soup.strong.text == "bold"
    assert soup.a["href"] == "https://example.org"
    assert soup.table is not None


UNSAFE = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "[x](javascript:alert(1))",
    '<div onmouseover="alert(1)">x</div>',
    "<iframe src='https://example.org'></iframe>",
    "<style>body { display: none }</style>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
]


@pytest.mark.parametrize("body", UNSAFE)
def test_markdown_is_sanitised(body: str) -> None:
    soup = BeautifulSoup(str(render_markdown(body)), "html.parser")

    assert soup.find(["script", "iframe", "style"]) is None
    for tag in soup.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")]
        assert "javascript" not in str(tag.get("href", "")).lower()
    assert "alert" not in str(soup.find("a") or "")
