"""Building feeds from what the public sees, and keeping the built ones while nothing changes.

Feed clients poll, often every few minutes, and most polls find nothing new: a feed is built
once per content revision (any change to public content makes a new one) and kept in the
worker's memory, so a poll costs a lookup; the revision also makes the ``ETag``, so a client
that sends ``If-None-Match`` gets a 304 without even that.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from sqlalchemy import select

from app.articles import service as articles_service
from app.articles.repository import ListFilter
from app.articles.visibility import PUBLIC, visible_articles
from app.categories.service import Node
from app.core.public import PublicRead
from app.core.settings import get_settings
from app.core.text import from_rfc3339
from app.models import Article
from app.models.base import utcnow
from app.syndication.feeds import FEED_ITEMS, Channel, Format, json_feed, xml_feed

SYNDICATION_SCOPE = "syndication:read"


def full_content_for(read: PublicRead) -> bool:
    """Whether this caller's feeds carry article bodies: partners with a ``syndication:read``
    key always, everyone when ``KHABAR_FEED_FULL_CONTENT=everyone``."""
    if get_settings().feed_full_content == "everyone":
        return True
    principal = read.principal
    return principal is not None and principal.has_scope(SYNDICATION_SCOPE)


async def cached(
    read: PublicRead, key: tuple[Any, ...], build: Callable[[], Awaitable[bytes]]
) -> bytes:
    """What ``build`` makes, kept in the app (the worker) under ``key``, which must include the
    content revision, for the next request that asks for the same; the
    ``KHABAR_FEED_CACHE_ENTRIES`` most recent are kept (none: every request builds)."""
    size = get_settings().feed_cache_entries
    if size == 0:
        return await build()
    state = read.request.app.state
    built: OrderedDict[tuple[Any, ...], bytes] | None = getattr(state, "syndication_built", None)
    if built is None:
        built = state.syndication_built = OrderedDict()
    body = built.get(key)
    if body is not None:
        built.move_to_end(key)
        return body
    body = await build()
    built[key] = body
    while len(built) > size:
        built.popitem(last=False)
    return body


async def feed(
    read: PublicRead, kind: Format, section: Node | None, feed_url: str, *, full: bool
) -> bytes:
    key = ("feed", kind, section.id if section else None, full, feed_url, read.cache.revision)
    return await cached(read, key, lambda: _build(read, kind, section, feed_url, full=full))


async def _build(
    read: PublicRead, kind: Format, section: Node | None, feed_url: str, *, full: bool
) -> bytes:
    settings = get_settings()
    now = utcnow()
    rows, _ = await articles_service.list_articles(
        read,
        PUBLIC,
        now,
        ListFilter(section_id=section.id if section else None),
        cursor=None,
        limit=FEED_ITEMS,
    )
    cards = [orjson.loads(row.card) for row in rows]
    bodies = await _bodies(read, [card["id"] for card in cards], now) if full else None
    updated = max((from_rfc3339(card["updated_at"]) for card in cards), default=now)
    title = settings.site_name if section is None else f"{section.name} — {settings.site_name}"
    channel = Channel(
        title=title,
        description=title,
        site_url=settings.site_base + "/",
        feed_url=feed_url,
        language=section.language if section else settings.site_language,
        updated=updated,
    )
    if kind == "json":
        return orjson.dumps(json_feed(channel, cards, bodies))
    return xml_feed(kind, channel, cards, bodies)


async def _bodies(read: PublicRead, article_ids: list[int], now: Any) -> dict[int, str]:
    if not article_ids:
        return {}
    result = await read.session.execute(
        select(Article.id, Article.body_html).where(
            Article.id.in_(article_ids), visible_articles(PUBLIC, now)
        )
    )
    return {row.id: row.body_html for row in result}
