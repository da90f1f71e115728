"""The knowledge base: articles the desk reads to a caller, and the log of every search.

The full-text index over title and body is not described here: it depends on the database
(an FTS5 table on SQLite, a GIN index on PostgreSQL) and lives in migration 0006, which
`actions/knowledge.py` queries.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from models.base import PLAIN, Base, Wording, str_enum, utcnow

ARTICLE_LANGUAGES = ("it", "fr", "nl", "en")


class ArticleAudience(enum.StrEnum):
    PUBLIC = "public"
    RESELLERS = "resellers"


def query_key(query: str) -> str:
    """A search as typed, without case or extra spacing: "Invoice  PDF " and "invoice pdf"
    are the same frequent search."""
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())


class KnowledgeArticle(Base):
    """An answer in one language for one product; resellers-only articles are never shown
    to a public search."""

    __tablename__ = "knowledge_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    product_line: Mapped[str] = mapped_column(String(80), index=True)
    product: Mapped[str] = mapped_column(String(80), index=True)
    audience: Mapped[ArticleAudience] = mapped_column(
        str_enum(ArticleAudience, "article_audience"), default=ArticleAudience.PUBLIC
    )
    language: Mapped[str] = mapped_column(String(2), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("language IN ('it', 'fr', 'nl', 'en')", name="language"),)

    def __str__(self) -> str:
        return self.title

    def label(self, words: Wording = PLAIN) -> str:
        return self.title


class SearchLog(Base):
    """One search as it was run and what it showed, in order: it feeds "frequent searches"
    and is what a ticket opened after a search refers to."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    query_key: Mapped[str] = mapped_column(String(200), index=True)  # derived
    product: Mapped[str | None] = mapped_column(String(80))
    audience: Mapped[ArticleAudience] = mapped_column(str_enum(ArticleAudience, "article_audience"))
    language: Mapped[str] = mapped_column(String(2))
    hit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    operator_username: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    __audited__ = False  # a search changes nothing: this row is its own record

    def __str__(self) -> str:
        return f"#{self.id} {self.query}"

    def label(self, words: Wording = PLAIN) -> str:
        return f"“{self.query}” {words.when(self.created_at)}"


@event.listens_for(SearchLog, "before_insert")
@event.listens_for(SearchLog, "before_update")
def _keep_query_key(_mapper: Any, _connection: Any, log: SearchLog) -> None:
    log.query_key = query_key(log.query)
