"""The live ticker's event log: every change to what the public ticker shows becomes one event,
whatever made it (a write, the clock, an article's workflow), and nothing else does."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.revision import advance_clock
from app.models import ContentState, TickerEvent, TickerItem
from app.models.base import utcnow
from app.ticker import events
from tests import factories
from tests.accounts import Staff
from tests.newsroom import Newsroom


async def log(session: AsyncSession, after: int = 0) -> list[tuple[str, int, dict[str, Any]]]:
    rows = await session.execute(
        select(TickerEvent.type, TickerEvent.item_id, TickerEvent.data)
        .where(TickerEvent.id > after)
        .order_by(TickerEvent.id)
    )
    return [(row.type, row.item_id, row.data) for row in rows]


async def head(session: AsyncSession) -> int:
    return int(await session.scalar(select(TickerEvent.id).order_by(TickerEvent.id.desc())) or 0)


async def test_writing_a_line_logs_created_updated_and_deleted_with_the_public_item(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    start = await head(session)
    created = (
        await client.post(
            "/v1/ticker", json={"text": "عاجل", "priority": "breaking"}, headers=editor
        )
    ).json()
    url = f"/v1/ticker/{created['id']}"
    changed = (await client.patch(url, json={"text": "عاجل: تحديث"}, headers=editor)).json()
    await client.patch(url, json={"text": "عاجل: تحديث"}, headers=editor)  # no change, no event
    assert (await client.delete(url, headers=editor)).status_code == 204
    assert await log(session, start) == [
        ("ticker.created", created["id"], created),
        ("ticker.updated", created["id"], changed),
        ("ticker.deleted", created["id"], {"id": created["id"]}),
    ]
    ids = (await session.scalars(select(TickerEvent.id).where(TickerEvent.id > start))).all()
    assert list(ids) == sorted(ids)


async def test_a_line_enters_when_it_starts_and_leaves_when_it_expires(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    now = utcnow()
    body = {
        "text": "قريبا",
        "starts_at": (now + timedelta(minutes=5)).isoformat(),
        "expires_at": (now + timedelta(minutes=10)).isoformat(),
    }
    start = await head(session)
    item = (await client.post("/v1/ticker", json=body, headers=staff.headers(staff.editor))).json()
    assert await log(session, start) == [], "not live yet: nothing to announce"
    await session.run_sync(events.announce, now + timedelta(minutes=6))
    assert [(t, i) for t, i, _ in await log(session, start)] == [("ticker.created", item["id"])]
    await session.run_sync(events.announce, now + timedelta(minutes=11))
    assert [(t, i) for t, i, _ in await log(session, start)][-1] == ("ticker.deleted", item["id"])


async def test_a_line_about_an_article_follows_the_articles_visibility(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    draft = (
        await client.post(
            "/v1/articles",
            json={"title": "تحقيق", "category_id": newsroom.world.id},
            headers=editor,
        )
    ).json()
    start = await head(session)
    line = (
        await client.post(
            "/v1/ticker", json={"text": "تحقيق", "article_id": draft["id"]}, headers=editor
        )
    ).json()
    assert await log(session, start) == [], "a line never announces an unpublished story"
    await client.post(f"/v1/articles/{draft['id']}/publish", headers=editor)
    await client.post(f"/v1/articles/{draft['id']}/unpublish", headers=editor)
    assert [(t, i) for t, i, _ in await log(session, start)] == [
        ("ticker.created", line["id"]),
        ("ticker.deleted", line["id"]),
    ]


async def test_publishing_a_breaking_article_puts_it_on_the_ticker_once(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    article = (
        await client.post(
            "/v1/articles",
            json={
                "title": "زلزال في الشمال",
                "category_id": newsroom.world.id,
                "is_breaking": True,
            },
            headers=editor,
        )
    ).json()
    start = await head(session)
    await client.post(f"/v1/articles/{article['id']}/publish", headers=editor)
    ticker = (await client.get("/v1/ticker")).json()["items"]
    line = next(item for item in ticker if item["article_id"] == article["id"])
    assert (line["text"], line["priority"]) == ("زلزال في الشمال", "breaking")
    assert line["expires_at"] is not None
    # Unpublished and published again, it is not added twice.
    await client.post(f"/v1/articles/{article['id']}/unpublish", headers=editor)
    await client.post(f"/v1/articles/{article['id']}/publish", headers=editor)
    ticker = (await client.get("/v1/ticker")).json()["items"]
    assert [item["article_id"] for item in ticker].count(article["id"]) == 1
    assert [t for t, _, _ in await log(session, start)] == [
        "ticker.created", "ticker.deleted", "ticker.created",
    ]  # fmt: skip


async def test_the_clock_moving_logs_what_the_time_changed(session: AsyncSession) -> None:
    """``advance_clock`` marks its transaction; its commit announces what the time changed."""
    item = await factories.ticker(session, "ينتهي", expires_at=utcnow() + timedelta(seconds=1))
    await session.commit()  # announced: the line is live
    start = await head(session)
    await session.execute(update(ContentState).values(next_transition_at=utcnow()))
    await asyncio.sleep(1.05)  # the expiry passes
    assert await advance_clock(session)
    await session.commit()
    assert [(t, i) for t, i, _ in await log(session, start)] == [("ticker.deleted", item.id)]


async def test_purging_keeps_a_day_and_always_the_newest_event(session: AsyncSession) -> None:
    old = utcnow() - timedelta(days=2)
    for item_id in (1, 2):
        session.add(
            TickerEvent(type="ticker.deleted", item_id=item_id, data={"id": item_id},
                        language="ar", priority_rank=2, created_at=old)
        )  # fmt: skip
    await session.flush()
    await events.purge_expired(session)
    remaining = (await session.scalars(select(TickerEvent.item_id))).all()
    assert list(remaining) == [2]


async def test_a_commit_with_no_flush_of_its_own_still_logs_its_events(
    session: AsyncSession,
) -> None:
    start = await head(session)
    session.add(
        TickerItem(text="بلا تفريغ", priority="normal", priority_rank=2, language="ar",
                   starts_at=utcnow() - timedelta(minutes=1))
    )  # fmt: skip
    await session.commit()
    assert [t for t, _, _ in await log(session, start)] == ["ticker.created"]
