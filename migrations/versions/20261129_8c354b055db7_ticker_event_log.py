"""The live ticker: its durable event log and what it has announced.

Revision ID: 8c354b055db7
Revises: bdebc7196be2
Create Date: 2026-11-29 05:46:41.339384
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = "8c354b055db7"
down_revision: str | None = "bdebc7196be2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticker_announced",
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_ticker_announced")),
    )
    op.create_table(
        "ticker_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticker_events")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("ticker_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticker_events_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticker_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticker_events_created_at"))

    op.drop_table("ticker_events")
    op.drop_table("ticker_announced")
