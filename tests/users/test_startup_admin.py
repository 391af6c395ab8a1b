"""The first admin exists after start-up when KHABAR_ADMIN_USERNAME/PASSWORD are set."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import make_engine
from app.core.migrations import upgrade_connection
from app.core.settings import get_settings
from app.main import create_app
from app.models import User
from app.users.service import create_user


@pytest.mark.sqlite_only  # start-up against a database of its own; a file is the quickest
async def test_configured_admin_is_created_once_with_an_argon2_hash(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'startup.db'}"
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    settings = get_settings().model_copy(
        update={
            "database_url": url,
            "admin_username": "rania",
            "admin_password": "a long enough password",
        }
    )
    for _ in range(2):  # a restart finds the admin and leaves it alone
        async with LifespanManager(create_app(settings)):
            pass
    async with AsyncSession(engine) as session:
        users = (await session.scalars(select(User))).all()
    await engine.dispose()
    assert [(u.username, u.role, u.is_active) for u in users] == [("rania", "admin", True)]
    assert users[0].password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(users[0].password_hash, "a long enough password")


async def test_create_user_refuses_short_passwords_and_unknown_roles(
    session: AsyncSession,
) -> None:
    from app.core.errors import Conflict, InvalidParameter

    with pytest.raises(InvalidParameter):
        await create_user(session, username="a", password="short", role="editor")
    with pytest.raises(InvalidParameter):
        await create_user(session, username="a", password="long enough pw", role="king")
    await create_user(session, username="a", password="long enough pw", role="writer")
    with pytest.raises(Conflict):
        await create_user(session, username="a", password="long enough pw", role="writer")
