from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from starlette.responses import Response

from app.auth import service
from app.auth.dependencies import AuthenticatedDep
from app.auth.schemas import Me, Token
from app.core.database import PrimaryReadSession
from app.core.errors import problem_responses
from app.core.responses import private_json

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=Token,
    summary="Log in (OAuth2 password flow): a short-lived bearer token",
    responses=problem_responses(401, 422, 429),
)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: PrimaryReadSession,
) -> Response:
    client = request.client.host if request.client else "unknown"
    token, expires_in = await service.login(
        request.app.state.login_limiter, session, form.username, form.password, client
    )
    return private_json({"access_token": token, "token_type": "bearer", "expires_in": expires_in})


@router.get(
    "/me",
    response_model=Me,
    summary="Who the credentials belong to",
    responses=problem_responses(401),
)
async def me(principal: AuthenticatedDep) -> Response:
    return private_json(
        {
            "kind": principal.kind,
            "id": principal.id,
            "name": principal.name,
            "role": principal.role,
            "scopes": sorted(principal.scopes),
        }
    )
