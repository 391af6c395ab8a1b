"""The ticker shows live lines, breaking first, and never announces a hidden story."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import utcnow
from app.ticker.schemas import TickerRead
from tests import factories
from tests.newsroom import Newsroom


async def test_live_items_priority_then_newest(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    now = utcnow()
    normal = await factories.ticker(session, "خبر عادي", starts_at=now - timedelta(minutes=1))
    old_breaking = await factories.ticker(
        session, "عاجل قديم", priority="breaking", starts_at=now - timedelta(minutes=30)
    )
    new_breaking = await factories.ticker(
        session, "عاجل جديد", priority="breaking", starts_at=now - timedelta(minutes=2),
        article_id=newsroom.lead.id, expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    urgent = await factories.ticker(session, "هام", priority="urgent")
    await factories.ticker(session, "انتهى", expires_at=now - timedelta(seconds=1))
    await factories.ticker(session, "لم يبدأ", starts_at=now + timedelta(minutes=5))
    await factories.ticker(session, "يعلن مسودة", article_id=newsroom.draft.id)
    await factories.ticker(session, "يعلن محظورا", article_id=newsroom.embargoed.id)
    response = await client.get("/v1/ticker")
    ticker = TickerRead.model_validate(response.json())
    assert [i.id for i in ticker.items] == [new_breaking.id, old_breaking.id, urgent.id, normal.id]
    first = response.json()["items"][0]
    assert first["article_id"] == newsroom.lead.id
    assert first["direction"] == "rtl"
    assert first["expires_at"].endswith("Z")


async def test_ticker_filters_by_language_and_minimum_priority(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    arabic = await factories.ticker(session, "عاجل", priority="breaking")
    english = await factories.ticker(session, "Breaking", priority="breaking", language="en")
    await factories.ticker(session, "عادي")
    only_breaking = await client.get("/v1/ticker", params={"priority": "breaking"})
    assert {i["id"] for i in only_breaking.json()["items"]} == {arabic.id, english.id}
    only_english = await client.get("/v1/ticker", params={"language": "en"})
    assert [i["id"] for i in only_english.json()["items"]] == [english.id]
