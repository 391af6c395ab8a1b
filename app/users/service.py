"""Newsroom accounts. Passwords are hashed with argon2id, off the event loop."""

from __future__ import annotations

import asyncio
import logging

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.errors import Conflict, InvalidParameter
from app.models import User
from app.models.user import ROLES

log = logging.getLogger("khabar.users")
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


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
