"""Writing the ticker: add, change and remove lines, the rules they keep, and who may."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEntry, TickerItem
from app.models.base import utcnow
from app.ticker.schemas import TickerItemRead
from tests import factories
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.newsroom import Newsroom


async def audit(session: AsyncSession, item_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.resource_type == "ticker_item", AuditEntry.resource_id == str(item_id))
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows.all()]


async def live_ids(client: httpx.AsyncClient) -> list[int]:
    return [item["id"] for item in (await client.get("/v1/ticker")).json()["items"]]


async def rank(session: AsyncSession, item_id: int) -> int | None:
    return await session.scalar(select(TickerItem.priority_rank).where(TickerItem.id == item_id))


async def test_a_breaking_line_goes_live_and_is_removed(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    normal = await factories.ticker(session, "خبر عادي")
    expires = utcnow() + timedelta(hours=1)
    response = await client.post(
        "/v1/ticker",
        json={
            "text": "عاجل: افتتاح مدرسة جديدة في القاهرة",
            "priority": "breaking",
            "article_id": newsroom.lead.id,
            "expires_at": expires.isoformat(),
        },
        headers=editor,
    )
    assert response.status_code == 201, response.text
    item = TickerItemRead.model_validate(response.json())
    assert response.headers["location"] == f"/v1/ticker/{item.id}"
    assert response.headers["cache-control"] == "private, no-store"
    assert item.direction == "rtl"
    assert item.language == "ar"
    assert item.url is None
    assert response.json()["expires_at"].endswith("Z")
    assert await rank(session, item.id) == 0

    assert await live_ids(client) == [item.id, normal.id]
    feed = (await client.get("/v1/feed")).json()
    assert [line["id"] for line in feed["breaking"]] == [item.id]

    deleted = await client.delete(f"/v1/ticker/{item.id}", headers=editor)
    assert deleted.status_code == 204, deleted.text
    assert await live_ids(client) == [normal.id]
    assert [action for action, _ in await audit(session, item.id)] == [
        "ticker.create",
        "ticker.delete",
    ]


async def test_changing_the_priority_moves_the_line_and_its_rank(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    breaking = await factories.ticker(session, "عاجل", priority="breaking")
    urgent = await factories.ticker(session, "هام", priority="urgent")
    assert await live_ids(client) == [breaking.id, urgent.id]

    response = await client.patch(
        f"/v1/ticker/{breaking.id}",
        json={"priority": "normal", "text": "خبر", "url": "https://news.example/a"},
        headers=editor,
    )
    assert response.status_code == 200, response.text
    assert response.json()["priority"] == "normal"
    assert response.json()["url"] == "https://news.example/a"
    assert await rank(session, breaking.id) == 2
    assert await live_ids(client) == [urgent.id, breaking.id]

    expired = await client.patch(
        f"/v1/ticker/{urgent.id}",
        json={"expires_at": (utcnow() - timedelta(seconds=1)).isoformat()},
        headers=editor,
    )
    assert expired.status_code == 200, expired.text
    assert await live_ids(client) == [breaking.id]
    assert await audit(session, breaking.id) == [
        ("ticker.update", {"changed": ["text", "url", "priority"]})
    ]


async def test_a_line_that_breaks_the_rules_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    now = utcnow()
    line = await factories.ticker(session, "عاجل", starts_at=now - timedelta(minutes=5))
    before = await database_state(session)
    earlier = (now - timedelta(hours=1)).isoformat()
    tomorrow = (now + timedelta(days=1)).isoformat()
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("post", {"text": "س", "starts_at": now.isoformat(), "expires_at": earlier}, "expires_at"),
        ("post", {"text": "س", "article_id": 999_999}, "article_id"),
        ("post", {"text": "س", "priority": "critical"}, "priority"),
        ("post", {"text": "س", "url": "javascript:alert(1)"}, "url"),
        ("post", {"text": "س", "starts_at": "2026-11-28T21:04:05"}, "starts_at"),
        ("post", {"text": ""}, "text"),
        ("post", {"text": "س", "priority_rank": 0}, "priority_rank"),
        ("post", {"text": "س", "headline": "س"}, "headline"),
        ("patch", {"expires_at": earlier}, "expires_at"),
        ("patch", {"starts_at": tomorrow, "expires_at": now.isoformat()}, "expires_at"),
        ("patch", {"article_id": 999_999}, "article_id"),
        ("patch", {"priority": None}, "priority"),
        ("patch", {"id": 5}, "id"),
        ("patch", {"created_at": now.isoformat()}, "created_at"),
    ]  # fmt: skip
    for method, body, field in cases:
        if method == "post":
            response = await client.post("/v1/ticker", json=body, headers=editor)
        else:
            response = await client.patch(f"/v1/ticker/{line.id}", json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert ["body", field] in [e["loc"] for e in response.json()["errors"]], body
    assert await database_state(session) == before


async def test_moving_the_start_past_the_expiry_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    now = utcnow()
    line = await factories.ticker(session, "عاجل", expires_at=now + timedelta(minutes=10))
    before = await database_state(session)
    response = await client.patch(
        f"/v1/ticker/{line.id}",
        json={"starts_at": (now + timedelta(hours=1)).isoformat()},
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "starts_at"]
    assert await database_state(session) == before


async def test_an_unknown_id_is_404(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    patched = await client.patch("/v1/ticker/999999", json={"text": "س"}, headers=editor)
    assert patched.status_code == 404
    assert (await client.delete("/v1/ticker/999999", headers=editor)).status_code == 404
    assert await database_state(session) == before


async def test_writers_and_anonymous_callers_may_not_write_the_ticker(
    client: httpx.AsyncClient, session: AsyncSession, staff: Staff
) -> None:
    line = await factories.ticker(session, "عاجل")
    before = await database_state(session)
    writer = staff.headers(staff.writer)
    for headers, status in ((writer, 403), ({}, 401)):
        responses = [
            await client.post("/v1/ticker", json={"text": "جديد"}, headers=headers),
            await client.patch(f"/v1/ticker/{line.id}", json={"text": "س"}, headers=headers),
            await client.delete(f"/v1/ticker/{line.id}", headers=headers),
        ]
        assert [r.status_code for r in responses] == [status] * 3
    assert await database_state(session) == before


async def test_a_line_is_readable_at_its_location_while_live_and_by_editors_before(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    live = await client.post("/v1/ticker", json={"text": "خبر الآن"}, headers=editor)
    later = await client.post(
        "/v1/ticker",
        json={"text": "خبر لاحق", "starts_at": (utcnow() + timedelta(hours=2)).isoformat()},
        headers=editor,
    )
    shown = await client.get(live.headers["location"])
    assert shown.status_code == 200
    assert TickerItemRead.model_validate(shown.json()).text == "خبر الآن"
    assert shown.headers["cache-control"].startswith("public")
    assert (await client.get(later.headers["location"])).status_code == 404
    early = await client.get(later.headers["location"], headers=editor)
    assert early.status_code == 200
    assert early.headers["cache-control"] == "private, no-store"
    await client.delete(live.headers["location"], headers=editor)
    assert (await client.get(live.headers["location"])).status_code == 404
