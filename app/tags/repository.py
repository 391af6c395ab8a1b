from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow, fetch_all, fetch_one_or_none
from app.models import Tag

_COLUMNS = (Tag.id, Tag.slug, Tag.name, Tag.language)


async def page(session: AsyncSession, after: str | None, limit: int) -> Sequence[AnyRow]:
    query = select(*_COLUMNS).order_by(Tag.slug).limit(limit)
    if after is not None:
        query = query.where(Tag.slug > after)
    return await fetch_all(session, query)


async def by_slug(session: AsyncSession, slug: str) -> AnyRow | None:
    return await fetch_one_or_none(session, select(*_COLUMNS).where(Tag.slug == slug))
