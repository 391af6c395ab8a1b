"""Alembic owns the schema: the migrated database must equal the models exactly, and the
migrations that move data must carry what was there before."""

from __future__ import annotations

import random
import string
from datetime import timedelta
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from app.core.database import make_engine
from app.core.migrations import alembic_config
from app.models import Article, Base, Category, SyndicationChange
from app.models.base import utcnow
from app.models.search import include_name


async def _upgrade(connection: AsyncConnection, revision: str) -> None:
    await connection.run_sync(
        lambda sync: command.upgrade(alembic_config(connection=sync), revision)
    )


async def _section(connection: AsyncConnection) -> int:
    inserted = insert(Category).values(name="أخبار", slug="أخبار").returning(Category.id)
    return int((await connection.execute(inserted)).scalar_one())


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
    revision = await connection.scalar(text("SELECT revision FROM content_state WHERE id = 1"))
    assert revision is not None
    assert revision >= 1


async def test_the_change_feed_migration_starts_the_feed_with_what_is_already_out(
    tmp_path: Any,
) -> None:
    """Articles published before partners could pull changes are the feed's first entries,
    oldest publication first; drafts and stories not yet out are not in it."""
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
        await _upgrade(connection, "612b4ca98368")
        section = await _section(connection)
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
        await _upgrade(connection, "head")
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


async def test_postgresql_keeps_search_vectors_in_their_rows_also_those_indexed_before(
    postgres_url: str,
) -> None:
    """Ranking reads the vector of every candidate: PostgreSQL keeps it in the article's index
    row (storage main, compressed) instead of behind a TOAST lookup, and the migration moves
    the vectors written before it there, unchanged."""
    admin = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text("DROP DATABASE IF EXISTS khabar_vectors"))
        await connection.execute(text("CREATE DATABASE khabar_vectors"))
    engine = make_engine(postgres_url.rsplit("/", 1)[0] + "/khabar_vectors")
    # 400 different random words: a vector of about 6 KB that compresses badly, over the 2 KB
    # at which values leave their rows by default, under the 8 KB of a page.
    rng = random.Random(6)
    words = {"".join(rng.choices(string.ascii_lowercase, k=10)) for _ in range(400)}
    vector = " ".join(f"'{word}':{n}C" for n, word in enumerate(sorted(words), start=1))
    try:
        async with engine.begin() as connection:
            await _upgrade(connection, "a1b2c3d4e5f6")
            section = await _section(connection)
            article = (
                await connection.execute(
                    insert(Article)
                    .values(title="t", slug="t", category_id=section, body_html="", body_text="")
                    .returning(Article.id)
                )
            ).scalar_one()
            await connection.execute(
                text(
                    "INSERT INTO article_search (article_id, language, published_at, document, "
                    "title_words) VALUES (:id, 'ar', now(), CAST(:v AS tsvector), '')"
                ),
                {"id": article, "v": vector},
            )

            async def chunks() -> int:
                """Chunks of values kept out of their rows (the TOAST table's rows)."""
                toast = await connection.scalar(
                    text(
                        "SELECT t.relname FROM pg_class c JOIN pg_class t "
                        "ON t.oid = c.reltoastrelid WHERE c.relname = 'article_search'"
                    )
                )
                return int(await connection.scalar(text(f"SELECT count(*) FROM pg_toast.{toast}")))

            before = await connection.scalar(text("SELECT document FROM article_search"))
            assert await chunks() > 0
            await _upgrade(connection, "head")
            assert await chunks() == 0
            assert await connection.scalar(text("SELECT document FROM article_search")) == before
            storage = await connection.scalar(
                text(
                    "SELECT attstorage::text FROM pg_attribute WHERE attname = 'document' "
                    "AND attrelid = 'article_search'::regclass"
                )
            )
            assert storage == "m"
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text("DROP DATABASE IF EXISTS khabar_vectors"))
        await admin.dispose()
