from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Tag

_COLUMNS = (Tag.id, Tag.slug, Tag.name, Tag.language)


async def page(session: AsyncSession, after: str | None, limit: int) -> Sequence[Row[Any]]:
    query = select(*_COLUMNS).order_by(Tag.slug).limit(limit)
    if after is not None:
        query = query.where(Tag.slug > after)
    return (await session.execute(query)).all()


async def by_slug(session: AsyncSession, slug: str) -> Row[Any] | None:
    return (await session.execute(select(*_COLUMNS).where(Tag.slug == slug))).one_or_none()
