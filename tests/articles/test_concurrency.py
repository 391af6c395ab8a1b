"""No lost updates under real concurrency: a database of its own per test (not the shared
rolled-back transaction), real connections, requests racing on one event loop."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.workflow import publish_scheduled
from app.core.database import Database, make_engine
from app.models import Article, ArticleRevision, AuditEntry, Category, User
from app.models.base import utcnow
from tests.accounts import bearer, user
from tests.conftest import app_on

RACERS = 20


async def _newsroom(database: Database) -> tuple[dict[str, str], int]:
    async with database.write_sessions() as session, session.begin():
        editor = await user(session, "editor", "editor")
        section = Category(slug="دولي", name="دولي", tree_path="/")
        session.add(section)
        await session.flush()
        section.tree_path = f"/{section.id}/"
        headers = bearer(editor)
    return headers, section.id


async def test_twenty_patches_with_one_etag_one_wins_the_rest_get_412(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = racing_app
    headers, section_id = await _newsroom(database)
    created = await client.post(
        "/v1/articles", json={"title": "خبر", "category_id": section_id}, headers=headers
    )
    assert created.status_code == 201, created.text
    article_id, etag = created.json()["id"], created.headers["etag"]

    async def patch(n: int) -> httpx.Response:
        return await client.patch(
            f"/v1/articles/{article_id}",
            json={"summary": f"نسخة {n}"},
            headers={**headers, "If-Match": etag},
        )

    responses = await asyncio.gather(*(patch(n) for n in range(RACERS)))

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {200: 1, 412: RACERS - 1}, [
        r.text for r in responses if r.status_code >= 500
    ]
    winner = next(r for r in responses if r.status_code == 200).json()
    async with AsyncSession(database.write_engine) as session:
        revisions = (
            await session.scalars(
                select(ArticleRevision)
                .where(ArticleRevision.article_id == article_id)
                .order_by(ArticleRevision.number)
            )
        ).all()
        article = await session.get(Article, article_id)
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].data["summary"] == winner["summary"]
    assert article is not None
    assert article.version == 2
    assert article.summary == winner["summary"]


async def test_two_schedulers_publish_a_due_article_once(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = racing_app
    headers, section_id = await _newsroom(database)
    created = (
        await client.post(
            "/v1/articles", json={"title": "مجدول", "category_id": section_id}, headers=headers
        )
    ).json()
    when = utcnow() + timedelta(minutes=5)
    scheduled = await client.post(
        f"/v1/articles/{created['id']}/publish",
        json={"publish_at": when.isoformat()},
        headers=headers,
    )
    assert scheduled.json()["status"] == "scheduled"

    # Two workers' schedulers, each with connections of its own.
    engines = [make_engine(str(database.write_engine.url)) for _ in range(2)]
    try:
        results = await asyncio.gather(
            *(
                publish_scheduled(
                    async_sessionmaker(engine, expire_on_commit=False),
                    now=when + timedelta(seconds=1),
                )
                for engine in engines
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()

    assert sorted(len(ids) for ids in results) == [0, 1]
    async with AsyncSession(database.write_engine) as session:
        publications = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "article.publish")
        )
        revisions = await session.scalar(
            select(func.count())
            .select_from(ArticleRevision)
            .where(ArticleRevision.article_id == created["id"])
        )
    assert publications == 1
    assert revisions == 3  # created, scheduled, published
    editorial = await client.get(f"/v1/articles/{created['id']}", headers=headers)
    assert editorial.json()["status"] == "published"
    assert editorial.json()["published_at"] == scheduled.json()["publish_at"]


@pytest.fixture
async def clocked_app(own_database: str) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """The app as it runs in production: its clock ticking (every 50 ms here)."""
    async with app_on(own_database, content_clock_seconds=0.05) as running:
        yield running


async def test_a_scheduled_article_goes_live_by_itself(
    clocked_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = clocked_app
    headers, section_id = await _newsroom(database)
    created = (
        await client.post(
            "/v1/articles", json={"title": "يُنشر وحده", "category_id": section_id}, headers=headers
        )
    ).json()
    url = f"/v1/articles/{created['id']}"
    publish_at = utcnow() + timedelta(milliseconds=300)
    await client.post(
        f"{url}/publish", json={"publish_at": publish_at.isoformat()}, headers=headers
    )
    assert (await client.get(url)).status_code == 404

    deadline = utcnow() + timedelta(seconds=10)
    while (await client.get(url)).status_code != 200:
        assert utcnow() < deadline, "the scheduler did not publish the article"
        await asyncio.sleep(0.05)
    listed = (await client.get("/v1/articles")).json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]


async def test_concurrent_wrong_passwords_cannot_outrun_the_login_limit(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = racing_app
    await _newsroom(database)
    responses = await asyncio.gather(
        *(
            client.post("/v1/auth/token", data={"username": "editor", "password": f"guess {n}"})
            for n in range(30)
        )
    )
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {401: 5, 429: 25}


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = racing_app
    async with database.write_sessions() as session, session.begin():
        first, second = (
            await user(session, "admin1", "admin"),
            await user(session, "admin2", "admin"),
        )
        tokens = bearer(first), bearer(second)
    responses = await asyncio.gather(
        client.patch(f"/v1/users/{second.id}", json={"is_active": False}, headers=tokens[0]),
        client.patch(f"/v1/users/{first.id}", json={"is_active": False}, headers=tokens[1]),
    )
    assert sorted(r.status_code for r in responses) in ([200, 401], [200, 409])
    async with AsyncSession(database.write_engine) as session:
        admins = await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.is_active.is_(True))
        )
    assert admins == 1


async def test_articles_created_at_once_with_one_title_get_distinct_slugs(
    racing_app: tuple[httpx.AsyncClient, Database],
) -> None:
    client, database = racing_app
    headers, section_id = await _newsroom(database)
    responses = await asyncio.gather(
        *(
            client.post(
                "/v1/articles", json={"title": "عاجل", "category_id": section_id}, headers=headers
            )
            for _ in range(5)
        )
    )
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert len({r.json()["slug"] for r in responses}) == 5
