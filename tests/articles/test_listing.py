"""Cards and listing rows follow every change, through the flush hook, with nothing to call."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.schemas import SUMMARY_FIELDS
from app.models.base import utcnow
from tests import factories
from tests.newsroom import Newsroom


def by_id(response: httpx.Response) -> dict[int, dict[str, object]]:
    return {item["id"]: item for item in response.json()["items"]}


async def test_list_cards_equal_the_summary_fields_of_the_full_article(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    listed = by_id(await client.get("/v1/articles", params={"limit": 100}))
    for article in newsroom.public:
        detail = (await client.get(f"/v1/articles/{article.id}")).json()
        detail["category"].pop("path")
        assert listed[article.id] == {name: detail[name] for name in SUMMARY_FIELDS}


async def test_renaming_a_tag_an_author_or_a_category_shows_in_lists_at_once(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    newsroom.elections.name = "انتخابات 2026"
    newsroom.ahmad.name = "أحمد علي"
    newsroom.world.name = "العالم"
    newsroom.photo.caption = "تعليق جديد"
    await session.flush()
    lead = by_id(await client.get("/v1/articles"))[newsroom.lead.id]
    assert lead["tags"] == [{"slug": "الانتخابات", "name": "انتخابات 2026"}]
    assert lead["authors"][0]["name"] == "أحمد علي"  # type: ignore[index]
    assert lead["category"]["name"] == "العالم"  # type: ignore[index]
    assert lead["featured_media"]["caption"] == "تعليق جديد"  # type: ignore[index]


async def test_editing_an_article_re_renders_its_card_and_reorders_lists(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    newsroom.english_story.title = "Elections: a new headline"
    newsroom.english_story.published_at = utcnow() - timedelta(minutes=1)
    await session.flush()
    items = (await client.get("/v1/articles")).json()["items"]
    assert items[0]["id"] == newsroom.english_story.id
    assert items[0]["title"] == "Elections: a new headline"


async def test_moving_an_article_moves_it_between_sections(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    newsroom.sport_story.category_id = newsroom.middle_east.id
    await session.flush()
    world = await client.get("/v1/articles", params={"category": "شؤون-دولية"})
    assert newsroom.sport_story.id in by_id(world)
    sport = await client.get("/v1/articles", params={"category": "رياضة"})
    assert by_id(sport) == {}


async def test_tagging_an_article_later_lists_it_under_the_tag(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    tag = await factories.tag(session, "رياضة")
    from app.models import ArticleTag

    session.add(ArticleTag(article_id=newsroom.sport_story.id, tag_id=tag.id, position=0))
    await session.flush()
    tagged = await client.get("/v1/articles", params={"tag": "رياضة"})
    assert list(by_id(tagged)) == [newsroom.sport_story.id]
    assert by_id(tagged)[newsroom.sport_story.id]["tags"] == [{"slug": "رياضة", "name": "رياضة"}]
