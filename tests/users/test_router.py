"""Account management at /v1/users: admins only."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.schemas import UserList, UserRead
from tests.accounts import Staff, bearer
from tests.dbstate import database_state


async def test_an_admin_creates_an_account_that_can_log_in(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    response = await client.post(
        "/v1/users",
        json={
            "username": "Reem",
            "password": "ten or more chars",
            "role": "writer",
            "display_name": "ريم",
        },
        headers=bearer(staff.admin),
    )
    assert response.status_code == 201, response.text
    created = UserRead.model_validate(response.json())
    assert created.username == "reem"
    assert response.headers["location"] == f"/v1/users/{created.id}"
    assert "password" not in response.text
    assert "password_hash" not in response.text
    login = await client.post(
        "/v1/auth/token", data={"username": "reem", "password": "ten or more chars"}
    )
    assert login.status_code == 200


async def test_users_are_listed_for_admins_only(client: httpx.AsyncClient, staff: Staff) -> None:
    listed = await client.get("/v1/users?limit=2", headers=bearer(staff.admin))
    assert listed.status_code == 200
    page = UserList.model_validate(listed.json())
    assert len(page.items) == 2
    assert page.next_cursor is not None
    assert (await client.get("/v1/users", headers=bearer(staff.editor))).status_code == 403
    assert (await client.get("/v1/users")).status_code == 401


async def test_refused_account_changes_change_nothing(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    before = await database_state(session)
    admin = bearer(staff.admin)
    refused = [
        await client.post(
            "/v1/users",
            json={"username": "x", "password": "short", "role": "writer"},
            headers=admin,
        ),
        await client.post(
            "/v1/users",
            json={"username": "x", "password": "long enough!", "role": "chief"},
            headers=admin,
        ),
        await client.post(
            "/v1/users",
            json={"username": "editor", "password": "long enough!", "role": "writer"},
            headers=admin,
        ),
        await client.patch(
            f"/v1/users/{staff.writer.id}", json={"token_version": 9}, headers=admin
        ),
        await client.patch(
            f"/v1/users/{staff.writer.id}", json={"role": "admin"}, headers=bearer(staff.editor)
        ),
        # The last active admin cannot be demoted or switched off.
        await client.patch(f"/v1/users/{staff.admin.id}", json={"role": "editor"}, headers=admin),
        await client.patch(f"/v1/users/{staff.admin.id}", json={"is_active": False}, headers=admin),
    ]
    assert [r.status_code for r in refused] == [422, 422, 409, 422, 403, 409, 409]
    assert await database_state(session) == before
