"""Webhook endpoints: registered by admins or partner keys with ``webhooks:manage``, each
owner seeing and changing only its own (admins: all).

The signing secret (``whsec_`` and 32 random bytes in base64, the Standard Webhooks form) is
shown once, at creation. It must be read back to sign every delivery, so it is stored
encrypted (Fernet, with a key derived from ``KHABAR_SECRET_KEY``), never in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from app.core.settings import get_settings
from app.core.text import rfc3339
from app.models import Webhook, WebhookDelivery, WebhookMessage
from app.models.base import utcnow
from app.webhooks import outbox
from app.webhooks.targets import TargetRefused, check_url, resolve_public

MANAGE_SCOPE = "webhooks:manage"
TEST_EVENT = "webhook.test"
PENDING, DELIVERED, EXPIRED = "pending", "delivered", "expired"

_fernets: dict[str, Fernet] = {}


def _fernet() -> Fernet:
    key = get_settings().secret_key
    fernet = _fernets.get(key)
    if fernet is None:
        digest = hashlib.sha256(b"khabar webhook secrets\0" + key.encode()).digest()
        fernet = _fernets[key] = Fernet(base64.urlsafe_b64encode(digest))
    return fernet


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()


def check_manager(principal: Principal) -> None:
    """Admins and partner keys with ``webhooks:manage`` manage webhooks; nobody else."""
    if not (principal.is_admin or principal.has_scope(MANAGE_SCOPE)):
        raise Forbidden("Only admins and API keys with the webhooks:manage scope manage webhooks.")


def _owned_by(principal: Principal, query: Select[Any]) -> Select[Any]:
    if principal.is_admin:
        return query
    return query.where(Webhook.owner_key_id == principal.id)


async def check_target(url: str) -> str:
    """422 for a URL webhooks may not be sent to (see ``app.webhooks.targets``)."""
    try:
        parsed = check_url(url)
        if get_settings().webhook_blocks_private_targets:
            await resolve_public(parsed)
    except TargetRefused as refused:
        raise InvalidParameter(["body", "url"], str(refused)) from None
    return url


def disabled(reason: str, now: datetime) -> dict[str, Any]:
    """The columns of a disabled endpoint (by its owner, its failures, or its key's
    revocation): nothing is sent to it until its owner re-enables it."""
    return {"is_active": False, "disabled_at": now, "disabled_reason": reason}


def enabled() -> dict[str, Any]:
    return {"is_active": True, "disabled_at": None, "disabled_reason": None}


def represent(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events,
        "description": webhook.description,
        "is_active": webhook.is_active,
        "disabled_reason": webhook.disabled_reason,
        "disabled_at": rfc3339(webhook.disabled_at),
        "failing_since": rfc3339(webhook.failing_since),
        "consecutive_failures": webhook.consecutive_failures,
        "owner": (
            {"kind": "key", "id": webhook.owner_key_id}
            if webhook.owner_key_id is not None
            else {"kind": "user", "id": webhook.owner_user_id}
        ),
        "created_at": rfc3339(webhook.created_at),
        "updated_at": rfc3339(webhook.updated_at),
    }


async def create(
    session: AsyncSession,
    owner: Principal,
    url: str,
    events: Sequence[str],
    description: str | None,
) -> tuple[Webhook, str]:
    """The new endpoint and its signing secret."""
    secret = new_secret()
    now = utcnow()
    webhook = Webhook(
        url=await check_target(url),
        events=sorted(set(events)),
        description=description,
        secret=seal(secret),
        owner_user_id=owner.user_id,
        owner_key_id=owner.id if owner.kind == "key" else None,
        created_at=now,
        updated_at=now,
    )
    session.add(webhook)
    await session.flush()
    return webhook, secret


async def get(
    session: AsyncSession, principal: Principal, webhook_id: int, *, for_update: bool = False
) -> Webhook:
    """The endpoint, if the caller owns it (404 otherwise: another owner's is not shown)."""
    query = _owned_by(principal, select(Webhook).where(Webhook.id == webhook_id))
    if for_update:
        query = query.with_for_update()
    webhook: Webhook | None = await session.scalar(query)
    if webhook is None:
        raise NotFound(f"No webhook {webhook_id}.")
    return webhook


async def list_page(
    session: AsyncSession, principal: Principal, after_id: int | None, limit: int
) -> Sequence[Webhook]:
    query = _owned_by(principal, select(Webhook)).order_by(Webhook.id).limit(limit)
    if after_id is not None:
        query = query.where(Webhook.id > after_id)
    return (await session.scalars(query)).all()


async def update_endpoint(
    session: AsyncSession, webhook: Webhook, changes: dict[str, Any]
) -> Webhook:
    """Apply a PATCH (a new ``url`` already through :func:`check_target`). Re-enabling
    (``is_active: true`` on a disabled endpoint) forgets its failures and makes its waiting
    messages due now."""
    now = utcnow()
    if "url" in changes:
        webhook.url = changes["url"]  # checked by the caller, before any lock was taken
    if "events" in changes:
        webhook.events = sorted(set(changes["events"]))
    if "description" in changes:
        webhook.description = changes["description"]
    if "is_active" in changes:
        active = bool(changes["is_active"])
        if active and not webhook.is_active:
            webhook.failing_since = None
            webhook.consecutive_failures = 0
            await session.execute(
                update(WebhookMessage)
                .where(
                    WebhookMessage.webhook_id == webhook.id,
                    WebhookMessage.status == PENDING,
                    WebhookMessage.claim.is_(None),  # not one an attempt holds
                )
                .values(next_attempt_at=now)
            )
        state = enabled() if active else disabled("Disabled by its owner.", now)
        for name, value in state.items():
            setattr(webhook, name, value)
    webhook.updated_at = now
    await session.flush()
    return webhook


async def send_test(session: AsyncSession, webhook: Webhook) -> dict[str, Any]:
    """Queue a ``webhook.test`` message for this endpoint alone; what was queued."""
    if not webhook.is_active:
        raise Conflict("The webhook is disabled: re-enable it (is_active: true) first.")
    data = f'{{"webhook_id":{webhook.id},"message":"A test event from Khabar."}}'.encode()
    [msg_id] = await session.run_sync(
        lambda sync: outbox.enqueue(
            sync, [outbox.Event(TEST_EVENT, data)], utcnow(), [(webhook.id, [TEST_EVENT])]
        )
    )
    return {"msg_id": msg_id, "type": TEST_EVENT, "status": PENDING}


#: After a rotation, deliveries carry both signatures this long.
ROTATION_OVERLAP = timedelta(hours=24)


async def rotate_secret(session: AsyncSession, webhook: Webhook) -> str:
    """A new signing secret; the old one keeps signing beside it for
    :data:`ROTATION_OVERLAP`, so the receiver can switch without missing a delivery."""
    secret = new_secret()
    now = utcnow()
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_until = now + ROTATION_OVERLAP
    webhook.secret = seal(secret)
    webhook.updated_at = now
    await session.flush()
    return secret


def represent_delivery(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "msg_id": row.msg_id,
        "type": row.event_type,
        "attempt": row.attempt,
        "attempted_at": rfc3339(row.attempted_at),
        "outcome": row.outcome,
        "status_code": row.status_code,
        "latency_ms": row.latency_ms,
        "response_excerpt": row.response_excerpt,
        "error": row.error,
    }


async def deliveries_page(
    session: AsyncSession, webhook_id: int, before_id: int | None, limit: int
) -> Sequence[WebhookDelivery]:
    """The endpoint's delivery log, newest attempt first."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    return (await session.scalars(query)).all()
