"""What each role may read and do: writers their own drafts, editors everything; credentials
make responses private."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.articles.schemas import ArticleEditorialRead, ArticleList
from app.core.database import Database
from app.core.revision import SessionRevisionSource
from app.core.settings import get_settings
from app.main import create_app
from tests.accounts import Staff, bearer
from tests.conftest import _joined_sessions
from tests.newsroom import Newsroom


async def test_writers_read_their_own_drafts_and_not_others(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    created = await client.post(
        "/v1/articles",
        json={"title": "مسودتي", "category_id": newsroom.world.id},
        headers=bearer(staff.writer),
    )
    url = f"/v1/articles/{created.json()['id']}"
    own = await client.get(url, headers=bearer(staff.writer))
    assert own.status_code == 200
    ArticleEditorialRead.model_validate(own.json())
    assert own.headers["etag"] == created.headers["etag"]
    assert own.headers["cache-control"] == "private, no-store"
    assert (await client.get(url, headers=bearer(staff.other_writer))).status_code == 404
    assert (
        await client.get(f"{url}/revisions", headers=bearer(staff.other_writer))
    ).status_code == 404
    by_slug = await client.get(
        f"/v1/articles/by-slug/{created.json()['slug']}", headers=bearer(staff.writer)
    )
    assert by_slug.json()["id"] == created.json()["id"]


async def test_editors_read_every_article_with_its_workflow_fields(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    for article in newsroom.hidden:
        response = await client.get(f"/v1/articles/{article.id}", headers=bearer(staff.editor))
        assert response.status_code == 200, article.status
        body = ArticleEditorialRead.model_validate(response.json())
        assert body.status == article.status
        assert response.headers["etag"] == f'"{article.id}-{article.version}"'


async def test_a_writer_reading_a_published_article_gets_the_public_one_privately(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    response = await client.get(f"/v1/articles/{newsroom.lead.id}", headers=bearer(staff.writer))
    assert response.status_code == 200
    assert "publish_at" not in response.json()
    assert response.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in response.headers


async def test_lists_never_show_drafts_even_to_editors(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    listed = await client.get("/v1/articles?limit=100", headers=bearer(staff.editor))
    ids = {item["id"] for item in listed.json()["items"]}
    assert newsroom.draft.id not in ids
    assert newsroom.archived.id not in ids
    assert newsroom.scheduled.id not in ids


async def test_credentialed_browsers_are_allowed_only_from_configured_origins(
    client: httpx.AsyncClient,
) -> None:
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    refused = await client.options("/v1/articles", headers=preflight)
    assert refused.status_code == 400
    public = await client.get("/v1/articles", headers={"Origin": "https://any.example"})
    assert public.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in public.headers


async def test_a_configured_origin_may_send_credentials(
    engine: AsyncEngine, connection: AsyncConnection
) -> None:
    settings = get_settings().model_copy(update={"cors_origins": "https://desk.news.example"})
    sessions = _joined_sessions(connection)
    database = Database(engine, engine, sessions, sessions, SessionRevisionSource(sessions))
    app = create_app(settings, database)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://api.example") as c:
            response = await c.options(
                "/v1/articles",
                headers={
                    "Origin": "https://desk.news.example",
                    "Access-Control-Request-Method": "PATCH",
                    "Access-Control-Request-Headers": "authorization,if-match,content-type",
                },
            )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://desk.news.example"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "PATCH" in response.headers["access-control-allow-methods"]


async def test_the_newsroom_lists_articles_by_status_last_changed_first(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    writer = bearer(staff.writer)
    mine = []
    for title in ("أولى", "ثانية", "ثالثة"):
        created = await client.post(
            "/v1/articles", json={"title": title, "category_id": newsroom.world.id}, headers=writer
        )
        mine.append(created.json()["id"])
    await client.post(
        "/v1/articles",
        json={"title": "لغيري", "category_id": newsroom.world.id},
        headers=bearer(staff.other_writer),
    )

    first = await client.get("/v1/articles?status=draft&limit=2", headers=writer)
    assert first.status_code == 200, first.text
    page = ArticleList.model_validate(first.json())
    assert [item.id for item in page.items] == [mine[2], mine[1]]
    assert first.headers["cache-control"] == "private, no-store"
    rest = await client.get(
        f"/v1/articles?status=draft&limit=2&cursor={page.next_cursor}", headers=writer
    )
    assert [item["id"] for item in rest.json()["items"]] == [mine[0]]

    editor_view = await client.get(
        "/v1/articles?status=draft,scheduled&limit=100", headers=bearer(staff.editor)
    )
    statuses = {item["status"] for item in editor_view.json()["items"]}
    ids = {item["id"] for item in editor_view.json()["items"]}
    assert statuses == {"draft", "scheduled"}
    assert set(mine) <= ids
    assert {newsroom.draft.id, newsroom.scheduled.id} <= ids

    assert (await client.get("/v1/articles?status=draft")).status_code == 401
    assert (await client.get("/v1/articles?status=secret", headers=writer)).status_code == 422
