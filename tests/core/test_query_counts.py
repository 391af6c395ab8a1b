"""Every list issues the same small number of statements whatever its length (no N+1)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import QueryCounter
from tests.newsroom import Newsroom


@pytest.fixture
async def many(session: AsyncSession) -> None:
    home = await factories.category(session, "الرئيسية")
    section = await factories.category(session, "أخبار", home)
    tags = [await factories.tag(session, f"وسم {i}") for i in range(3)]
    authors = [await factories.author(session, f"كاتب {i}") for i in range(2)]
    stories = []
    for i in range(120):
        photo = await factories.image(session)
        stories.append(
            await factories.article(
                session, f"خبر رقم {i}", section, age=timedelta(minutes=i), tags=tags,
                authors=authors, featured_media_id=photo.id,
            )
        )  # fmt: skip
    await factories.relate(session, stories[0], *stories[1:40])
    await factories.collection(session, "top-stories", "أهم", stories[:100])


#: Every public list, at ``limit={n}``.
LISTS = (
    "/v1/articles?limit={n}",
    "/v1/articles?limit={n}&category=%D8%A7%D9%84%D8%B1%D8%A6%D9%8A%D8%B3%D9%8A%D8%A9",
    "/v1/articles?limit={n}&tag=%D9%88%D8%B3%D9%85-1",
    "/v1/collections/top-stories?limit={n}",
    "/v1/tags?limit={n}",
    "/v1/authors?limit={n}",
)


async def test_statement_count_does_not_grow_with_page_size(
    client: httpx.AsyncClient, many: None, count_queries: QueryCounter
) -> None:
    """Every list in one test: building 120 articles costs seconds, a list a millisecond."""
    await client.get("/v1/categories")  # load the category tree once for this revision
    for path in LISTS:
        counts = []
        for n in (1, 100):
            count_queries.statements.clear()
            response = await client.get(path.format(n=n))
            assert response.status_code == 200, path
            counts.append(count_queries.count)
        assert counts[0] == counts[1], (path, count_queries.statements)
        assert counts[1] <= 5, (path, count_queries.statements)


async def test_article_detail_and_feed_are_a_fixed_handful_of_statements(
    client: httpx.AsyncClient, many: None, count_queries: QueryCounter
) -> None:
    await client.get("/v1/categories")  # warm the category tree for this revision
    count_queries.statements.clear()
    articles = (await client.get("/v1/articles?limit=1")).json()["items"]
    count_queries.statements.clear()
    detail = await client.get(f"/v1/articles/{articles[0]['id']}")
    assert len(detail.json()["related"]) == 39
    assert count_queries.count <= 5, count_queries.statements
    count_queries.statements.clear()
    await client.get("/v1/feed?per_section=20&top=50")
    assert count_queries.count <= 7, count_queries.statements


async def test_a_revalidation_costs_one_statement(
    client: httpx.AsyncClient, newsroom: Newsroom, count_queries: QueryCounter
) -> None:
    etag = (await client.get("/v1/articles")).headers["etag"]
    count_queries.statements.clear()
    response = await client.get("/v1/articles", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert count_queries.count == 1
