"""Authentication and authorisation as dependencies: routes read like a sentence
(``editor: EditorDep``, ``admin: AdminDep``, ``partner: ScopeDep("syndication:read")``).

Credentials are a bearer token (``Authorization: Bearer …``, newsroom accounts) or a partner
key (``X-API-Key``). Credentials that are present but not valid are refused with 401 on every
endpoint, public ones included: a client that believes it is authenticated must find out.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import keys
from app.auth.principal import Principal
from app.auth.tokens import decode_access_token
from app.core.database import Database, get_database
from app.core.errors import Forbidden, Unauthorized
from app.models import ApiKey, User
from app.models.base import utcnow

log = logging.getLogger("khabar.auth")
_PRINCIPAL = "khabar_principal"
#: ``last_used_at`` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


async def _user_principal(session: AsyncSession, token: str) -> Principal:
    user_id, version = decode_access_token(token)
    row = (
        await session.execute(
            select(User.username, User.role, User.is_active, User.token_version).where(
                User.id == user_id
            )
        )
    ).one_or_none()
    if row is None or not row.is_active or row.token_version != version:
        raise Unauthorized("The access token is no longer valid; log in again.")
    return Principal(kind="user", id=user_id, name=row.username, role=row.role)


async def _key_principal(session: AsyncSession, key: str) -> tuple[Principal, bool]:
    """The key's principal, and whether its ``last_used_at`` is due for an update."""
    prefix = keys.prefix_of(key)
    row = None
    if prefix is not None:
        row = (
            await session.execute(
                select(
                    ApiKey.id,
                    ApiKey.name,
                    ApiKey.key_hash,
                    ApiKey.scopes,
                    ApiKey.revoked_at,
                    ApiKey.last_used_at,
                ).where(ApiKey.prefix == prefix)
            )
        ).one_or_none()
    if row is None or row.revoked_at is not None or not keys.matches(key, row.key_hash):
        raise Unauthorized("The API key is not valid or has been revoked.")
    due = row.last_used_at is None or row.last_used_at < utcnow() - LAST_USED_RESOLUTION
    return Principal(kind="key", id=row.id, name=row.name, scopes=frozenset(row.scopes)), due


async def _touch(database: Database, key_id: int) -> None:
    """Keep ``last_used_at`` to the minute, in a transaction of its own. Best effort: a
    partner's read must not fail because the writer lock is busy."""
    try:
        await _write_last_used(database, key_id)
    except SQLAlchemyError:
        log.warning("could not record the use of API key %s", key_id, exc_info=True)


async def _write_last_used(database: Database, key_id: int) -> None:
    now = utcnow()
    async with database.write_sessions() as session, session.begin():
        await session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at < now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )


async def resolve_principal(request: Request) -> Principal | None:
    """The caller, or None for an anonymous request; resolved once per request."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    if _PRINCIPAL in state:
        cached: Principal | None = state[_PRINCIPAL]
        return cached
    authorization = request.headers.get("authorization")
    api_key = request.headers.get("x-api-key")
    principal = None
    touch = False
    if authorization or api_key:
        database = get_database(request)
        async with database.primary_read_sessions() as session:
            if authorization:
                scheme, _, token = authorization.partition(" ")
                if scheme.lower() != "bearer" or not token.strip():
                    raise Unauthorized("Send the access token as «Authorization: Bearer …».")
                principal = await _user_principal(session, token.strip())
            else:
                principal, touch = await _key_principal(session, str(api_key))
        if touch:
            await _touch(database, principal.id)
    state[_PRINCIPAL] = principal
    return principal


async def _optional(request: Request) -> Principal | None:
    return await resolve_principal(request)


async def _authenticated(request: Request) -> Principal:
    principal = await resolve_principal(request)
    if principal is None:
        raise Unauthorized("This endpoint needs credentials.")
    return principal


async def _user(principal: Annotated[Principal, Depends(_authenticated)]) -> Principal:
    if not principal.is_user:
        raise Forbidden("This endpoint is for newsroom accounts, not API keys.")
    return principal


async def _editor(principal: Annotated[Principal, Depends(_user)]) -> Principal:
    if not principal.is_editor:
        raise Forbidden("Only editors and admins may do this.")
    return principal


async def _admin(principal: Annotated[Principal, Depends(_user)]) -> Principal:
    if not principal.is_admin:
        raise Forbidden("Only admins may do this.")
    return principal


OptionalPrincipalDep = Annotated[Principal | None, Depends(_optional)]
#: Any valid credentials: an account or a partner key.
AuthenticatedDep = Annotated[Principal, Depends(_authenticated)]
#: Any newsroom account: admin, editor or writer.
UserDep = Annotated[Principal, Depends(_user)]
EditorDep = Annotated[Principal, Depends(_editor)]
AdminDep = Annotated[Principal, Depends(_admin)]
