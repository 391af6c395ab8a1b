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
