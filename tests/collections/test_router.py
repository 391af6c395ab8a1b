"""Editor-curated collections keep the editors' order and show only public articles."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections.schemas import CollectionRead
from tests import factories
from tests.newsroom import Newsroom


async def test_collection_in_editor_order_without_hidden_articles(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    order = [newsroom.sport_story, newsroom.draft, newsroom.lead, newsroom.embargoed]
    await factories.collection(session, "top-stories", "أهم الأخبار", order)
    response = await client.get("/v1/collections/top-stories")
    collection = CollectionRead.model_validate(response.json())
    assert [item.id for item in collection.items] == [newsroom.sport_story.id, newsroom.lead.id]
    assert collection.title == "أهم الأخبار"
    assert collection.direction == "rtl"
    assert f"article-{newsroom.lead.id}" in response.headers["surrogate-key"].split()


async def test_collection_pages_with_a_cursor(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    await factories.collection(session, "picks", "Picks", newsroom.public)
    seen = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/collections/picks", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [a.id for a in newsroom.public]


async def test_a_cursor_of_another_collection_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    await factories.collection(session, "one", "One", newsroom.public)
    await factories.collection(session, "two", "Two", newsroom.public)
    cursor = (await client.get("/v1/collections/one", params={"limit": 1})).json()["next_cursor"]
    response = await client.get("/v1/collections/two", params={"cursor": cursor})
    assert response.status_code == 400
