"""The knowledge base's full-text index: database objects that no model describes.

Migration 0006 builds them, one design per database:

- SQLite: the FTS5 table `knowledge_article_fts` over `knowledge_article` (external content,
  kept in step by triggers) and the shadow tables FTS5 keeps beside it;
- PostgreSQL: the stored generated column `knowledge_article.search_document` (a tsvector
  in the text-search configuration of the article's language), the GIN index
  `ix_knowledge_article_search` over it and the function `knowledge_search_config()`.

Comparing the models with a database (autogenerate, the migrations-match-the-models test)
would propose to drop them. `leave_out_of_comparisons()` registers an Alembic comparator that
leaves them out; migration 0006 calls it when Alembic loads it, which every Alembic command
and every migrated test database does before comparing. It imports Alembic's autogenerate
only then: the console itself never loads it.

A later migration that rebuilds `knowledge_article` on SQLite (batch mode copying the table)
drops the three triggers with it: it must create them again, as 0006 does, and end with
`INSERT INTO knowledge_article_fts (knowledge_article_fts) VALUES ('rebuild')`.
"""

from __future__ import annotations

import functools
from typing import Any

SQLITE_FTS_TABLE = "knowledge_article_fts"
SQLITE_TABLES = frozenset(
    {SQLITE_FTS_TABLE}
    | {f"{SQLITE_FTS_TABLE}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")}
)
POSTGRESQL_COLUMN = "search_document"
POSTGRESQL_INDEX = "ix_knowledge_article_search"


@functools.cache  # once per process, however often Alembic loads the migration
def leave_out_of_comparisons() -> None:
    """Register the comparator that drops these objects from what autogenerate proposes."""
    from alembic.autogenerate import comparators
    from alembic.util import DispatchPriority

    comparators.dispatch_for("schema", priority=DispatchPriority.LAST)(_leave_out_search_index)


def _is_index_object(operation: Any) -> bool:
    from alembic.operations import ops

    if isinstance(operation, ops.DropTableOp):
        return operation.table_name in SQLITE_TABLES
    if isinstance(operation, ops.DropIndexOp):
        return operation.index_name == POSTGRESQL_INDEX
    if isinstance(operation, ops.DropColumnOp):
        return (operation.table_name, operation.column_name) == (
            "knowledge_article",
            POSTGRESQL_COLUMN,
        )
    return False


def _without_index_objects(container: Any) -> None:
    from alembic.operations import ops

    kept = []
    for operation in container.ops:
        if _is_index_object(operation):
            continue
        if isinstance(operation, ops.OpContainer):
            _without_index_objects(operation)
            if operation.is_empty():
                continue
        kept.append(operation)
    container.ops = kept


def _leave_out_search_index(_autogen_context: Any, upgrade_ops: Any, _schemas: Any) -> Any:
    from alembic.util import PriorityDispatchResult

    _without_index_objects(upgrade_ops)
    return PriorityDispatchResult.CONTINUE
