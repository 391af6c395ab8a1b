"""Alembic owns the schema: the migrated database must equal the models exactly."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Base
from app.models.search import include_name


async def test_migrated_schema_equals_the_models(connection: AsyncConnection) -> None:
    def diff(sync_connection: Any) -> list[Any]:
        context = MigrationContext.configure(
            sync_connection,
            opts={
                "compare_type": True,
                "target_metadata": Base.metadata,
                "include_name": include_name,
            },
        )
        return list(compare_metadata(context, Base.metadata))

    assert await connection.run_sync(diff) == []


async def test_migration_seeds_the_content_revision_row(connection: AsyncConnection) -> None:
    from sqlalchemy import text

    revision = await connection.scalar(text("SELECT revision FROM content_state WHERE id = 1"))
    assert revision is not None
    assert revision >= 1


async def test_the_change_feed_migration_starts_the_feed_with_what_is_already_out(
    tmp_path: Any,
) -> None:
    """Articles published before partners could pull changes are the feed's first entries,
    oldest publication first; drafts and stories not yet out are not in it."""
    from datetime import timedelta

    from alembic import command
    from sqlalchemy import insert, select

    from app.core.database import make_engine
    from app.core.migrations import alembic_config
    from app.models import Article, Category, SyndicationChange
    from app.models.base import utcnow

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'before.db'}")
    now = utcnow()
    stories = [
        ("old", "published", now - timedelta(days=2), None),
        ("new", "published", now - timedelta(hours=1), None),
        ("held", "published", now - timedelta(hours=2), now + timedelta(hours=1)),
        ("draft", "draft", None, None),
        ("later", "published", now + timedelta(hours=1), None),
    ]
    async with engine.begin() as connection:
        await connection.run_sync(
            lambda sync: command.upgrade(alembic_config(connection=sync), "612b4ca98368")
        )
        section = (
            await connection.execute(
                insert(Category).values(name="أخبار", slug="أخبار").returning(Category.id)
            )
        ).scalar_one()
        for slug, status, published_at, embargo in stories:
            await connection.execute(
                insert(Article).values(
                    title=slug,
                    slug=slug,
                    category_id=section,
                    status=status,
                    published_at=published_at,
                    embargo_until=embargo,
                    body_html="",
                    body_blocks=[],
                    body_text="",
                    word_count=0,
                )
            )
        await connection.run_sync(
            lambda sync: command.upgrade(alembic_config(connection=sync), "head")
        )
        feed = (
            await connection.execute(
                select(Article.slug, SyndicationChange.seq, SyndicationChange.audience)
                .join(SyndicationChange, SyndicationChange.article_id == Article.id)
                .order_by(SyndicationChange.seq)
            )
        ).all()
    await engine.dispose()
    assert [tuple(row) for row in feed] == [
        ("old", 1, "public"),
        ("held", 2, "embargoed"),
        ("new", 3, "public"),
    ]
