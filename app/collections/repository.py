from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow, fetch_one_or_none
from app.models import Collection


async def by_slug(session: AsyncSession, slug: str) -> AnyRow | None:
    query = select(
        Collection.id,
        Collection.slug,
        Collection.title,
        Collection.description,
        Collection.language,
    ).where(Collection.slug == slug)
    return await fetch_one_or_none(session, query)
