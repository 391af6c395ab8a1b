"""The demo newsroom a newcomer browses after `make run`."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import get_settings
from app.demo.seed import database_is_empty, seed_demo
from app.models import ArticleMedia


async def test_demo_newsroom_can_be_browsed_in_arabic_and_english(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    assert await database_is_empty(session)
    counts = await seed_demo(session, Path(get_settings().media_dir))
    assert counts["articles"] >= 250
    assert not await database_is_empty(session)

    tree = (await client.get("/v1/categories")).json()["items"]
    arabic = next(root for root in tree if root["language"] == "ar")
    assert arabic["name"] == "الرئيسية"
    assert any(section["children"] for section in arabic["children"])  # three levels
    assert any(root["language"] == "en" for root in tree)

    section = arabic["children"][0]
    page = (await client.get("/v1/articles", params={"category": section["slug"]})).json()
    assert page["items"]
    detail = (await client.get(f"/v1/articles/{page['items'][0]['id']}")).json()
    assert [step["slug"] for step in detail["category"]["path"]][:2] == [
        arabic["slug"],
        section["slug"],
    ]
    english = (await client.get("/v1/articles", params={"language": "en"})).json()["items"]
    assert english
    assert english[0]["direction"] == "ltr"

    feed = (await client.get("/v1/feed", params={"language": "ar"})).json()
    assert feed["breaking"]
    assert feed["top"]
    assert (await client.get("/v1/collections/top-stories")).status_code == 200
    assert (await client.get("/v1/collections/editors-picks")).status_code == 200
    assert (await client.get("/v1/ticker")).json()["items"]


async def test_demo_has_a_youtube_video_starting_at_33_seconds_and_real_images(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await seed_demo(session, Path(get_settings().media_dir))
    items = (await client.get("/v1/articles", params={"limit": 100})).json()["items"]
    featured = next(item["featured_media"] for item in items if item["featured_media"])
    key = featured["url"].split("/media/", 1)[1]
    assert (Path(get_settings().media_dir) / key).read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG
    assert featured["renditions"]["w320"]["width"] == 320

    video_story = await session.scalar(
        select(ArticleMedia.article_id).where(ArticleMedia.role == "video")
    )
    detail = (await client.get(f"/v1/articles/{video_story}")).json()
    video = next(m for m in detail["media"] if m["role"] == "video")
    assert video["embed"]["provider"] == "youtube"
    assert video["embed"]["external_id"] == "8IqWBHMtgyI"
    assert video["embed"]["start_seconds"] == 33
    assert detail["kicker"] == "شاهد بالفيديو"
