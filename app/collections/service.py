from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository as articles_repository
from app.articles import service as articles_service
from app.articles.visibility import Viewer
from app.collections import repository
from app.core.errors import InvalidCursor, NotFound
from app.core.pagination import CursorCodec
from app.core.text import direction_of

CURSOR = "collection"


async def get_collection(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    slug: str,
    *,
    codec: CursorCodec,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No collection has the slug «{slug}».")
    after = None
    if cursor is not None:
        collection_id, position, article_id = codec.decode(CURSOR, cursor)
        if collection_id != row.id:
            raise InvalidCursor("The cursor belongs to another collection.")
        after = (int(position), int(article_id))
    rows = await articles_repository.collection_summaries(
        session, viewer, now, row.id, language=None, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = codec.encode(CURSOR, [row.id, rows[-1].position, rows[-1].id])
    return {
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "description": row.description,
        "language": row.language,
        "direction": direction_of(row.language),
        "items": articles_service.summaries(rows),
        "next_cursor": next_cursor,
    }
