"""knowledge base: articles, their full-text index, and the search log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000

The full-text index depends on the database:

- SQLite: `knowledge_article_fts`, an FTS5 table whose content is `knowledge_article`
  (external content: title and body are stored once), kept in step by three triggers;
  queries rank with bm25().
- PostgreSQL: `knowledge_article.search_document`, a stored generated tsvector column (title
  weighted A, body B) parsed with the text-search configuration of the article's language
  (`knowledge_search_config()`: it → italian, fr → french, nl → dutch, en → english), and a
  GIN index over it; queries rank with ts_rank_cd().
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base
from models.knowledge_index import leave_out_of_comparisons


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# These objects are not in the models: autogenerate must not propose to drop them.
leave_out_of_comparisons()


SQLITE_UP = [
    """
    CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(
        title, body,
        content='knowledge_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER knowledge_article_fts_insert AFTER INSERT ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts (rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER knowledge_article_fts_delete AFTER DELETE ON knowledge_article BEGIN
        INSERT INTO knowledge_article_fts (knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER knowledge_article_fts_update AFTER UPDATE OF title, body ON knowledge_article
    BEGIN
        INSERT INTO knowledge_article_fts (knowledge_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_article_fts (rowid, title, body)
        VALUES (new.id, new.title, new.body);
    END
    """,
    "INSERT INTO knowledge_article_fts (knowledge_article_fts) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowledge_article_fts_update",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_article_fts_insert",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]

POSTGRESQL_UP = [
    """
    CREATE FUNCTION knowledge_search_config(language varchar) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE language
            WHEN 'it' THEN 'pg_catalog.italian'::regconfig
            WHEN 'fr' THEN 'pg_catalog.french'::regconfig
            WHEN 'nl' THEN 'pg_catalog.dutch'::regconfig
            WHEN 'en' THEN 'pg_catalog.english'::regconfig
            ELSE 'pg_catalog.simple'::regconfig
        END
    $$
    """,
    """
    ALTER TABLE knowledge_article ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(knowledge_search_config(language), title), 'A')
        || setweight(to_tsvector(knowledge_search_config(language), body), 'B')
    ) STORED
    """,
    "CREATE INDEX ix_knowledge_article_search ON knowledge_article USING gin (search_document)",
]

POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_knowledge_article_search",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS knowledge_search_config(varchar)",
]


def upgrade() -> None:
    op.create_table('knowledge_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('product_line', sa.String(length=80), nullable=False),
    sa.Column('product', sa.String(length=80), nullable=False),
    sa.Column('audience', sa.Enum('public', 'resellers', name='article_audience', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("language IN ('it', 'fr', 'nl', 'en')", name=op.f('ck_knowledge_article_language')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_article'))
    )
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_article_product'), ['product'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_article_product_line'), ['product_line'], unique=False)

    op.create_table('search_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('query_key', sa.String(length=200), nullable=False),
    sa.Column('product', sa.String(length=80), nullable=True),
    sa.Column('audience', sa.Enum('public', 'resellers', name='article_audience', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('hit_ids', sa.JSON(), nullable=False),
    sa.Column('operator_username', sa.String(length=64), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log'))
    )
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_log_query_key'), ['query_key'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}.get(dialect, []):
        op.execute(statement)

    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_log_query_key'))
        batch_op.drop_index(batch_op.f('ix_search_log_created_at'))

    op.drop_table('search_log')
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_product_line'))
        batch_op.drop_index(batch_op.f('ix_knowledge_article_product'))
        batch_op.drop_index(batch_op.f('ix_knowledge_article_language'))

    op.drop_table('knowledge_article')
