"""Search: PostgreSQL keeps each article's search vector in its row, compressed, when it fits.

Ranking reads the vector of each of a query's candidates (up to 1,000). Stored the default way,
a vector over about 2 KB (the text of an ordinary story) is moved out of the row into the TOAST
table, and reading it back is an index lookup and a few page reads per candidate: more than
half of a search's database time on the benchmark archive. With storage ``MAIN`` it stays in
the row, compressed (LZ4 where the server was built with it, which also decompresses faster),
and only a vector too large for a page still goes out of line. The existing vectors are
written again, so that they move into their rows; writes to ``article_search`` (every content
commit) wait for that: run it when the newsroom is quiet.

SQLite keeps its index in FTS5 tables and is left as it is.

Revision ID: 5c0e7d9a41b3
Revises: a1b2c3d4e5f6
Create Date: 2026-11-29 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0e7d9a41b3"
down_revision: str | None = "a1b2c3d4e5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # The server lists LZ4 among the compression methods only when it was built with it.
    lz4 = bind.scalar(
        sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    )
    compression = ", ALTER COLUMN document SET COMPRESSION lz4" if lz4 else ""
    op.execute(f"ALTER TABLE article_search ALTER COLUMN document SET STORAGE MAIN{compression}")
    # A new value of the same vector (concatenating an empty one), stored the new way.
    op.execute("UPDATE article_search SET document = document || ''::tsvector")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE article_search ALTER COLUMN document SET STORAGE EXTENDED, "
            "ALTER COLUMN document SET COMPRESSION DEFAULT"
        )
