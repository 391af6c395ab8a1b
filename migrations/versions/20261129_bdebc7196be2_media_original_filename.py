"""Media: the uploader's file name, for the newsroom's library.

Revision ID: bdebc7196be2
Revises: 66ff78e3c63b
Create Date: 2026-11-29 04:51:39.441152
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bdebc7196be2"
down_revision: str | None = "66ff78e3c63b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_filename", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media", schema=None) as batch_op:
        batch_op.drop_column("original_filename")
