"""Knowledge-base search on the full-text index against ILIKE '%term%' scans, on generated
articles.

Generates N articles (default 100,000) in a migrated SQLite file, or in the PostgreSQL
database named by --database-url: titles and bodies drawn from a generated vocabulary per
language (Italian, French, Dutch, English; a few real words and thousands of made-up ones,
with a Zipf distribution, so that some words are in most articles and most words in few),
spread over two product lines, four products and both audiences. Then runs varied searches
(one to three words, common and rare, with and without a product filter, public and
resellers) through `actions.knowledge.search`, and, as the baseline, the same searches the
way a generic admin does them: every word `ILIKE '%word%'` on title or body, same filters,
first 10 rows, no ranking. Prints the median and the 95th percentile of each and the ratio.

    .venv/bin/python bench/knowledge_search.py [--articles 100000] [--searches 200]
        [--baseline-searches 200] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, and_, insert, or_, select, text
from sqlalchemy.orm import Session

from actions.knowledge import search
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from models import ArticleAudience, KnowledgeArticle

REAL_WORDS = {
    "it": "cedolino fattura stampa errore licenza chiusura mese contabilità paghe dipendente "
    "codice fiscale registrazione password accesso bilancio iva ritenuta scarto invio",
    "fr": "bulletin paie facture impression erreur licence clôture mois comptabilité salarié "
    "code accès inscription mot passe bilan tva retenue rejet envoi",
    "nl": "loonstrook factuur afdrukken fout licentie afsluiting maand boekhouding werknemer "
    "code toegang registratie wachtwoord balans btw inhouding afwijzing verzending",
    "en": "payslip invoice print error licence closing month accounting employee code access "
    "registration password balance vat withholding rejection sending",
}
SYLLABLES = {
    "it": "ca to ri ne la mo ve si po ta gli zio ce de ra lu fi na be co",
    "fr": "ment eau ou te re la ge on ai que bi pe ra ni che lo ve dé su an",
    "nl": "ge ij oe aa ver sch en kt be ui ho la ni rd ee st wo ka lo ve",
    "en": "ing ter re con ate ble pro ly ment tion er in com de sub ex per al ab un",
}
LANGUAGES = tuple(REAL_WORDS)
PRODUCTS = [
    ("Payroll", "Payroll Cloud"),
    ("Payroll", "Payroll Desktop"),
    ("Accounting", "Accounting Cloud"),
    ("Accounting", "E-invoicing"),
]
WORDS_PER_LANGUAGE = 8_000
BATCH = 5_000


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    cumulative: list[float]  # Zipf: the word of rank r is drawn with weight 1 / r

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def vocabulary(language: str, rng: random.Random) -> Vocabulary:
    words = dict.fromkeys(REAL_WORDS[language].split())
    syllables = SYLLABLES[language].split()
    while len(words) < WORDS_PER_LANGUAGE:
        words["".join(rng.choices(syllables, k=rng.randint(2, 4)))] = None
    ranked = list(words)
    rng.shuffle(ranked)
    return Vocabulary(ranked, list(itertools.accumulate(1 / r for r in range(1, len(ranked) + 1))))


def sentence(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


def body(vocab: Vocabulary, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        sentences = [
            sentence(vocab.draw(rng, rng.randint(6, 14))) for _ in range(rng.randint(2, 5))
        ]
        paragraphs.append(" ".join(sentences))
    if rng.random() < 0.3:
        paragraphs.append("\n".join(f"1. **{w}**" for w in vocab.draw(rng, 3)))
    return "\n\n".join(paragraphs)


def populate(engine: Engine, articles: int, vocabularies: dict[str, Vocabulary], seed: int) -> None:
    rng = random.Random(seed)
    created = dt.datetime(2026, 1, 1)
    for start in range(0, articles, BATCH):
        rows = []
        for _ in range(start, min(start + BATCH, articles)):
            language = rng.choice(LANGUAGES)
            line, product = rng.choice(PRODUCTS)
            vocab = vocabularies[language]
            rows.append(
                {
                    "title": sentence(vocab.draw(rng, rng.randint(3, 8)))[:200],
                    "body": body(vocab, rng),
                    "product_line": line,
                    "product": product,
                    "audience": "resellers" if rng.random() < 0.2 else "public",
                    "language": language,
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }
            )
        with engine.begin() as conn:  # bulk load: the index is kept by the database itself
            conn.execute(insert(KnowledgeArticle.__table__), rows)
        print(f"  {min(start + BATCH, articles):>9} articles", end="\r", flush=True)
    # The state a live database settles in: statistics gathered and, on PostgreSQL, the GIN
    # index's pending entries merged (autovacuum's work).
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(maintenance))
    print()


@dataclass(frozen=True)
class Query:
    kind: str
    words: str
    language: str
    audience: str
    product: str | None


KINDS = ("frequent words", "rare words")


def queries(vocabularies: dict[str, Vocabulary], count: int, rng: random.Random) -> list[Query]:
    """Half of frequent words (drawn as often as articles use them: some are in most
    articles), half of rare ones (drawn uniformly from the vocabulary); one to three."""
    found = []
    for number in range(count):
        kind = KINDS[number % 2]
        language = rng.choice(LANGUAGES)
        vocab = vocabularies[language]
        size = rng.choice((1, 1, 2, 2, 3))
        words = vocab.draw(rng, size) if kind == KINDS[0] else rng.sample(vocab.words, size)
        found.append(
            Query(
                kind,
                " ".join(words),
                language,
                "resellers" if rng.random() < 0.3 else "public",
                rng.choice(PRODUCTS)[1] if rng.random() < 0.3 else None,
            )
        )
    return found


def ours(session: Session, query: Query) -> int:
    result = search(
        session,
        query.words,
        language=query.language,
        audience=query.audience,
        product=query.product,
        operator_username="bench",
    )
    return len(result.hits)


def baseline(session: Session, query: Query) -> int:
    """What a generic admin search does: each word ILIKE '%word%' on title or body."""
    conditions = [
        or_(KnowledgeArticle.title.ilike(f"%{w}%"), KnowledgeArticle.body.ilike(f"%{w}%"))
        for w in query.words.split()
    ]
    statement = select(KnowledgeArticle.id).where(
        and_(*conditions), KnowledgeArticle.language == query.language
    )
    if query.audience == ArticleAudience.PUBLIC.value:
        statement = statement.where(KnowledgeArticle.audience == ArticleAudience.PUBLIC)
    if query.product:
        statement = statement.where(KnowledgeArticle.product == query.product)
    return len(session.scalars(statement.limit(10)).all())


def timed(session: Session, fn: Callable[[Session, Query], int], query: Query) -> float:
    started = time.perf_counter()
    fn(session, query)
    elapsed = time.perf_counter() - started
    session.commit()  # the search log row, outside the timing
    return elapsed


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--baseline-searches", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    rng = random.Random(11)
    vocabularies = {language: vocabulary(language, rng) for language in LANGUAGES}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/knowledge.db"
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        populate(engine, args.articles, vocabularies, seed=5)
        print(
            f"generated {args.articles} articles in {time.perf_counter() - started:.0f} s "
            f"({engine.dialect.name}, {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores)"
        )
        session = make_sessionmaker(engine)()
        searches = queries(vocabularies, args.searches, rng)
        for query in searches[:5]:  # warm the caches of both
            ours(session, query)
            baseline(session, query)
        session.rollback()
        hits = [ours(session, q) for q in searches]
        session.rollback()
        mine = [timed(session, ours, q) for q in searches]
        scans = [timed(session, baseline, q) for q in searches[: args.baseline_searches]]
        print(
            f"{len(searches)} searches, {sum(1 for h in hits if h)} with hits, "
            f"{statistics.mean(hits):.1f} hits on average (at most 10)"
        )
        print(
            f"{'searches':<22}{'full-text median':>18}{'p95':>10}{'ILIKE median':>14}{'p95':>10}{'ratio':>8}"
        )
        for kind in (*KINDS, "all"):
            chosen = [i for i, q in enumerate(searches) if kind in (q.kind, "all")]
            ours_ms = [mine[i] * 1000 for i in chosen]
            scan_ms = [scans[i] * 1000 for i in chosen if i < len(scans)]
            ratio = statistics.median(scan_ms) / statistics.median(ours_ms)
            print(
                f"{kind:<22}{statistics.median(ours_ms):>16.2f}ms{p95(ours_ms):>8.2f}ms"
                f"{statistics.median(scan_ms):>12.2f}ms{p95(scan_ms):>8.2f}ms{ratio:>7.1f}x"
            )
        print(
            "ratio = ILIKE median / full-text median. The full-text search ranks every match, "
            "makes the snippets and logs the search; the scan stops at its first 10 rows, "
            "unranked, and also matches parts of words."
        )
        session.close()
        engine.dispose()


if __name__ == "__main__":
    main()
