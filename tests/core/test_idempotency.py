"""``Idempotency-Key`` on POSTs: a retried request gets the first response and creates nothing
more; the same key with another body is refused."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Article
from tests.accounts import Staff, bearer
from tests.dbstate import database_state
from tests.newsroom import Newsroom


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Article)) or 0)


async def test_a_retried_post_returns_the_first_response_and_creates_once(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    headers = {**bearer(staff.writer), "Idempotency-Key": "draft-7f3a"}
    body = {"title": "خبر واحد فقط", "category_id": newsroom.world.id}
    before = await _count(session)
    first = await client.post("/v1/articles", json=body, headers=headers)
    retry = await client.post("/v1/articles", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _count(session) == before + 1


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    headers = {**bearer(staff.writer), "Idempotency-Key": "k1"}
    await client.post(
        "/v1/articles", json={"title": "أ", "category_id": newsroom.world.id}, headers=headers
    )
    before = await database_state(session)
    other = await client.post(
        "/v1/articles", json={"title": "ب", "category_id": newsroom.world.id}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    assert await database_state(session) == before


async def test_keys_belong_to_their_caller(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    body = {"title": "خبر", "category_id": newsroom.world.id}
    mine = await client.post(
        "/v1/articles", json=body, headers={**bearer(staff.writer), "Idempotency-Key": "same"}
    )
    theirs = await client.post(
        "/v1/articles",
        json=body,
        headers={**bearer(staff.other_writer), "Idempotency-Key": "same"},
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_a_failed_request_leaves_no_record_so_a_corrected_retry_runs(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    headers = {**bearer(staff.writer), "Idempotency-Key": "retry-me"}
    failed = await client.post(
        "/v1/articles", json={"title": "خبر", "category_id": 999_999}, headers=headers
    )
    assert failed.status_code == 422
    fixed = await client.post(
        "/v1/articles", json={"title": "خبر", "category_id": newsroom.world.id}, headers=headers
    )
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


async def test_a_retried_publish_gets_its_first_answer_not_a_conflict(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    editor = bearer(staff.editor)
    created = await client.post(
        "/v1/articles", json={"title": "خبر", "category_id": newsroom.world.id}, headers=editor
    )
    url = f"/v1/articles/{created.json()['id']}/publish"
    headers = {**editor, "Idempotency-Key": "publish-1"}
    first = await client.post(url, headers=headers)
    retry = await client.post(url, headers=headers)
    assert first.status_code == retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert (await client.post(url, headers=editor)).status_code == 409


async def test_a_replayed_key_creation_does_not_show_the_secret_again(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    headers = {**bearer(staff.admin), "Idempotency-Key": "key-1"}
    body = {"name": "partner", "scopes": ["syndication:read"]}
    first = await client.post("/v1/api-keys", json=body, headers=headers)
    retry = await client.post("/v1/api-keys", json=body, headers=headers)
    assert first.json()["key"].startswith("khabar_")
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["key"] is None
