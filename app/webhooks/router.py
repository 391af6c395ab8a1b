from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.audit.service import record
from app.auth.dependencies import AuthenticatedDep
from app.auth.principal import Principal
from app.core.database import PrimaryReadSession, WriteSession
from app.core.errors import InvalidParameter, problem_responses
from app.core.http import CodecDep, IdPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import BY_ID, DEFAULT_LIMIT, Cursor, Limit, keyset_page
from app.core.responses import created, no_content, private_json, private_page
from app.core.text import rfc3339
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryList,
    SecretRotated,
    TestQueued,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookRead,
    WebhookUpdate,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
CURSOR_KIND = "webhooks"
DELIVERIES_CURSOR = "webhook-deliveries"


async def _manager(principal: AuthenticatedDep) -> Principal:
    service.check_manager(principal)
    return principal


ManagerDep = Annotated[Principal, Depends(_manager)]


@router.get(
    "",
    response_model=WebhookList,
    summary="Your webhooks (admins: every webhook)",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_webhooks(
    request: Request,
    manager: ManagerDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    rows, next_cursor = await keyset_page(
        codec, CURSOR_KIND, cursor, limit, partial(service.list_page, session, manager), BY_ID
    )
    return private_page(request, [service.represent(row) for row in rows], next_cursor)


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=201,
    summary="Register an endpoint: the signing secret is in this response only",
    responses=problem_responses(401, 403, 422),
)
async def create_webhook(
    data: WebhookCreate, manager: ManagerDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    webhook, secret = await service.create(
        session, manager, data.url, list(data.events), data.description
    )
    record(session, manager, "webhook.create", "webhook", webhook.id, {"url": webhook.url})
    location = f"/v1/webhooks/{webhook.id}"
    # A retry gets the first answer without the secret, which is not kept in the clear.
    idempotency.remember(created({**service.represent(webhook), "secret": None}, location))
    return created({**service.represent(webhook), "secret": secret}, location)


@router.get(
    "/{webhook_id}",
    response_model=WebhookRead,
    summary="One of your webhooks",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_webhook(
    webhook_id: IdPath, manager: ManagerDep, session: PrimaryReadSession
) -> Response:
    return private_json(service.represent(await service.get(session, manager, webhook_id)))


@router.patch(
    "/{webhook_id}",
    response_model=WebhookRead,
    summary="Change the URL, events or description; pause, or re-enable after failures",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_webhook(
    webhook_id: IdPath, data: WebhookUpdate, manager: ManagerDep, session: WriteSession
) -> Response:
    changes = data.model_dump(include=data.model_fields_set)
    for name in ("url", "events", "is_active"):
        if name in changes and changes[name] is None:
            raise InvalidParameter(["body", name], f"{name} cannot be null.")
    if "url" in changes:  # resolved before the row (and, on SQLite, the database) is locked
        changes["url"] = await service.check_target(changes["url"])
    webhook = await service.get(session, manager, webhook_id, for_update=True)
    await service.update_endpoint(session, webhook, changes)
    record(session, manager, "webhook.update", "webhook", webhook.id, {"changed": sorted(changes)})
    return private_json(service.represent(webhook))


@router.delete(
    "/{webhook_id}",
    status_code=204,
    summary="Remove an endpoint, with its waiting messages and delivery log",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_webhook(
    webhook_id: IdPath, manager: ManagerDep, session: WriteSession
) -> Response:
    webhook = await service.get(session, manager, webhook_id, for_update=True)
    await session.delete(webhook)
    record(session, manager, "webhook.delete", "webhook", webhook_id)
    return no_content()


@router.post(
    "/{webhook_id}/test",
    response_model=TestQueued,
    status_code=202,
    summary="Send a webhook.test event to this endpoint (see its deliveries for the outcome)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def test_webhook(webhook_id: IdPath, manager: ManagerDep, session: WriteSession) -> Response:
    webhook = await service.get(session, manager, webhook_id)
    return private_json(await service.send_test(session, webhook), status_code=202)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=SecretRotated,
    summary="A new signing secret, shown once; the old one still signs for 24 hours",
    responses=problem_responses(401, 403, 404, 422),
)
async def rotate_secret(webhook_id: IdPath, manager: ManagerDep, session: WriteSession) -> Response:
    webhook = await service.get(session, manager, webhook_id, for_update=True)
    secret = await service.rotate_secret(session, webhook)
    record(session, manager, "webhook.rotate_secret", "webhook", webhook.id)
    return private_json(
        {
            "secret": secret,
            "previous_secret_until": rfc3339(webhook.previous_secret_until),
        }
    )


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryList,
    summary="Every delivery attempt to this endpoint, newest first",
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_deliveries(
    request: Request,
    webhook_id: IdPath,
    manager: ManagerDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    await service.get(session, manager, webhook_id)
    rows, next_cursor = await keyset_page(
        codec,
        DELIVERIES_CURSOR,
        cursor,
        limit,
        partial(service.deliveries_page, session, webhook_id),
        BY_ID,
    )
    return private_page(request, [service.represent_delivery(row) for row in rows], next_cursor)
