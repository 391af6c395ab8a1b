"""Writing articles: drafts, If-Match, revisions, archive and restore, sanitising, and who
may do what."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.schemas import RevisionList
from app.models import Article, ArticleRevision, AuditEntry
from tests.accounts import Staff
from tests.newsroom import Newsroom

ARABIC_BODY = (
    '<h2 dir="rtl">خلفية</h2><p>انطلقت <strong>المفاوضات</strong> صباح اليوم.'
    '<script>alert(1)</script></p><p onclick="steal()">نص</p>'
    '<a href="javascript:alert(1)">رابط</a><a href="https://example.org/x">مصدر</a>'
)


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], newsroom: Newsroom, **fields: Any
) -> httpx.Response:
    body = {"title": "مفاوضات جديدة في الدوحة", "category_id": newsroom.world.id, **fields}
    return await client.post("/v1/articles", json=body, headers=headers)


async def test_a_writer_drafts_an_arabic_article_with_sanitised_html(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    response = await create(
        client,
        staff.headers(staff.writer),
        newsroom,
        body_html=ARABIC_BODY,
        tag_ids=[newsroom.elections.id],
        author_ids=[newsroom.ahmad.id],
    )
    assert response.status_code == 201, response.text
    article = response.json()
    assert response.headers["location"] == f"/v1/articles/{article['id']}"
    assert response.headers["etag"] == f'"{article["id"]}-1"'
    assert response.headers["cache-control"] == "private, no-store"
    assert article["status"] == "draft"
    assert article["version"] == 1
    assert article["slug"] == "مفاوضات-جديدة-في-الدوحة"
    assert article["direction"] == "rtl"
    assert article["created_by_id"] == staff.writer.id
    html = article["body_html"]
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert '<h2 dir="rtl">خلفية</h2>' in html
    assert 'href="https://example.org/x"' in html
    assert article["body_blocks"][0] == {
        "type": "heading",
        "level": 2,
        "text": "خلفية",
        "dir": "rtl",
    }
    assert "انطلقت المفاوضات صباح اليوم." in article["body_text"]
    assert "alert" not in article["body_text"]
    assert article["tags"] == [{"slug": newsroom.elections.slug, "name": newsroom.elections.name}]
    # A draft is nobody's business but the newsroom's.
    assert (await client.get(f"/v1/articles/{article['id']}")).status_code == 404


async def test_patch_needs_if_match_and_refuses_a_stale_one(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    created = (await create(client, editor, newsroom)).json()
    url = f"/v1/articles/{created['id']}"

    missing = await client.patch(url, json={"kicker": "عاجل"}, headers=editor)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"

    first = await client.patch(
        url, json={"kicker": "عاجل"}, headers={**editor, "If-Match": f'"{created["id"]}-1"'}
    )
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    assert first.headers["etag"] == f'"{created["id"]}-2"'

    stale = await client.patch(
        url, json={"kicker": "متابعة"}, headers={**editor, "If-Match": f'"{created["id"]}-1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    weak = await client.patch(
        url, json={"kicker": "متابعة"}, headers={**editor, "If-Match": f'W/"{created["id"]}-2"'}
    )
    assert weak.status_code == 412

    article = await session.get(Article, created["id"])
    assert article is not None
    assert article.kicker == "عاجل"
    numbers = (
        await session.scalars(
            select(ArticleRevision.number).where(ArticleRevision.article_id == created["id"])
        )
    ).all()
    assert sorted(numbers) == [1, 2]


async def test_revisions_list_and_restore_as_a_new_save(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    created = (await create(client, editor, newsroom, summary="الأولى")).json()
    url = f"/v1/articles/{created['id']}"
    await client.patch(
        url, json={"summary": "الثانية"}, headers={**editor, "If-Match": f'"{created["id"]}-1"'}
    )

    revisions = (await client.get(f"{url}/revisions", headers=editor)).json()["items"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["data"]["summary"] == "الثانية"
    assert revisions[1]["data"]["summary"] == "الأولى"
    assert revisions[1]["created_by"] == {"id": staff.editor.id, "username": "editor"}
    assert revisions[1]["data"]["published_at"] is None
    RevisionList.model_validate({"items": revisions, "next_cursor": None})

    restored = await client.post(f"{url}/revisions/1/restore", headers=editor)
    assert restored.status_code == 200, restored.text
    assert restored.json()["summary"] == "الأولى"
    assert restored.json()["version"] == 3
    latest = (await client.get(f"{url}/revisions", headers=editor)).json()["items"][0]
    assert latest["number"] == 3
    assert latest["data"]["summary"] == "الأولى"


async def test_editor_schedules_and_the_scheduler_publishes_once(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff, app: Any
) -> None:
    from datetime import timedelta

    from app.articles.workflow import publish_scheduled
    from app.models.base import utcnow

    writer, editor = staff.headers(staff.writer), staff.headers(staff.editor)
    draft = (await create(client, writer, newsroom)).json()
    url = f"/v1/articles/{draft['id']}"
    assert (await client.post(f"{url}/publish", headers=writer)).status_code == 403

    when = utcnow() + timedelta(minutes=10)
    scheduled = await client.post(
        f"{url}/publish", json={"publish_at": when.isoformat()}, headers=editor
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled"
    assert (await client.get(url)).status_code == 404

    sessions = app.state.database.write_sessions
    assert await publish_scheduled(sessions, now=utcnow()) == []
    assert await publish_scheduled(sessions, now=when + timedelta(seconds=1)) == [draft["id"]]
    assert await publish_scheduled(sessions, now=when + timedelta(seconds=2)) == []

    editorial = (await client.get(url, headers=editor)).json()
    assert editorial["status"] == "published"
    assert editorial["published_at"] is not None


async def test_archive_is_undone_by_restore(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    created = (await create(client, editor, newsroom)).json()
    url = f"/v1/articles/{created['id']}"
    await client.post(f"{url}/publish", headers=editor)
    assert (await client.get(url)).status_code == 200
    etag = (await client.get(url, headers=editor)).headers["etag"]

    archived = await client.delete(url, headers={**editor, "If-Match": etag})
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived"
    assert (await client.get(url)).status_code == 404

    again = await client.post(f"{url}/publish", headers=editor)
    assert again.status_code == 409
    assert again.json()["allowed_transitions"] == ["restore"]

    restored = await client.post(f"{url}/restore", headers=editor)
    assert restored.json()["status"] == "published"
    assert (await client.get(url)).status_code == 200
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.resource_id == str(created["id"]))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["article.create", "article.publish", "article.archive", "article.restore"]
    count = await session.scalar(
        select(func.count()).where(ArticleRevision.article_id == created["id"])
    )
    assert count == 4
