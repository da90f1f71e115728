"""Knowledge-base search: ranked by the database's full-text index, filtered by language,
audience and product, and logged; the frequent searches; article bodies rendered safely.

The index is the one migration 0006 builds (see `models/knowledge_index.py`): FTS5 ranked
with bm25() on SQLite, a tsvector in the article's language ranked with ts_rank_cd() on
PostgreSQL. Either way the words typed are bound parameters, never SQL: on SQLite each word
also becomes a quoted FTS5 string, so quotes, `*`, `:`, `-`, `(`, `OR`, `NEAR` and the like
are words to look for, never query syntax. Every word must be found (AND).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from actions.errors import Refused
from admin.i18n import N_
from models import ArticleAudience, KnowledgeArticle, SearchLog, utcnow
from models.knowledge import ARTICLE_LANGUAGES
from models.knowledge_index import POSTGRESQL_COLUMN, SQLITE_FTS_TABLE

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12  # words after the twelfth are not searched for
FREQUENT_DAYS = 30
# bm25() weights per FTS5 column (title, body); PostgreSQL weighs title A (1.0), body B (0.4).
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
SNIPPET_WORDS = 16
# Where the index marks a matched word in a snippet: control characters no article
# contains, replaced by <mark> once the snippet is escaped.
MARK_START, MARK_END = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS + 8}, "
    f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, FragmentDelimiter=…"
)
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_WORD = re.compile(r"\w+")
# Markdown that would show as punctuation in a snippet: emphasis, code, link targets, and
# heading and quote marks at the start of a line.
_MARKUP = re.compile(r"\]\([^)\s]*\)?|[*`\[\]]+|^[ \t]*[#>]+", re.MULTILINE)
_markdown = MarkdownIt("commonmark", {"html": True}).enable("table")


@dataclass(frozen=True)
class Hit:
    article: KnowledgeArticle
    rank: float  # higher is better; comparable within one search only
    snippet: Markup  # a few words of the body around the match, matches in <mark>


@dataclass(frozen=True)
class SearchResult:
    search_log_id: int
    query: str
    hits: list[Hit]


@dataclass(frozen=True)
class FrequentSearch:
    query: str  # normalised: lower case, single spaces
    count: int


def terms(query: str) -> list[str]:
    """The words of a search as typed: letters and digits, punctuation dropped."""
    return _WORD.findall(query)[:MAX_TERMS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression that only ever means "all these words": each is a quoted
    string (inner quotes doubled), so no operator, column filter or prefix can get in."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def search(
    session: Session,
    query: str,
    *,
    language: str,
    audience: ArticleAudience | str = ArticleAudience.PUBLIC,
    product: str | None = None,
    operator_username: str | None = None,
    limit: int = 10,
) -> SearchResult:
    """The articles in `language` that contain every word of `query`, best first.

    A public search never shows a resellers-only article; a resellers search shows both.
    Every search is logged with the ids shown, in order (the caller commits). Refused: a
    query without any word, a query of more than 200 characters, a language the knowledge
    base has no articles in.
    """
    text = " ".join(query.split())
    words = terms(text)
    if not words:
        raise Refused(
            N_("Type at least one word to search for, e.g. a product or an error message."),
            field="q",
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise Refused(
            N_("Type a shorter search: at most %(max)s characters."),
            field="q",
            max=MAX_QUERY_LENGTH,
        )
    if language not in ARTICLE_LANGUAGES:
        raise Refused(
            N_("Choose the language of the articles: Italian, French, Dutch or English."),
            field="language",
        )
    audience = _audience(audience)
    ranked = _ranked_ids(session, words, language, audience, product or None, limit)
    snippets = _snippets(session, words, language, [article_id for article_id, _ in ranked])
    articles = {a.id: a for a in session.scalars(select(KnowledgeArticle).where(_in(ranked)))}
    hits = [
        Hit(articles[article_id], rank, _highlighted(snippets.get(article_id, "")))
        for article_id, rank in ranked
    ]
    log = SearchLog(
        query=text,
        product=product or None,
        audience=audience,
        language=language,
        hit_ids=[hit.article.id for hit in hits],
        operator_username=operator_username,
    )
    session.add(log)
    session.flush()
    return SearchResult(log.id, text, hits)


def _audience(value: ArticleAudience | str) -> ArticleAudience:
    try:
        return ArticleAudience(value)
    except ValueError:
        raise Refused(
            N_("Choose who the answer is for: the public or resellers."), field="audience"
        ) from None


def _in(ranked: list[tuple[int, float]]) -> ColumnElement[bool]:
    return KnowledgeArticle.id.in_([article_id for article_id, _ in ranked])


def _filters(
    statement: Select[int, float],
    language: str,
    audience: ArticleAudience,
    product: str | None,
) -> Select[int, float]:
    statement = statement.where(KnowledgeArticle.language == language)
    if audience == ArticleAudience.PUBLIC:
        statement = statement.where(KnowledgeArticle.audience == ArticleAudience.PUBLIC)
    if product is not None:
        statement = statement.where(KnowledgeArticle.product == product)
    return statement


def _ranked_ids(
    session: Session,
    words: list[str],
    language: str,
    audience: ArticleAudience,
    product: str | None,
    limit: int,
) -> list[tuple[int, float]]:
    if session.get_bind().dialect.name == "postgresql":
        tsquery = _tsquery(words, language)
        rank = func.ts_rank_cd(_document(), tsquery)
        statement = select(KnowledgeArticle.id, rank.label("rank")).where(
            _document().op("@@")(tsquery)
        )
        order = rank.desc()
    else:
        fts = table(SQLITE_FTS_TABLE)
        index: ColumnClause[Any] = literal_column(SQLITE_FTS_TABLE)
        bm25 = func.bm25(index, TITLE_WEIGHT, BODY_WEIGHT)  # lower is better
        statement = (
            select(KnowledgeArticle.id, (-bm25).label("rank"))
            .join(fts, literal_column(f"{SQLITE_FTS_TABLE}.rowid") == KnowledgeArticle.id)
            .where(index.op("MATCH")(fts5_query(words)))
        )
        order = bm25.asc()
    statement = _filters(statement, language, audience, product)
    rows = session.execute(statement.order_by(order, KnowledgeArticle.id).limit(limit))
    return [(article_id, float(rank)) for article_id, rank in rows]


def _document() -> ColumnElement[object]:
    return literal_column(f"knowledge_article.{POSTGRESQL_COLUMN}")


def _tsquery(words: list[str], language: str) -> ColumnElement[object]:
    """plainto_tsquery reads its text as plain words in the language's configuration
    (stemmed, stop words dropped), joined by AND: it has no operators to inject."""
    return func.plainto_tsquery(func.knowledge_search_config(language), " ".join(words))


def _snippets(session: Session, words: list[str], language: str, ids: list[int]) -> dict[int, str]:
    """Snippets for the articles shown only: computing one per match would cost more than
    the search."""
    if not ids:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        headline = func.ts_headline(
            func.knowledge_search_config(language),
            KnowledgeArticle.body,
            _tsquery(words, language),
            HEADLINE_OPTIONS,
        )
        statement = select(KnowledgeArticle.id, headline).where(KnowledgeArticle.id.in_(ids))
    else:
        index: ColumnClause[Any] = literal_column(SQLITE_FTS_TABLE)
        snippet = func.snippet(index, 1, MARK_START, MARK_END, "…", SNIPPET_WORDS)
        statement = (
            select(literal_column("rowid"), snippet)
            .select_from(table(SQLITE_FTS_TABLE))
            .where(index.op("MATCH")(fts5_query(words)))
            .where(literal_column("rowid").in_(ids))
        )
    return {int(article_id): str(text or "") for article_id, text in session.execute(statement)}


def _highlighted(snippet: str) -> Markup:
    """The snippet as safe HTML: Markdown punctuation dropped, everything escaped, then the
    index's match markers turned into <mark>."""
    plain = " ".join(_MARKUP.sub("", snippet).split())
    marked = escape(plain).replace(MARK_START, Markup("<mark>"))
    return marked.replace(MARK_END, Markup("</mark>"))


