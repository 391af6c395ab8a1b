"""Writing tags: create, rename, delete (with their links), and who may do it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ArticleTag, AuditEntry, Tag
from app.tags.schemas import TagRead
from tests import factories
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.newsroom import Newsroom


def url(slug: str) -> str:
    return "/v1/tags/" + quote(slug, safe="")


async def audit(session: AsyncSession, tag_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.resource_type == "tag", AuditEntry.resource_id == str(tag_id))
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows.all()]


async def card_tags(client: httpx.AsyncClient, article_id: int) -> list[dict[str, str]]:
    items = (await client.get("/v1/articles")).json()["items"]
    tags: list[dict[str, str]] = next(i["tags"] for i in items if i["id"] == article_id)
    return tags


async def test_an_editor_creates_an_arabic_tag(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    response = await client.post(
        "/v1/tags", json={"name": "الاقتصاد العالمي"}, headers=staff.headers(staff.editor)
    )
    assert response.status_code == 201, response.text
    tag = TagRead.model_validate(response.json())
    assert tag.slug == "الاقتصاد-العالمي"
    assert tag.language == "ar"
    assert tag.direction == "rtl"
    assert response.headers["location"] == url("الاقتصاد-العالمي")
    assert response.headers["cache-control"] == "private, no-store"
    public = await client.get(response.headers["location"])
    assert public.json() == response.json()
    assert await audit(session, tag.id) == [("tag.create", {"slug": "الاقتصاد-العالمي"})]


async def test_a_given_slug_is_normalised_and_kept_unique(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    response = await client.post(
        "/v1/tags",
        json={"name": "Climate", "slug": "Climate_Change", "language": "en"},
        headers=editor,
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "climate-change"
    assert response.json()["direction"] == "ltr"
    # Without a slug, a name already used gets the next free one.
    again = await client.post("/v1/tags", json={"name": "الانتخابات"}, headers=editor)
    assert again.json()["slug"] == "الانتخابات-2"

    before = await database_state(session)
    taken = await client.post(
        "/v1/tags", json={"name": "اقتراع", "slug": "الانتخابات"}, headers=editor
    )
    renamed = await client.patch(url("climate-change"), json={"slug": "الانتخابات"}, headers=editor)
    for refused in (taken, renamed):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"] == ["body", "slug"]
    assert await database_state(session) == before


async def test_patch_renames_a_tag_and_the_articles_show_it(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.patch(
        url("الانتخابات"),
        json={"name": "انتخابات ٢٠٢٦", "slug": "انتخابات-٢٠٢٦"},
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "انتخابات ٢٠٢٦"
    assert response.json()["slug"] == "انتخابات-٢٠٢٦"
    assert (await client.get(url("الانتخابات"))).status_code == 404
    assert (await client.get(url("انتخابات-٢٠٢٦"))).status_code == 200
    assert await card_tags(client, newsroom.lead.id) == [
        {"slug": "انتخابات-٢٠٢٦", "name": "انتخابات ٢٠٢٦"}
    ]
    assert await audit(session, newsroom.elections.id) == [
        ("tag.update", {"changed": ["name", "slug"]})
    ]


async def test_deleting_a_tag_removes_it_from_its_articles(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.delete(url("الانتخابات"), headers=staff.headers(staff.editor))
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert (await client.get(url("الانتخابات"))).status_code == 404
    assert await card_tags(client, newsroom.lead.id) == []
    links = await session.scalars(
        select(ArticleTag).where(ArticleTag.tag_id == newsroom.elections.id)
    )
    assert links.all() == []
    assert await audit(session, newsroom.elections.id) == [
        ("tag.delete", {"slug": "الانتخابات", "articles": 3})
    ]


async def test_an_unknown_slug_is_404(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    patched = await client.patch(url("لا-يوجد"), json={"name": "س"}, headers=editor)
    assert patched.status_code == 404
    assert (await client.delete(url("لا-يوجد"), headers=editor)).status_code == 404
    assert await database_state(session) == before


async def test_writers_and_anonymous_callers_may_not_write_tags(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    before = await database_state(session)
    writer = staff.headers(staff.writer)
    for headers, status in ((writer, 403), ({}, 401)):
        responses = [
            await client.post("/v1/tags", json={"name": "جديد"}, headers=headers),
            await client.patch(url("الانتخابات"), json={"name": "جديد"}, headers=headers),
            await client.delete(url("الانتخابات"), headers=headers),
        ]
        assert [r.status_code for r in responses] == [status] * 3
    assert await database_state(session) == before


async def test_unknown_server_kept_and_mistyped_fields_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    await factories.tag(session, "بيئة")
    before = await database_state(session)
    cases = [
        ("post", {"name": "جديد", "colour": "أحمر"}, "colour"),
        ("post", {"name": "جديد", "id": 9}, "id"),
        ("post", {"slug": "جديد"}, "name"),
        ("post", {"name": 7}, "name"),
        ("patch", {"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
        ("patch", {"direction": "ltr"}, "direction"),
        ("patch", {"name": None}, "name"),
        ("patch", {"language": "not a language"}, "language"),
    ]
    for method, body, field in cases:
        if method == "post":
            response = await client.post("/v1/tags", json=body, headers=editor)
        else:
            response = await client.patch(url("بيئة"), json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
        assert ["body", field] in [e["loc"] for e in response.json()["errors"]], body
    assert await database_state(session) == before
    assert await session.scalar(select(Tag.name).where(Tag.slug == "بيئة")) == "بيئة"
