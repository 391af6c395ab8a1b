"""Syndication: the partners' change feed, and webhooks (endpoints, outbox, delivery log).

Revision ID: 136a526bf7cf
Revises: 612b4ca98368
Create Date: 2026-11-29 10:13:55.663507
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.models.base

revision: str = "136a526bf7cf"
down_revision: str | None = "612b4ca98368"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "events",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("previous_secret", sa.Text(), nullable=True),
        sa.Column(
            "previous_secret_until", app.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_key_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=500), nullable=True),
        sa.Column("disabled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failing_since", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            app.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            app.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_key_id"],
            ["api_keys.id"],
            name=op.f("fk_webhooks_owner_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["users.id"],
            name=op.f("fk_webhooks_owner_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhooks_owner_key_id"), ["owner_key_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhooks_owner_user_id"), ["owner_user_id"], unique=False
        )

    op.create_table(
        "syndication_changes",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("public_once", sa.Boolean(), nullable=False),
        sa.Column("changed_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_syndication_changes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_syndication_changes")),
        sa.UniqueConstraint("seq", name=op.f("uq_syndication_changes_seq")),
    )
    with op.batch_alter_table("syndication_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_syndication_changes_changed_at"), ["changed_at"], unique=False
        )

    _feed_published_articles()
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "syndication_clock_at", app.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_table(
        "webhook_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("delivered_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_messages_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_messages")),
        sa.UniqueConstraint("msg_id", name=op.f("uq_webhook_messages_msg_id")),
    )
    with op.batch_alter_table("webhook_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_messages_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_webhook_messages_subject"), ["subject"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_webhook_messages_webhook_id"), ["webhook_id"], unique=False
        )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("msg_id", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempted_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["webhook_messages.id"],
            name=op.f("fk_webhook_deliveries_message_id_webhook_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_deliveries_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_webhook_id_id"), ["webhook_id", "id"], unique=False
        )


def _feed_published_articles() -> None:
    """Articles already out when the feed starts are its first changes, oldest published
    first (their later changes are recorded by the app)."""
    now = datetime.now(UTC)
    when = app.models.base.UTCDateTime(timezone=True)
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("published_at", when),
        sa.column("embargo_until", when),
    )
    changes = sa.table(
        "syndication_changes",
        sa.column("article_id", sa.Integer()),
        sa.column("seq", sa.BigInteger()),
        sa.column("audience", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("public_once", sa.Boolean()),
        sa.column("changed_at", when),
    )
    at = sa.bindparam("now", now, type_=when)
    public = sa.or_(articles.c.embargo_until.is_(None), articles.c.embargo_until <= at)
    rows = sa.select(
        articles.c.id,
        sa.func.row_number().over(order_by=(articles.c.published_at, articles.c.id)),
        sa.case((public, "public"), else_="embargoed"),
        articles.c.version,
        public,
        at,
    ).where(articles.c.status == "published", articles.c.published_at <= at)
    op.execute(
        changes.insert().from_select(
            ["article_id", "seq", "audience", "version", "public_once", "changed_at"], rows
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.drop_column("syndication_clock_at")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_webhook_id_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_message_id"))

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("webhook_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_messages_webhook_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_messages_subject"))
        batch_op.drop_index(batch_op.f("ix_webhook_messages_status_next_attempt_at"))

    op.drop_table("webhook_messages")
    with op.batch_alter_table("syndication_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_syndication_changes_changed_at"))

    op.drop_table("syndication_changes")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhooks_owner_user_id"))
        batch_op.drop_index(batch_op.f("ix_webhooks_owner_key_id"))

    op.drop_table("webhooks")
