"""ETag/304, Cache-Control, Surrogate-Key, Vary and compression on public GETs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.revision import advance_clock, current_revision
from app.models.base import utcnow
from tests.newsroom import Newsroom

PUBLIC_PATHS = [
    "/v1/articles",
    "/v1/articles?category=%D8%A7%D9%84%D8%B1%D8%A6%D9%8A%D8%B3%D9%8A%D8%A9",
    "/v1/categories",
    "/v1/tags",
    "/v1/authors",
    "/v1/ticker",
    "/v1/feed",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
async def test_public_get_revalidates_with_304_and_no_body(
    client: httpx.AsyncClient, newsroom: Newsroom, path: str
) -> None:
    first = await client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert first.headers["surrogate-key"]
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_detail_surrogate_keys_name_the_article_and_its_sections(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get(f"/v1/articles/{newsroom.lead.id}")
    keys = response.headers["surrogate-key"].split()
    assert f"article-{newsroom.lead.id}" in keys
    assert f"category-{newsroom.home.id}" in keys
    assert f"category-{newsroom.world.id}" in keys
    assert f"article-{newsroom.mideast_story.id}" in keys  # shown as related


async def test_any_content_change_changes_the_etag(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    before = await client.get("/v1/articles")
    newsroom.sport.name = "الرياضة"
    await session.flush()
    after = await client.get("/v1/articles", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]


async def test_etag_differs_per_query(client: httpx.AsyncClient, newsroom: Newsroom) -> None:
    one = await client.get("/v1/articles", params={"limit": 1})
    two = await client.get("/v1/articles", params={"limit": 2})
    assert one.headers["etag"] != two.headers["etag"]
    stale = await client.get(
        "/v1/articles", params={"limit": 2}, headers={"If-None-Match": one.headers["etag"]}
    )
    assert stale.status_code == 200


async def test_a_lifted_embargo_is_never_hidden_behind_a_confirmed_etag(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    """Between the embargo lifting and the clock bumping the revision, validators include the
    current second: a 304 never confirms the list from before the embargo lifted."""
    lifts_at = utcnow() + timedelta(milliseconds=300)
    newsroom.embargoed.embargo_until = lifts_at
    await session.flush()
    assert (await current_revision(session)).next_transition_at == lifts_at
    before = await client.get("/v1/articles")
    assert newsroom.embargoed.id not in [item["id"] for item in before.json()["items"]]
    await asyncio.sleep(0.4)
    after = await client.get("/v1/articles", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert newsroom.embargoed.id in [item["id"] for item in after.json()["items"]]


async def test_the_clock_bumps_the_revision_once_when_an_embargo_lifts(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    newsroom.embargoed.embargo_until = utcnow() + timedelta(milliseconds=200)
    await session.flush()
    before = await current_revision(session)
    listed = await client.get("/v1/articles")
    assert newsroom.embargoed.id not in [item["id"] for item in listed.json()["items"]]
    assert await advance_clock(session) is False  # not due yet
    await asyncio.sleep(0.3)
    assert await advance_clock(session) is True
    after = await current_revision(session)
    assert after.value == before.value + 1
    assert after.next_transition_at is not None
    assert after.next_transition_at > utcnow()
    assert await advance_clock(session) is False  # a second worker finds nothing to do
    relisted = await client.get("/v1/articles", headers={"If-None-Match": listed.headers["etag"]})
    assert relisted.status_code == 200
    assert newsroom.embargoed.id in [item["id"] for item in relisted.json()["items"]]


async def test_large_responses_are_compressed_when_asked(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    plain = await client.get("/v1/articles")
    assert "accept-encoding" in plain.headers["vary"].lower()
    response = await client.get("/v1/articles", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"].lower().count("accept-encoding") == 1
    assert response.json() == plain.json()  # httpx decodes transparently
    brotli = await client.get("/v1/articles", headers={"Accept-Encoding": "br"})
    assert brotli.headers["content-encoding"] == "br"


async def test_small_responses_are_not_compressed(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/tags", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


async def test_public_reads_allow_any_origin_without_credentials(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/v1/articles", headers={"Origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "ETag" in response.headers["access-control-expose-headers"]
