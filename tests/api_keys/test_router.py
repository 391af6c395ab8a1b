"""Partner keys: created by admins, the secret shown once and stored hashed, scoped,
revocable, ``last_used_at`` kept."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys.schemas import ApiKeyCreated, ApiKeyRead
from app.models import ApiKey
from tests.accounts import Staff, bearer
from tests.newsroom import Newsroom


async def _create(client: httpx.AsyncClient, staff: Staff, *scopes: str) -> httpx.Response:
    return await client.post(
        "/v1/api-keys",
        json={"name": "وكالة شريكة", "scopes": list(scopes)},
        headers=bearer(staff.admin),
    )


async def test_the_secret_is_shown_once_and_stored_hashed(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    response = await _create(client, staff, "syndication:read")
    assert response.status_code == 201, response.text
    created = ApiKeyCreated.model_validate(response.json())
    stored = await session.scalar(select(ApiKey).where(ApiKey.id == created.id))
    assert stored is not None
    assert created.key not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64
    shown_again = await client.get(f"/v1/api-keys/{created.id}", headers=bearer(staff.admin))
    assert created.key not in shown_again.text
    ApiKeyRead.model_validate(shown_again.json())


async def test_a_key_authenticates_records_its_use_and_stops_when_revoked(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    created = (await _create(client, staff, "syndication:read")).json()
    assert created["last_used_at"] is None
    key = {"X-API-Key": created["key"]}
    me = await client.get("/v1/auth/me", headers=key)
    assert me.json() == {
        "kind": "key",
        "id": created["id"],
        "name": "وكالة شريكة",
        "role": None,
        "scopes": ["syndication:read"],
    }
    listed = (await client.get("/v1/api-keys", headers=bearer(staff.admin))).json()["items"]
    assert listed[0]["last_used_at"] is not None

    revoked = await client.delete(f"/v1/api-keys/{created['id']}", headers=bearer(staff.admin))
    assert revoked.status_code == 204
    assert (await client.get("/v1/auth/me", headers=key)).status_code == 401
    forged = created["key"][:-4] + "abcd"
    assert (await client.get("/v1/auth/me", headers={"X-API-Key": forged})).status_code == 401


async def test_only_admins_manage_keys_and_scopes_are_checked(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    editor = await client.post(
        "/v1/api-keys",
        json={"name": "x", "scopes": ["syndication:read"]},
        headers=bearer(staff.editor),
    )
    assert editor.status_code == 403
    unknown_scope = await _create(client, staff, "everything")
    assert unknown_scope.status_code == 422
    assert unknown_scope.json()["errors"][0]["loc"][:2] == ["body", "scopes"]
    key = {"X-API-Key": (await _create(client, staff, "syndication:read")).json()["key"]}
    assert (await client.get("/v1/users", headers=key)).status_code == 403


async def test_embargoed_stories_are_seen_only_with_the_embargoed_scope(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    embargoed_id = newsroom.embargoed.id
    plain = {"X-API-Key": (await _create(client, staff, "syndication:read")).json()["key"]}
    entitled = {"X-API-Key": (await _create(client, staff, "embargoed:read")).json()["key"]}

    def ids(response: httpx.Response) -> set[int]:
        return {item["id"] for item in response.json()["items"]}

    assert embargoed_id not in ids(await client.get("/v1/articles?limit=100"))
    assert embargoed_id not in ids(await client.get("/v1/articles?limit=100", headers=plain))
    seen = await client.get("/v1/articles?limit=100", headers=entitled)
    assert embargoed_id in ids(seen)
    assert seen.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in seen.headers
    assert (await client.get(f"/v1/articles/{embargoed_id}", headers=plain)).status_code == 404
    detail = await client.get(f"/v1/articles/{embargoed_id}", headers=entitled)
    assert detail.status_code == 200
    # Drafts stay out of reach of every key.
    draft = await client.get(f"/v1/articles/{newsroom.draft.id}", headers=entitled)
    assert draft.status_code == 404
