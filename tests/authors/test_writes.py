"""Writing bylines: create with an avatar, change, delete (with their links), and who may do it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.authors.schemas import AuthorRead
from app.models import ArticleAuthor, AuditEntry, Author
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.newsroom import Newsroom

AHMAD = "أحمد-المصري"


def url(slug: str) -> str:
    return "/v1/authors/" + quote(slug, safe="")


async def audit(session: AsyncSession, author_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.resource_type == "author", AuditEntry.resource_id == str(author_id))
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows.all()]


async def card_authors(client: httpx.AsyncClient, article_id: int) -> list[dict[str, Any]]:
    items = (await client.get("/v1/articles")).json()["items"]
    authors: list[dict[str, Any]] = next(i["authors"] for i in items if i["id"] == article_id)
    return authors


async def test_an_editor_creates_an_arabic_byline_with_an_avatar(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.post(
        "/v1/authors",
        json={
            "name": "ليلى حسن",
            "bio": "مراسلة الشؤون الاقتصادية",
            "avatar_media_id": newsroom.photo.id,
            "user_id": staff.writer.id,
        },
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 201, response.text
    author = AuthorRead.model_validate(response.json())
    assert author.slug == "ليلى-حسن"
    assert author.direction == "rtl"
    assert author.bio == "مراسلة الشؤون الاقتصادية"
    assert author.avatar is not None
    assert author.avatar.id == newsroom.photo.id
    assert response.headers["location"] == url("ليلى-حسن")
    assert (await client.get(response.headers["location"])).json() == response.json()
    row = await session.get(Author, author.id)
    assert row is not None
    assert row.user_id == staff.writer.id
    assert await audit(session, author.id) == [("author.create", {"slug": "ليلى-حسن"})]


async def test_patch_changes_a_byline_and_the_articles_show_it(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    response = await client.patch(
        url(AHMAD),
        json={"name": "أحمد علي المصري", "avatar_media_id": newsroom.photo.id},
        headers=editor,
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "أحمد علي المصري"
    assert response.json()["slug"] == AHMAD  # the slug stays unless sent
    assert response.json()["avatar"]["id"] == newsroom.photo.id
    assert (await card_authors(client, newsroom.english_story.id))[0]["name"] == "أحمد علي المصري"

    cleared = await client.patch(
        url(AHMAD), json={"avatar_media_id": None, "bio": None, "slug": "ahmad"}, headers=editor
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["avatar"] is None
    assert cleared.json()["bio"] is None
    assert cleared.headers["cache-control"] == "private, no-store"
    assert (await client.get(url("ahmad"))).status_code == 200
    assert (await client.get(url(AHMAD))).status_code == 404
    assert await audit(session, newsroom.ahmad.id) == [
        ("author.update", {"changed": ["name", "avatar_media_id"]}),
        ("author.update", {"changed": ["slug", "bio", "avatar_media_id"]}),
    ]


async def test_references_to_nothing_are_refused_and_change_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    cases = [
        (
            await client.post(
                "/v1/authors", json={"name": "س", "avatar_media_id": 999_999}, headers=editor
            ),
            "avatar_media_id",
        ),
        (
            await client.patch(url(AHMAD), json={"avatar_media_id": 999_999}, headers=editor),
            "avatar_media_id",
        ),
        (await client.patch(url(AHMAD), json={"user_id": 999_999}, headers=editor), "user_id"),
        (
            await client.post("/v1/authors", json={"name": "س", "slug": AHMAD}, headers=editor),
            "slug",
        ),
    ]
    for response, field in cases:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", field]
    assert await database_state(session) == before


async def test_deleting_a_byline_removes_it_from_its_articles(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.delete(url(AHMAD), headers=staff.headers(staff.admin))
    assert response.status_code == 204, response.text
    assert (await client.get(url(AHMAD))).status_code == 404
    assert await card_authors(client, newsroom.english_story.id) == []
    assert await card_authors(client, newsroom.lead.id) == []
    links = await session.scalars(
        select(ArticleAuthor).where(ArticleAuthor.author_id == newsroom.ahmad.id)
    )
    assert links.all() == []
    assert await audit(session, newsroom.ahmad.id) == [
        ("author.delete", {"slug": AHMAD, "articles": 2})
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


async def test_writers_and_anonymous_callers_may_not_write_bylines(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    before = await database_state(session)
    writer = staff.headers(staff.writer)
    for headers, status in ((writer, 403), ({}, 401)):
        responses = [
            await client.post("/v1/authors", json={"name": "جديد"}, headers=headers),
            await client.patch(url(AHMAD), json={"name": "جديد"}, headers=headers),
            await client.delete(url(AHMAD), headers=headers),
        ]
        assert [r.status_code for r in responses] == [status] * 3
    assert await database_state(session) == before


async def test_unknown_server_kept_and_mistyped_fields_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    cases = [
        ("post", {"name": "جديد", "twitter": "@x"}, "twitter"),
        ("post", {"name": "جديد", "id": 9}, "id"),
        ("post", {"name": "جديد", "avatar": {"id": newsroom.photo.id}}, "avatar"),
        ("patch", {"updated_at": "2026-01-01T00:00:00Z"}, "updated_at"),
        ("patch", {"avatar_media_id": "photo"}, "avatar_media_id"),
        ("patch", {"name": None}, "name"),
        ("patch", {"slug": None}, "slug"),
    ]
    for method, body, field in cases:
        if method == "post":
            response = await client.post("/v1/authors", json=body, headers=editor)
        else:
            response = await client.patch(url(AHMAD), json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
        assert ["body", field] in [e["loc"] for e in response.json()["errors"]], body
    assert await database_state(session) == before
