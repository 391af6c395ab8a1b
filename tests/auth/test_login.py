"""Logging in: the OAuth2 password flow, one answer for every failure, and rate limits on
failures per client and per username."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import LoginLimiter
from app.core.settings import get_settings
from tests.accounts import PASSWORD, Staff
from tests.postgres import _free_port


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/v1/auth/token", data={"username": username, "password": password})


async def test_login_gives_a_short_lived_bearer_token(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    response = await _login(client, "editor", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert response.headers["cache-control"] == "private, no-store"
    me = await client.get(
        "/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["name"] == "editor"


async def test_every_login_failure_answers_the_same(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    staff.other_writer.is_active = False
    await session.flush()
    wrong_password = await _login(client, "editor", "not the password")
    unknown_user = await _login(client, "nobody", PASSWORD)
    inactive = await _login(client, "writer2", PASSWORD)
    bodies = [r.json() for r in (wrong_password, unknown_user, inactive)]
    assert {r.status_code for r in (wrong_password, unknown_user, inactive)} == {401}
    for body in bodies:
        body.pop("instance", None)
    assert bodies[0] == bodies[1] == bodies[2]


async def test_failures_per_username_are_limited_with_retry_after(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    for _ in range(5):
        assert (await _login(client, "editor", "guess")).status_code == 401
    limited = await _login(client, "editor", PASSWORD)  # even the right password waits
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert limited.headers["ratelimit-limit"] == "5"
    assert limited.headers["ratelimit-remaining"] == "0"
    assert int(limited.headers["ratelimit-reset"]) > 0
    # Another account from the same client is not locked out by it.
    assert (await _login(client, "writer", PASSWORD)).status_code == 200


async def test_failures_per_client_are_limited_across_usernames(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    for n in range(20):
        assert (await _login(client, f"user{n}", "guess")).status_code == 401
    assert (await _login(client, "editor", PASSWORD)).status_code == 429


async def test_a_login_form_missing_a_field_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/token", data={"username": "editor"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "password"]


async def test_logins_go_on_while_the_rate_limit_store_is_unreachable(
    app: FastAPI, client: httpx.AsyncClient, staff: Staff
) -> None:
    """Limits kept in Redis: with Redis away, a login is let through (and the outage logged)
    rather than failing with a 500."""
    unreachable = f"redis://127.0.0.1:{_free_port()}/0"
    settings = get_settings().model_copy(update={"rate_limit_storage_url": unreachable})
    app.state.login_limiter = LoginLimiter.from_settings(settings)
    response = await _login(client, staff.editor.username, PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
