from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Collection


async def by_slug(session: AsyncSession, slug: str) -> Row[Any] | None:
    query = select(
        Collection.id,
        Collection.slug,
        Collection.title,
        Collection.description,
        Collection.language,
    ).where(Collection.slug == slug)
    return (await session.execute(query)).one_or_none()
