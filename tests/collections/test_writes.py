"""Writing collections: create, replace the whole order in one call, delete, and who may."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.collections.schemas import CollectionEditorialRead, CollectionRead
from app.models import Article, AuditEntry, CollectionItem
from tests import factories
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.newsroom import Newsroom


def url(slug: str) -> str:
    return "/v1/collections/" + quote(slug, safe="")


async def audit(session: AsyncSession, collection_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(
            AuditEntry.resource_type == "collection",
            AuditEntry.resource_id == str(collection_id),
        )
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows.all()]


async def stored_order(session: AsyncSession, collection_id: int) -> list[tuple[int, int]]:
    rows = await session.execute(
        select(CollectionItem.article_id, CollectionItem.position)
        .where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.position)
    )
    return [(article_id, position) for article_id, position in rows.all()]


async def test_an_editor_creates_an_arabic_collection_in_order(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    order = [newsroom.sport_story.id, newsroom.draft.id, newsroom.lead.id]
    response = await client.post(
        "/v1/collections",
        json={"title": "أهم الأخبار", "description": "يختارها المحررون", "article_ids": order},
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 201, response.text
    collection = CollectionEditorialRead.model_validate(response.json())
    assert collection.slug == "أهم-الأخبار"
    assert collection.direction == "rtl"
    assert response.headers["location"] == url("أهم-الأخبار")
    assert response.headers["cache-control"] == "private, no-store"
    # The whole order for the newsroom; the public items leave the draft out.
    assert collection.article_ids == order
    assert [item.id for item in collection.items] == [newsroom.sport_story.id, newsroom.lead.id]
    public = CollectionRead.model_validate((await client.get(url("أهم-الأخبار"))).json())
    assert [item.id for item in public.items] == [newsroom.sport_story.id, newsroom.lead.id]
    assert public.description == "يختارها المحررون"
    assert await audit(session, collection.id) == [
        ("collection.create", {"slug": "أهم-الأخبار", "article_ids": order})
    ]


async def test_patch_replaces_the_whole_order_in_one_call(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    first = [newsroom.sport_story, newsroom.lead, newsroom.english_story]
    collection = await factories.collection(session, "top-stories", "أهم الأخبار", first)
    order = [newsroom.lead.id, newsroom.mideast_story.id, newsroom.sport_story.id]
    response = await client.patch(
        url("top-stories"), json={"article_ids": order}, headers=staff.headers(staff.editor)
    )
    assert response.status_code == 200, response.text
    assert response.json()["article_ids"] == order
    public = (await client.get(url("top-stories"))).json()
    assert [item["id"] for item in public["items"]] == order
    assert await stored_order(session, collection.id) == [(order[i], i) for i in range(3)]
    assert await audit(session, collection.id) == [
        ("collection.update", {"changed": ["article_ids"], "article_ids": order})
    ]

    emptied = await client.patch(
        url("top-stories"),
        json={"article_ids": [], "title": "مختارات"},
        headers=staff.headers(staff.editor),
    )
    assert emptied.status_code == 200, emptied.text
    assert emptied.json()["items"] == []
    assert emptied.json()["title"] == "مختارات"
    assert await stored_order(session, collection.id) == []


async def test_a_new_slug_moves_the_collection(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    await factories.collection(session, "picks", "Picks", [newsroom.lead], language="en")
    response = await client.patch(
        url("picks"), json={"slug": "مختارات المحرر"}, headers=staff.headers(staff.editor)
    )
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == "مختارات-المحرر"
    assert (await client.get(url("picks"))).status_code == 404
    assert (await client.get(url("مختارات-المحرر"))).json()["items"][0]["id"] == newsroom.lead.id


async def test_unknown_or_repeated_articles_are_refused_and_change_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    await factories.collection(session, "top-stories", "أهم الأخبار", [newsroom.lead])
    before = await database_state(session)
    lead = newsroom.lead.id
    unknown = await client.patch(
        url("top-stories"), json={"article_ids": [lead, 999_999]}, headers=editor
    )
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["loc"] == ["body", "article_ids", 1]
    created = await client.post(
        "/v1/collections", json={"title": "س", "article_ids": [999_999]}, headers=editor
    )
    assert created.json()["errors"][0]["loc"] == ["body", "article_ids", 0]
    repeated = await client.patch(
        url("top-stories"), json={"article_ids": [lead, newsroom.draft.id, lead]}, headers=editor
    )
    assert repeated.status_code == 422, repeated.text
    assert repeated.json()["errors"][0]["loc"] == ["body", "article_ids"]
    assert "twice" in repeated.json()["errors"][0]["msg"]
    taken = await client.post(
        "/v1/collections", json={"title": "س", "slug": "top-stories"}, headers=editor
    )
    assert taken.json()["errors"][0]["loc"] == ["body", "slug"]
    assert await database_state(session) == before


async def test_deleting_a_collection_keeps_its_articles(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    collection = await factories.collection(session, "top-stories", "أهم", newsroom.public)
    response = await client.delete(url("top-stories"), headers=staff.headers(staff.editor))
    assert response.status_code == 204, response.text
    assert (await client.get(url("top-stories"))).status_code == 404
    assert await stored_order(session, collection.id) == []
    assert await session.scalar(select(Article.id).where(Article.id == newsroom.lead.id))
    assert await audit(session, collection.id) == [("collection.delete", {"slug": "top-stories"})]


async def test_an_unknown_slug_is_404(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    patched = await client.patch(url("لا-يوجد"), json={"title": "س"}, headers=editor)
    assert patched.status_code == 404
    assert (await client.delete(url("لا-يوجد"), headers=editor)).status_code == 404
    assert await database_state(session) == before


async def test_writers_and_anonymous_callers_may_not_write_collections(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    await factories.collection(session, "top-stories", "أهم", [newsroom.lead])
    before = await database_state(session)
    writer = staff.headers(staff.writer)
    for headers, status in ((writer, 403), ({}, 401)):
        responses = [
            await client.post("/v1/collections", json={"title": "جديد"}, headers=headers),
            await client.patch(url("top-stories"), json={"article_ids": []}, headers=headers),
            await client.delete(url("top-stories"), headers=headers),
        ]
        assert [r.status_code for r in responses] == [status] * 3
    assert await database_state(session) == before


async def test_unknown_server_kept_and_mistyped_fields_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    await factories.collection(session, "top-stories", "أهم", [newsroom.lead])
    before = await database_state(session)
    cases = [
        ("post", {"title": "جديد", "articles": [1]}, "articles"),
        ("post", {"title": "جديد", "id": 9}, "id"),
        ("post", {"description": "بلا عنوان"}, "title"),
        ("patch", {"items": []}, "items"),
        ("patch", {"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
        ("patch", {"article_ids": None}, "article_ids"),
        ("patch", {"article_ids": "1,2"}, "article_ids"),
        ("patch", {"article_ids": [0]}, "article_ids"),
        ("patch", {"title": None}, "title"),
    ]
    for method, body, field in cases:
        if method == "post":
            response = await client.post("/v1/collections", json=body, headers=editor)
        else:
            response = await client.patch(url("top-stories"), json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
        assert ["body", field] == response.json()["errors"][0]["loc"][:2], body
    assert await database_state(session) == before
