"""Newsroom accounts. Passwords are hashed with argon2id, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.errors import Conflict, InvalidParameter, NotFound
from app.core.text import rfc3339
from app.models import User
from app.models.user import ROLES

log = logging.getLogger("khabar.users")
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


#: Verified against when the username is unknown, so that a failed login costs the same time
#: whatever was wrong.
_DUMMY_HASH = _hasher.hash("khabar-no-such-user")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (whatever was wrong)."""
    user = await session.scalar(select(User).where(User.username == username.lower()))
    valid = await asyncio.to_thread(_verify, user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        return None
    return user


def represent(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "created_at": rfc3339(user.created_at),
        "updated_at": rfc3339(user.updated_at),
    }


async def get_user(session: AsyncSession, user_id: int, *, for_update: bool = False) -> User:
    query = select(User).where(User.id == user_id)
    if for_update:
        # NO KEY UPDATE: articles created meanwhile (whose created_by_id takes KEY SHARE on
        # this row) are not held up by an account change.
        query = query.with_for_update(key_share=True)
    user = await session.scalar(query)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user


async def list_users(session: AsyncSession, after_id: int | None, limit: int) -> Sequence[User]:
    query = select(User).order_by(User.id).limit(limit)
    if after_id is not None:
        query = query.where(User.id > after_id)
    return (await session.scalars(query)).all()


async def lock_admins(session: AsyncSession) -> None:
    """Lock the active admins' rows, in id order, before an account change: two admins
    demoting each other at once then run one after the other, and the second sees that the
    first left only itself (without this, both could pass the last-admin check)."""
    await session.execute(
        select(User.id)
        .where(User.role == "admin", User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update(key_share=True)
    )


async def update_user(
    session: AsyncSession,
    user: User,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    password_hash: str | None = None,
    display_name: str | None = None,
    fields_set: set[str],
) -> list[str]:
    """Apply the fields the caller sent; the names of those that changed. The password comes
    hashed: hashing takes tens of milliseconds, not to be spent holding row locks."""
    changed: list[str] = []
    ends_tokens = False
    if "role" in fields_set and role is not None and role != user.role:
        await _keep_an_admin(session, user, losing="role")
        user.role = role
        changed.append("role")
        ends_tokens = True
    if "is_active" in fields_set and is_active is not None and is_active != user.is_active:
        if not is_active:
            await _keep_an_admin(session, user, losing="is_active")
        user.is_active = is_active
        changed.append("is_active")
        ends_tokens = ends_tokens or not is_active
    if "password" in fields_set and password_hash is not None:
        user.password_hash = password_hash
        changed.append("password")
        ends_tokens = True
    if "display_name" in fields_set and display_name != user.display_name:
        user.display_name = display_name
        changed.append("display_name")
    if ends_tokens:
        user.token_version += 1
    await session.flush()
    return changed


async def _keep_an_admin(session: AsyncSession, user: User, *, losing: str) -> None:
    if user.role != "admin" or not user.is_active:
        return
    others = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.is_active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(
            "This is the last active admin; make another admin before changing this one.",
            field=losing,
        )


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
) -> User:
    if role not in ROLES:
        raise InvalidParameter(["body", "role"], f"role must be one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter(
            ["body", "password"], f"password must have at least {MIN_PASSWORD_LENGTH} characters."
        )
    username = username.lower()
    existing = await session.scalar(select(User.id).where(User.username == username))
    if existing is not None:
        raise Conflict(f"The username «{username}» is taken.")
    user = User(
        username=username,
        password_hash=await hash_password(password),
        role=role,
        display_name=display_name,
    )
    session.add(user)
    await session.flush()
    return user


async def ensure_admin(engine: AsyncEngine, username: str, password: str) -> bool:
    """Create the configured first admin if absent. Several workers may race here: the
    unique username lets one win and the others see it exists. True when created."""
    try:
        async with AsyncSession(engine) as session, session.begin():
            if await session.scalar(select(User.id).where(User.username == username)):
                return False
            await create_user(session, username=username, password=password, role="admin")
    except (IntegrityError, Conflict):
        return False
    log.info("created the admin account %s", username)
    return True
