from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.audit.service import record
from app.auth.dependencies import AdminDep
from app.core.database import PrimaryReadSession, WriteSession
from app.core.errors import problem_responses
from app.core.http import CodecDep, IdPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import BY_ID, DEFAULT_LIMIT, Cursor, Limit, keyset_page
from app.core.responses import created, private_json, private_page
from app.users import service
from app.users.schemas import UserCreate, UserList, UserRead, UserUpdate

router = APIRouter(prefix="/v1/users", tags=["users"])
CURSOR_KIND = "users"


@router.get(
    "",
    response_model=UserList,
    summary="Newsroom accounts (admin)",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_users(
    request: Request,
    _admin: AdminDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    users, next_cursor = await keyset_page(
        codec, CURSOR_KIND, cursor, limit, partial(service.list_users, session), BY_ID
    )
    return private_page(request, [service.represent(user) for user in users], next_cursor)


@router.post(
    "",
    response_model=UserRead,
    status_code=201,
    summary="Create an account (admin)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_user(
    data: UserCreate, admin: AdminDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    user = await service.create_user(
        session,
        username=data.username,
        password=data.password,
        role=data.role,
        display_name=data.display_name,
    )
    record(session, admin, "user.create", "user", user.id, {"role": user.role})
    return idempotency.remember(created(service.represent(user), f"/v1/users/{user.id}"))


@router.get(
    "/{user_id}",
    response_model=UserRead,
    summary="One account (admin)",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_user(user_id: IdPath, _admin: AdminDep, session: PrimaryReadSession) -> Response:
    return private_json(service.represent(await service.get_user(session, user_id)))


@router.patch(
    "/{user_id}",
    response_model=UserRead,
    summary="Change role, activity, password or display name (admin)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_user(
    user_id: IdPath, data: UserUpdate, admin: AdminDep, session: WriteSession
) -> Response:
    password_hash = await service.hash_password(data.password) if data.password else None
    await service.lock_admins(session)
    user = await service.get_user(session, user_id, for_update=True)
    changed = await service.update_user(
        session,
        user,
        role=data.role,
        is_active=data.is_active,
        password_hash=password_hash,
        display_name=data.display_name,
        fields_set=data.model_fields_set,
    )
    if changed:
        record(session, admin, "user.update", "user", user.id, {"changed": changed})
    return private_json(service.represent(user))
