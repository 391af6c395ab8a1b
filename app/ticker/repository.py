from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer
from app.core.database import AnyRow, fetch_all
from app.models import Article, TickerItem
from app.ticker.visibility import live_ticker_items

TICKER_COLUMNS = (
    TickerItem.id,
    TickerItem.text,
    TickerItem.url,
    TickerItem.article_id,
    TickerItem.priority,
    TickerItem.language,
    TickerItem.starts_at,
    TickerItem.expires_at,
    TickerItem.created_at,
    TickerItem.updated_at,
)

MAX_LIVE_ITEMS = 50


async def live_items(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    language: str | None = None,
    max_rank: int = 2,
    limit: int | None = MAX_LIVE_ITEMS,
) -> Sequence[AnyRow]:
    """Live lines, breaking before urgent before normal, newest first within a priority."""
    query = (
        select(*TICKER_COLUMNS)
        .where(live_ticker_items(viewer, now), TickerItem.priority_rank <= max_rank)
        .order_by(TickerItem.priority_rank, TickerItem.starts_at.desc(), TickerItem.id.desc())
        .limit(limit)
    )
    if language is not None:
        query = query.where(TickerItem.language == language)
    return await fetch_all(session, query)


async def one(
    session: AsyncSession, item_id: int, *, live_for: Viewer | None, now: datetime
) -> AnyRow | None:
    """One line; with ``live_for``, only while it is live for that viewer."""
    query = select(*TICKER_COLUMNS).where(TickerItem.id == item_id)
    if live_for is not None:
        query = query.where(live_ticker_items(live_for, now))
    return (await session.execute(query)).one_or_none()


async def lock(session: AsyncSession, item_id: int) -> TickerItem | None:
    """The line, its row locked until the transaction ends."""
    query = (
        select(TickerItem)
        .where(TickerItem.id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    item: TickerItem | None = await session.scalar(query)
    return item


async def article_exists(session: AsyncSession, article_id: int) -> bool:
    return await session.scalar(select(Article.id).where(Article.id == article_id)) is not None


async def has_current_line(session: AsyncSession, article_id: int, now: datetime) -> bool:
    """Whether a line for the article is on the ticker or still to come."""
    query = select(TickerItem.id).where(
        TickerItem.article_id == article_id,
        or_(TickerItem.expires_at.is_(None), TickerItem.expires_at > now),
    )
    return await session.scalar(query.limit(1)) is not None
