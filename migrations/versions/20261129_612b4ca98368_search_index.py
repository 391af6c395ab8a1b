"""Search: the index table, SQLite's FTS5 tables and triggers, PostgreSQL's GIN indexes.

The index is filled by the app (``app.search.index``): at its next start the empty
``search_fingerprint`` makes it index every public article.

Revision ID: 612b4ca98368
Revises: 8c354b055db7
Create Date: 2026-11-29 07:26:04.743014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = "612b4ca98368"
down_revision: str | None = "8c354b055db7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The analysed texts are terms of letters and digits separated by single spaces: unicode61
# reads them back as they are (no diacritics removed: analysis decided what to fold).
_FTS5_TABLE = """
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, summary, body,
    content='article_search', content_rowid='article_id',
    tokenize='unicode61 remove_diacritics 0'
)
"""
# Title suggestions match the beginnings of words: prefix indexes for 2 and 3 characters
# answer the first keystrokes without walking every term.
_SUGGEST_TABLE = """
CREATE VIRTUAL TABLE article_suggest USING fts5(
    title_words,
    content='article_search', content_rowid='article_id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3'
)
"""
_ADD = """
    INSERT INTO article_fts(rowid, title, summary, body)
    VALUES (new.article_id, new.title, new.summary, new.body);
    INSERT INTO article_suggest(rowid, title_words) VALUES (new.article_id, new.title_words);
"""
_REMOVE = """
    INSERT INTO article_fts(article_fts, rowid, title, summary, body)
    VALUES ('delete', old.article_id, old.title, old.summary, old.body);
    INSERT INTO article_suggest(article_suggest, rowid, title_words)
    VALUES ('delete', old.article_id, old.title_words);
"""
_FTS5_TRIGGERS = (
    f"CREATE TRIGGER article_search_ai AFTER INSERT ON article_search BEGIN {_ADD} END",
    f"CREATE TRIGGER article_search_ad AFTER DELETE ON article_search BEGIN {_REMOVE} END",
    f"CREATE TRIGGER article_search_au AFTER UPDATE ON article_search BEGIN {_REMOVE} {_ADD} END",
)


def upgrade() -> None:
    op.create_table(
        "article_search",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("published_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column(
            "document",
            sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "title_words",
            sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_search_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_search")),
    )
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_fingerprint", sa.String(length=64), nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(_FTS5_TABLE)
        op.execute(_SUGGEST_TABLE)
        for trigger in _FTS5_TRIGGERS:
            op.execute(trigger)
    elif dialect == "postgresql":
        for column in ("document", "title_words"):
            op.create_index(
                f"ix_article_search_{column}",
                "article_search",
                [column],
                postgresql_using="gin",
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("article_search_ai", "article_search_ad", "article_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_suggest")
        op.execute("DROP TABLE IF EXISTS article_fts")
    elif dialect == "postgresql":
        for column in ("document", "title_words"):
            op.drop_index(f"ix_article_search_{column}", table_name="article_search")
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.drop_column("search_fingerprint")
    op.drop_table("article_search")
