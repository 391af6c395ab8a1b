"""Every refused write leaves the database exactly as it was, and says why."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.accounts import Staff, bearer
from tests.dbstate import database_state
from tests.newsroom import Newsroom


@pytest.fixture
async def draft(client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom) -> dict[str, Any]:
    response = await client.post(
        "/v1/articles",
        json={"title": "مسودة الكاتب", "category_id": newsroom.world.id},
        headers=bearer(staff.writer),
    )
    return {"id": response.json()["id"], "etag": response.headers["etag"]}


async def _patch(
    client: httpx.AsyncClient, staff: Staff, draft: dict[str, Any], body: dict[str, Any]
) -> httpx.Response:
    return await client.patch(
        f"/v1/articles/{draft['id']}",
        json=body,
        headers={**bearer(staff.editor), "If-Match": draft["etag"]},
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 99),
        ("version", 7),
        ("status", "published"),
        ("created_by", 1),
        ("created_by_id", 1),
        ("published_at", "2026-01-01T00:00:00Z"),
    ],
)
async def test_fields_the_caller_may_not_set_are_422_naming_the_field(
    client: httpx.AsyncClient,
    staff: Staff,
    draft: dict[str, Any],
    session: AsyncSession,
    field: str,
    value: Any,
) -> None:
    before = await database_state(session)
    response = await _patch(client, staff, draft, {"kicker": "جديد", field: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert await database_state(session) == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"headline": "x"}, ["body", "headline"]),
        ({"title": None}, ["body", "title"]),
        ({"title": ""}, ["body", "title"]),
        ({"language": "not a tag!"}, ["body", "language"]),
        ({"embargo_until": "2030-01-01T00:00:00"}, ["body", "embargo_until"]),
        ({"tag_ids": [1, 1]}, ["body", "tag_ids"]),
        ({"category_id": 999_999}, ["body", "category_id"]),
        ({"tag_ids": [999_999]}, ["body", "tag_ids", 0]),
        ({"author_ids": [999_999]}, ["body", "author_ids", 0]),
        ({"featured_media_id": 999_999}, ["body", "featured_media_id"]),
        ({"media": [{"media_id": 1, "role": "hero"}]}, ["body", "media", 0, "role"]),
        ({"source_url": "javascript:alert(1)"}, ["body", "source_url"]),
    ],
)
async def test_invalid_values_are_422_and_change_nothing(
    client: httpx.AsyncClient,
    staff: Staff,
    draft: dict[str, Any],
    session: AsyncSession,
    body: dict[str, Any],
    loc: list[Any],
) -> None:
    before = await database_state(session)
    response = await _patch(client, staff, draft, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == loc
    assert await database_state(session) == before


async def test_a_slug_taken_or_a_self_relation_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
    staff: Staff,
    draft: dict[str, Any],
    newsroom: Newsroom,
    session: AsyncSession,
) -> None:
    before = await database_state(session)
    taken = await _patch(client, staff, draft, {"slug": newsroom.lead.slug})
    itself = await _patch(client, staff, draft, {"related_ids": [draft["id"]]})
    assert taken.status_code == itself.status_code == 422
    assert taken.json()["errors"][0]["loc"] == ["body", "slug"]
    assert itself.json()["errors"][0]["loc"] == ["body", "related_ids"]
    assert await database_state(session) == before


async def test_preconditions_428_and_412_change_nothing(
    client: httpx.AsyncClient, staff: Staff, draft: dict[str, Any], session: AsyncSession
) -> None:
    before = await database_state(session)
    url = f"/v1/articles/{draft['id']}"
    editor = bearer(staff.editor)
    no_if_match = [
        await client.patch(url, json={"kicker": "x"}, headers=editor),
        await client.delete(url, headers=editor),
    ]
    stale = await client.patch(
        url, json={"kicker": "x"}, headers={**editor, "If-Match": f'"{draft["id"]}-9"'}
    )
    assert [r.status_code for r in no_if_match] == [428, 428]
    assert stale.status_code == 412
    assert await database_state(session) == before


async def test_an_invalid_transition_is_409_with_the_allowed_ones(
    client: httpx.AsyncClient, staff: Staff, draft: dict[str, Any], session: AsyncSession
) -> None:
    editor = bearer(staff.editor)
    url = f"/v1/articles/{draft['id']}"
    await client.delete(url, headers={**editor, "If-Match": draft["etag"]})
    before = await database_state(session)
    for action in ("publish", "unpublish"):
        response = await client.post(f"{url}/{action}", headers=editor)
        assert response.status_code == 409
        problem = response.json()
        assert problem["type"] == "urn:khabar:problem:invalid-transition"
        assert problem["current_status"] == "archived"
        assert problem["allowed_transitions"] == ["restore"]
    assert await database_state(session) == before


async def test_who_may_not_write_is_refused_and_nothing_changes(
    client: httpx.AsyncClient,
    staff: Staff,
    draft: dict[str, Any],
    newsroom: Newsroom,
    session: AsyncSession,
) -> None:
    before = await database_state(session)
    url = f"/v1/articles/{draft['id']}"
    writer, other = bearer(staff.writer), bearer(staff.other_writer)
    match = {"If-Match": draft["etag"]}
    anonymous = await client.post(
        "/v1/articles", json={"title": "x", "category_id": newsroom.world.id}
    )
    writer_publishes = await client.post(f"{url}/publish", headers=writer)
    others_draft = await client.patch(url, json={"kicker": "x"}, headers={**other, **match})
    others_delete = await client.delete(url, headers={**other, **match})
    published_by_editor = await client.patch(
        f"/v1/articles/{newsroom.lead.id}", json={"kicker": "x"}, headers={**other, **match}
    )
    assert anonymous.status_code == 401
    assert writer_publishes.status_code == 403
    assert others_draft.status_code == 404
    assert others_delete.status_code == 404
    assert published_by_editor.status_code == 403
    assert await database_state(session) == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"category_id": 2**40}, ["body", "category_id"]),
        ({"related_ids": [2**31]}, ["body", "related_ids", 0]),
        ({"embargo_until": "9999-12-31T23:59:59-01:00"}, ["body", "embargo_until"]),
        ({"embargo_until": "0001-01-01T00:00:00+01:00"}, ["body", "embargo_until"]),
    ],
)
async def test_numbers_and_times_out_of_range_are_422_not_500(
    client: httpx.AsyncClient,
    staff: Staff,
    draft: dict[str, Any],
    session: AsyncSession,
    body: dict[str, Any],
    loc: list[Any],
) -> None:
    before = await database_state(session)
    response = await _patch(client, staff, draft, body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == loc
    assert await database_state(session) == before


@pytest.mark.parametrize(
    "path", ["/v1/articles/2147483648", "/v1/media/2147483648", "/v1/ticker/99999999999"]
)
async def test_ids_beyond_the_database_integer_are_422(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_writers_cannot_reach_hidden_articles_or_media_through_their_drafts(
    client: httpx.AsyncClient,
    staff: Staff,
    newsroom: Newsroom,
    draft: dict[str, Any],
    session: AsyncSession,
) -> None:
    writer = {**bearer(staff.writer), "If-Match": draft["etag"]}
    url = f"/v1/articles/{draft['id']}"
    secret_media = await factories.image(session, caption="صورة حصرية")  # shown nowhere yet
    await session.flush()
    before = await database_state(session)
    for hidden in newsroom.hidden:
        response = await client.patch(url, json={"related_ids": [hidden.id]}, headers=writer)
        missing = await client.patch(url, json={"related_ids": [999_999]}, headers=writer)
        assert response.status_code == missing.status_code == 422
        assert response.json()["errors"][0]["msg"] == f"No article {hidden.id}."
    attached = await client.patch(url, json={"featured_media_id": secret_media.id}, headers=writer)
    assert attached.status_code == 422
    assert await database_state(session) == before
    # What the public sees may be named, and the response shows it.
    public = await client.patch(url, json={"related_ids": [newsroom.lead.id]}, headers=writer)
    assert public.status_code == 200
    assert [item["id"] for item in public.json()["related"]] == [newsroom.lead.id]
