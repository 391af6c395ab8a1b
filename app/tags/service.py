from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow
from app.core.errors import NotFound
from app.core.pagination import CursorCodec, slug_keyset_page
from app.core.text import direction_of
from app.tags import repository

CURSOR = "tags"


def represent(row: AnyRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "language": row.language,
        "direction": direction_of(row.language),
    }


async def list_tags(
    session: AsyncSession, codec: CursorCodec, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await slug_keyset_page(
        codec, CURSOR, cursor, limit, lambda after, n: repository.page(session, after, n)
    )
    return [represent(row) for row in rows], next_cursor


async def get_tag(session: AsyncSession, slug: str) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No tag has the slug «{slug}».")
    return represent(row)