def products(session: Session) -> list[tuple[str, str]]:
    """Every (product line, product) that has an article, in order: the search filter."""
    rows = session.execute(
        select(KnowledgeArticle.product_line, KnowledgeArticle.product)
        .distinct()
        .order_by(KnowledgeArticle.product_line, KnowledgeArticle.product)
    )
    return [(line, product) for line, product in rows]


def frequent_searches(
    session: Session,
    *,
    days: int = FREQUENT_DAYS,
    limit: int = 10,
    now: dt.datetime | None = None,
    language: str | None = None,
) -> list[FrequentSearch]:
    """The searches run most often in the last `days` days, the same words in any case or
    spacing counted together; ties go to the most recent.

    The window is closed at both ends: a search made exactly `days` days before `now`
    counts, one a moment older does not.
    """
    now = now or utcnow()
    since = now - dt.timedelta(days=days)
    count = func.count(SearchLog.id)
    statement = (
        select(SearchLog.query_key, count)
        .where(SearchLog.created_at >= since, SearchLog.created_at <= now)
        .group_by(SearchLog.query_key)
        .order_by(count.desc(), func.max(SearchLog.created_at).desc(), SearchLog.query_key)
        .limit(limit)
    )
    if language is not None:
        statement = statement.where(SearchLog.language == language)
    return [FrequentSearch(key, int(n)) for key, n in session.execute(statement)]


def render_markdown(body: str) -> Markup:
    """An article's Markdown as HTML that is safe to show: rendered by markdown-it (inline
    HTML allowed), then cleaned by nh3 (ammonia): no script or style, no event-handler
    attributes, links only to http, https, mailto and tel, images only served by the console
    (an image from anywhere else is shown as its text)."""
    html = _markdown.render(body or "")
    clean = nh3.clean(html, url_schemes=URL_SCHEMES, attribute_filter=_console_images)
    return Markup(IMAGE_TAG.sub(_image_or_text, clean))  # noqa: S704 (sanitised just now)


IMAGE_TAG = re.compile(r"<img\b[^>]*>")
ALT_TEXT = re.compile(r'\salt="([^"]*)"')


def served_by_the_console(address: str) -> bool:
    """A relative address (`/static/...`, `picture.png`): no scheme, no host, also once a
    browser has read backslashes as slashes."""
    normalised = address.strip().replace("\\", "/")
    parts = urlsplit(normalised)
    return not (parts.scheme or parts.netloc or normalised.startswith("//"))


def _console_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute in ("src", "srcset"):
        return value if attribute == "src" and served_by_the_console(value) else None
    return value


def _image_or_text(match: re.Match[str]) -> str:
    """An image left without its source (it was not the console's) becomes its alt text,
    already escaped by nh3."""
    tag = match.group(0)
    if ' src="' in tag:
        return tag
    alt = ALT_TEXT.search(tag)
    return alt.group(1) if alt else ""
