"""Search: PostgreSQL's match indexes also index each article's id bucket.

Search ranks the newest matches of a query; with the bucket (``article_id / 1024``) as a second
column, a GIN index finds the matches among the newest articles by itself, without reading the
rows of all the older ones (``app.search.engines``). Each index is built under another name
and takes the old one's name when it is done, so that searches keep an index while it builds;
writes to ``article_search`` (every content commit) wait for the build, as for any index
built inside the migration's transaction: run it when the newsroom is quiet.
SQLite's FTS5 tables walk article ids in order already and are left as they are.

Revision ID: a1b2c3d4e5f6
Revises: 136a526bf7cf
Create Date: 2026-11-29 10:48:12.318204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1b2c3d4e5f6"
down_revision: str | None = "136a526bf7cf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The expression the engine writes in its queries (app.search.engines.id_bucket, ID_BUCKET):
# the planner uses the index only for the very same expression.
_BUCKET = "(ARRAY[article_id / 1024])"
_COLUMNS = ("document", "title_words")


def _replace(column: str, *expressions: sa.TextClause) -> None:
    name = f"ix_article_search_{column}"
    op.create_index(f"{name}_new", "article_search", [column, *expressions], postgresql_using="gin")
    op.drop_index(name, table_name="article_search")
    op.execute(f"ALTER INDEX {name}_new RENAME TO {name}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in _COLUMNS:
            _replace(column, sa.text(_BUCKET))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in _COLUMNS:
            _replace(column)
