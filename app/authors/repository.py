from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.core.database import AnyRow, fetch_all, fetch_one_or_none
from app.media.repository import MEDIA_COLUMNS
from app.models import Author, Media, User

Avatar = aliased(Media, name="avatar")
AVATAR_PREFIX = "av_"


def _select() -> Select[Any]:
    return select(
        Author.id,
        Author.slug,
        Author.name,
        Author.bio,
        Author.language,
        *(getattr(Avatar, c.key).label(AVATAR_PREFIX + c.key) for c in MEDIA_COLUMNS),
    ).outerjoin(Avatar, Avatar.id == Author.avatar_media_id)


async def page(session: AsyncSession, after: str | None, limit: int) -> Sequence[AnyRow]:
    query = _select().order_by(Author.slug).limit(limit)
    if after is not None:
        query = query.where(Author.slug > after)
    return await fetch_all(session, query)


async def by_slug(session: AsyncSession, slug: str) -> AnyRow | None:
    return await fetch_one_or_none(session, _select().where(Author.slug == slug))


async def lock(session: AsyncSession, slug: str) -> Author | None:
    """The byline, its row locked until the transaction ends (``FOR NO KEY UPDATE``, as
    ``app.tags.repository.lock`` explains)."""
    query = (
        select(Author)
        .where(Author.slug == slug)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    author: Author | None = await session.scalar(query)
    return author


async def media_exists(session: AsyncSession, media_id: int) -> bool:
    return await session.scalar(select(Media.id).where(Media.id == media_id)) is not None


async def user_exists(session: AsyncSession, user_id: int) -> bool:
    return await session.scalar(select(User.id).where(User.id == user_id)) is not None
