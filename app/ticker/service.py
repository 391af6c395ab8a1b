from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer, public_from
from app.audit.service import record
from app.auth.principal import Principal
from app.core.database import AnyRow
from app.core.errors import InvalidParameter, NotFound
from app.core.settings import get_settings
from app.core.text import direction_of, rfc3339
from app.models import Article, TickerItem
from app.models.base import utcnow
from app.models.ticker import TICKER_PRIORITIES
from app.ticker import repository
from app.ticker.schemas import TickerItemCreate, TickerItemUpdate


def represent(row: AnyRow | TickerItem) -> dict[str, Any]:
    return {
        "id": row.id,
        "text": row.text,
        "url": row.url,
        "article_id": row.article_id,
        "priority": row.priority,
        "language": row.language,
        "direction": direction_of(row.language),
        "starts_at": rfc3339(row.starts_at),
        "expires_at": rfc3339(row.expires_at),
        "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
    }


async def get_item(
    session: AsyncSession, item_id: int, *, live_for: Viewer | None, now: datetime
) -> dict[str, Any]:
    row = await repository.one(session, item_id, live_for=live_for, now=now)
    if row is None:
        raise NotFound(f"No live ticker line {item_id}.")
    return represent(row)


async def live_ticker(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    language: str | None = None,
    min_priority: str = "normal",
) -> list[dict[str, Any]]:
    rows = await repository.live_items(
        session, viewer, now, language=language, max_rank=TICKER_PRIORITIES.index(min_priority)
    )
    return [represent(row) for row in rows]


# Writing
#
# Creating, changing and deleting a line each happen in exactly one function below, so what
# must follow every ticker change (live-stream events) has one place to hook into.

_FIELDS = ("text", "url", "article_id", "priority", "language", "starts_at", "expires_at")


def location(item_id: int) -> str:
    return f"/v1/ticker/{item_id}"


async def ticker_item_for_write(session: AsyncSession, item_id: int) -> TickerItem:
    item = await repository.lock(session, item_id)
    if item is None:
        raise NotFound(f"No ticker item {item_id}.")
    return item


async def create_ticker_item(
    session: AsyncSession, actor: Principal, data: TickerItemCreate
) -> TickerItem:
    values = data.model_dump(exclude_unset=True)
    now = utcnow()
    values.setdefault("starts_at", now)
    values.setdefault("priority", "normal")
    values.setdefault("language", "ar")
    values.setdefault("expires_at", None)
    await _check(session, values, values)
    item = TickerItem(created_at=now, updated_at=now)
    _apply(item, values)
    session.add(item)
    await session.flush()
    record(session, actor, "ticker.create", "ticker_item", item.id, {"priority": item.priority})
    return item


async def update_ticker_item(
    session: AsyncSession, actor: Principal, item: TickerItem, data: TickerItemUpdate
) -> list[str]:
    """Apply the fields sent (``ticker_item_for_write`` holds the row's lock); the names of
    those that changed."""
    values = data.model_dump(exclude_unset=True)
    changes = {name: values[name] for name in _FIELDS if name in values}
    changes = {name: value for name, value in changes.items() if value != getattr(item, name)}
    merged = {name: changes.get(name, getattr(item, name)) for name in _FIELDS}
    await _check(session, changes, merged)
    if changes:
        _apply(item, changes)
        item.updated_at = utcnow()
        await session.flush()
        record(session, actor, "ticker.update", "ticker_item", item.id, {"changed": list(changes)})
    return list(changes)


async def delete_ticker_item(session: AsyncSession, actor: Principal, item: TickerItem) -> None:
    await session.delete(item)
    await session.flush()
    record(session, actor, "ticker.delete", "ticker_item", item.id, {"text": item.text})


async def put_breaking_article(session: AsyncSession, actor: Principal, article: Article) -> None:
    """A just-published ``is_breaking`` article goes on the ticker as a breaking line for
    ``KHABAR_BREAKING_TICKER_HOURS``, unless a line for it is already on."""
    now = utcnow()
    if await repository.has_current_line(session, article.id, now):
        return
    # An embargoed story goes on the ticker when the public can read it, not before.
    starts_at = public_from(article, now)
    expires_at = starts_at + timedelta(hours=get_settings().breaking_ticker_hours)
    data = TickerItemCreate(
        text=article.title,
        article_id=article.id,
        priority="breaking",
        language=article.language,
        starts_at=starts_at,
        expires_at=expires_at,
    )
    await create_ticker_item(session, actor, data)


def _apply(item: TickerItem, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(item, name, value)
    if "priority" in values:
        # The live list orders by the rank; it must never disagree with the priority.
        item.priority_rank = TICKER_PRIORITIES.index(values["priority"])


async def _check(session: AsyncSession, sent: dict[str, Any], merged: dict[str, Any]) -> None:
    """The rules a line's fields must keep together; ``merged`` is the line as it would be."""
    expires_at, starts_at = merged["expires_at"], merged["starts_at"]
    if ("expires_at" in sent or "starts_at" in sent) and expires_at is not None:
        if expires_at <= starts_at:
            field = "expires_at" if "expires_at" in sent else "starts_at"
            raise InvalidParameter(["body", field], "expires_at must be after starts_at.")
    article_id = sent.get("article_id")
    if article_id is not None and not await repository.article_exists(session, article_id):
        raise InvalidParameter(["body", "article_id"], f"No article {article_id}.")
