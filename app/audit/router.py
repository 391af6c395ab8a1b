from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.audit import service
from app.audit.schemas import AuditList
from app.auth.dependencies import AdminDep
from app.core.database import PrimaryReadSession
from app.core.errors import problem_responses
from app.core.http import CodecDep
from app.core.pagination import BY_ID, DEFAULT_LIMIT, Cursor, Limit, keyset_page
from app.core.responses import private_page

router = APIRouter(prefix="/v1/audit", tags=["audit"])
CURSOR_KIND = "audit"


@router.get(
    "",
    response_model=AuditList,
    summary="The audit log, newest first (admin)",
    responses=problem_responses(400, 401, 403, 422),
)
async def audit_log(
    request: Request,
    _admin: AdminDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    resource_type: Annotated[str | None, Query(max_length=32)] = None,
    resource_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=64, examples=["user:3"])] = None,
    action: Annotated[str | None, Query(max_length=64, examples=["article.publish"])] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    fetch = partial(
        service.entries,
        session,
        resource_type=resource_type,
        resource_id=resource_id,
        actor=actor,
        action=action,
    )
    rows, next_cursor = await keyset_page(codec, CURSOR_KIND, cursor, limit, fetch, BY_ID)
    return private_page(request, [service.represent(row) for row in rows], next_cursor)
