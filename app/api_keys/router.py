from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api_keys import service
from app.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyRead
from app.audit.service import record
from app.auth.dependencies import AdminDep
from app.core.database import PrimaryReadSession, WriteSession
from app.core.errors import problem_responses
from app.core.http import CodecDep, IdPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import BY_ID, DEFAULT_LIMIT, Cursor, Limit, keyset_page
from app.core.responses import created, no_content, private_json, private_page

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])
CURSOR_KIND = "api-keys"


@router.get(
    "",
    response_model=ApiKeyList,
    summary="Partner API keys, without their secrets (admin)",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_keys(
    request: Request,
    _admin: AdminDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    rows, next_cursor = await keyset_page(
        codec, CURSOR_KIND, cursor, limit, partial(service.list_keys, session), BY_ID
    )
    return private_page(request, [service.represent(row) for row in rows], next_cursor)


@router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=201,
    summary="Create a partner key: the secret is in this response only (admin)",
    responses=problem_responses(401, 403, 422),
)
async def create_key(
    data: ApiKeyCreate, admin: AdminDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    api_key, secret = await service.create_key(session, admin, data.name, list(data.scopes))
    record(session, admin, "api_key.create", "api_key", api_key.id, {"scopes": api_key.scopes})
    location = f"/v1/api-keys/{api_key.id}"
    # A retry gets the first answer without the secret, which is never stored.
    idempotency.remember(created({**service.represent(api_key), "key": None}, location))
    return created({**service.represent(api_key), "key": secret}, location)


@router.get(
    "/{key_id}",
    response_model=ApiKeyRead,
    summary="One partner key, without its secret (admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_key(key_id: IdPath, _admin: AdminDep, session: PrimaryReadSession) -> Response:
    return private_json(service.represent(await service.get_key(session, key_id)))


@router.delete(
    "/{key_id}",
    status_code=204,
    summary="Revoke a partner key (admin): it stops working at once",
    responses=problem_responses(401, 403, 404, 422),
)
async def revoke_key(key_id: IdPath, admin: AdminDep, session: WriteSession) -> Response:
    api_key = await service.get_key(session, key_id, for_update=True)
    if await service.revoke(session, api_key):
        record(session, admin, "api_key.revoke", "api_key", api_key.id)
    return no_content()
