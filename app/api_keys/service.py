"""Partner API keys: created by admins, the secret shown once, stored hashed, revocable (which
ends their webhooks too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import keys
from app.auth.principal import Principal
from app.core.errors import NotFound
from app.core.text import rfc3339
from app.models import ApiKey, Webhook
from app.models.base import utcnow
from app.webhooks import service as webhooks_service


async def create_key(
    session: AsyncSession, admin: Principal, name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    """The new key's row and its secret (which is not stored)."""
    new = keys.new_key()
    api_key = ApiKey(
        name=name,
        prefix=new.prefix,
        key_hash=new.key_hash,
        scopes=sorted(set(scopes)),
        created_by_id=admin.user_id,
        created_at=utcnow(),
    )
    session.add(api_key)
    await session.flush()
    return api_key, new.key


async def get_key(session: AsyncSession, key_id: int, *, for_update: bool = False) -> ApiKey:
    query = select(ApiKey).where(ApiKey.id == key_id)
    if for_update:
        query = query.with_for_update()
    api_key = await session.scalar(query)
    if api_key is None:
        raise NotFound(f"No API key {key_id}.")
    return api_key


async def list_keys(session: AsyncSession, after_id: int | None, limit: int) -> Sequence[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id).limit(limit)
    if after_id is not None:
        query = query.where(ApiKey.id > after_id)
    return (await session.scalars(query)).all()


async def revoke(session: AsyncSession, api_key: ApiKey) -> bool:
    """True when this call revoked it (revoking twice changes nothing)."""
    if api_key.revoked_at is not None:
        return False
    now = api_key.revoked_at = utcnow()
    # Its webhooks stop with it (and are sent nothing new: ``app.webhooks.outbox``).
    await session.execute(
        update(Webhook)
        .where(Webhook.owner_key_id == api_key.id, Webhook.is_active.is_(True))
        .values(webhooks_service.disabled("Its owner's API key was revoked.", now))
    )
    await session.flush()
    return True


def represent(api_key: ApiKey) -> dict[str, Any]:
    return {
        "id": api_key.id,
        "name": api_key.name,
        "prefix": api_key.prefix,
        "scopes": api_key.scopes,
        "created_at": rfc3339(api_key.created_at),
        "last_used_at": rfc3339(api_key.last_used_at),
        "revoked_at": rfc3339(api_key.revoked_at),
    }
