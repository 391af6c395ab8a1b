"""The home feed: breaking lines, top stories and sections in one call."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.home.schemas import HomeFeed
from tests import factories
from tests.newsroom import Newsroom


async def test_feed_without_a_top_collection_leads_with_the_newest(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    breaking = await factories.ticker(session, "عاجل", priority="breaking")
    await factories.ticker(session, "عادي")
    feed = HomeFeed.model_validate((await client.get("/v1/feed")).json())
    assert [i.id for i in feed.breaking] == [breaking.id]
    assert [a.id for a in feed.top] == [a.id for a in newsroom.public]
    sections = {s.category.slug: [a.id for a in s.items] for s in feed.sections}
    assert sections == {
        "شؤون-دولية": [newsroom.lead.id, newsroom.mideast_story.id],
        "رياضة": [newsroom.sport_story.id],
        "world": [newsroom.english_story.id],
    }


async def test_feed_top_follows_the_editors_collection_and_language(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    await factories.collection(
        session, "top-stories", "أهم الأخبار", [newsroom.sport_story, newsroom.draft, newsroom.lead]
    )
    feed = HomeFeed.model_validate((await client.get("/v1/feed", params={"language": "ar"})).json())
    assert [a.id for a in feed.top] == [newsroom.sport_story.id, newsroom.lead.id]
    assert [s.category.slug for s in feed.sections] == ["شؤون-دولية", "رياضة"]
    per_one = (await client.get("/v1/feed", params={"per_section": 1, "language": "ar"})).json()
    assert [len(s["items"]) for s in per_one["sections"]] == [1, 1]
