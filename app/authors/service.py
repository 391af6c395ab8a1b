from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.authors import repository
from app.authors.repository import AVATAR_PREFIX
from app.core.database import AnyRow
from app.core.errors import NotFound
from app.core.pagination import CursorCodec, slug_keyset_page
from app.core.text import direction_of
from app.media import service as media_service
from app.media.repository import MEDIA_KEYS

CURSOR = "authors"


def represent(row: AnyRow) -> dict[str, Any]:
    mapping = row._mapping
    avatar = None
    if mapping[AVATAR_PREFIX + "id"] is not None:
        avatar = media_service.represent({k: mapping[AVATAR_PREFIX + k] for k in MEDIA_KEYS})
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "bio": row.bio,
        "language": row.language,
        "direction": direction_of(row.language),
        "avatar": avatar,
    }


async def list_authors(
    session: AsyncSession, codec: CursorCodec, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await slug_keyset_page(
        codec, CURSOR, cursor, limit, lambda after, n: repository.page(session, after, n)
    )
    return [represent(row) for row in rows], next_cursor


async def get_author(session: AsyncSession, slug: str) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No author has the slug «{slug}».")
    return represent(row)
