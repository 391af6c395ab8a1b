"""Newsroom accounts and credentials for tests: an admin, two editors and two writers, with
the headers that authenticate them."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_keys.service import create_key
from app.auth.principal import Principal
from app.auth.tokens import create_access_token
from app.models import User

PASSWORD = "correct horse battery staple"
# One hash for every test account: argon2 is slow on purpose, and tests make many accounts.
_HASH = PasswordHasher().hash(PASSWORD)


async def user(session: AsyncSession, username: str, role: str) -> User:
    account = User(username=username, password_hash=_HASH, role=role, display_name=username)
    session.add(account)
    await session.flush()
    return account


def bearer(account: User) -> dict[str, str]:
    token, _ = create_access_token(account.id, account.token_version)
    return {"Authorization": f"Bearer {token}"}


async def api_key(session: AsyncSession, admin: User, *scopes: str) -> dict[str, str]:
    who = Principal(kind="user", id=admin.id, name=admin.username, role="admin")
    _row, secret = await create_key(session, who, "partner", list(scopes))
    return {"X-API-Key": secret}


@dataclass
class Staff:
    admin: User
    editor: User
    other_editor: User
    writer: User
    other_writer: User

    def headers(self, account: User) -> dict[str, str]:
        return bearer(account)


async def build_staff(session: AsyncSession) -> Staff:
    return Staff(
        admin=await user(session, "admin", "admin"),
        editor=await user(session, "editor", "editor"),
        other_editor=await user(session, "editor2", "editor"),
        writer=await user(session, "writer", "writer"),
        other_writer=await user(session, "writer2", "writer"),
    )
