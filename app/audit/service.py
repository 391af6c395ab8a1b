"""The audit log: who changed what, and when. Every accepted write adds an entry in its own
transaction, so the log holds exactly the changes that happened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.core.text import rfc3339
from app.models import AuditEntry


def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    resource_type: str,
    resource_id: int | str,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an entry to the session; it is written with the change it describes."""
    session.add(
        AuditEntry(
            actor=actor.actor,
            actor_name=actor.name,
            user_id=actor.user_id,
            action=action,
            resource_type=resource_type,
            resource_id=str(resource_id),
            details=details or {},
        )
    )


async def entries(
    session: AsyncSession,
    before_id: int | None,
    limit: int,
    *,
    resource_type: str | None,
    resource_id: str | None,
    actor: str | None,
    action: str | None,
) -> Sequence[AuditEntry]:
    """Newest first; ids grow with time, so the id is the keyset."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    for column, value in (
        (AuditEntry.resource_type, resource_type),
        (AuditEntry.resource_id, resource_id),
        (AuditEntry.actor, actor),
        (AuditEntry.action, action),
    ):
        if value is not None:
            query = query.where(column == value)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return (await session.scalars(query)).all()


def represent(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": rfc3339(entry.created_at),
        "actor": entry.actor,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "details": entry.details,
    }
