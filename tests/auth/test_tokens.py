"""Access tokens: only HS256 under our key, unexpired, for an active account whose tokens have
not been ended."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import ALGORITHM, ISSUER
from app.core.settings import get_settings
from app.models.base import utcnow
from tests.accounts import Staff, bearer


def _claims(user_id: int, version: int = 1, **changes: object) -> dict[str, object]:
    now = utcnow()
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": str(user_id),
        "ver": version,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(changes)
    return claims


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


async def test_a_valid_token_names_its_user(client: httpx.AsyncClient, staff: Staff) -> None:
    response = await client.get("/v1/auth/me", headers=bearer(staff.editor))
    assert response.status_code == 200
    assert response.json() == {
        "kind": "user",
        "id": staff.editor.id,
        "name": "editor",
        "role": "editor",
        "scopes": [],
    }
    assert response.headers["cache-control"] == "private, no-store"


async def test_alg_none_is_refused(client: httpx.AsyncClient, staff: Staff) -> None:
    claims = {"iss": ISSUER, "sub": str(staff.admin.id), "ver": 1, "iat": 0, "exp": 4102444800}
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    response = await _me(client, token)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_token_signed_with_another_key_is_refused(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    token = jwt.encode(_claims(staff.admin.id), "another-key-" * 4, algorithm=ALGORITHM)
    assert (await _me(client, token)).status_code == 401


async def test_an_expired_token_is_refused(client: httpx.AsyncClient, staff: Staff) -> None:
    past = utcnow() - timedelta(hours=1)
    token = jwt.encode(
        _claims(staff.admin.id, iat=past - timedelta(minutes=15), exp=past),
        get_settings().secret_key,
        algorithm=ALGORITHM,
    )
    response = await _me(client, token)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize("missing", ["exp", "ver", "sub"])
async def test_a_token_missing_a_claim_is_refused(
    client: httpx.AsyncClient, staff: Staff, missing: str
) -> None:
    claims = _claims(staff.admin.id)
    del claims[missing]
    token = jwt.encode(claims, get_settings().secret_key, algorithm=ALGORITHM)
    assert (await _me(client, token)).status_code == 401


async def test_deactivating_a_user_ends_their_tokens_at_once(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    writer = bearer(staff.writer)
    assert (await client.get("/v1/auth/me", headers=writer)).status_code == 200
    response = await client.patch(
        f"/v1/users/{staff.writer.id}", json={"is_active": False}, headers=bearer(staff.admin)
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get("/v1/auth/me", headers=writer)).status_code == 401


async def test_changing_a_password_ends_earlier_tokens(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    old = bearer(staff.editor)
    response = await client.patch(
        f"/v1/users/{staff.editor.id}",
        json={"password": "a brand new passphrase"},
        headers=bearer(staff.admin),
    )
    assert response.status_code == 200
    assert (await client.get("/v1/auth/me", headers=old)).status_code == 401
    login = await client.post(
        "/v1/auth/token", data={"username": "editor", "password": "a brand new passphrase"}
    )
    assert login.status_code == 200
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get("/v1/auth/me", headers=fresh)).status_code == 200


async def test_bad_credentials_on_a_public_endpoint_are_401_not_public(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/articles", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    basic = await client.get("/v1/articles", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401
