"""Domain errors and the one place that turns every error into RFC 9457 problem+json.

Routers and services raise ``KhabarError`` subclasses; nothing else builds error bodies. Unknown
routes, wrong methods, validation failures and unexpected exceptions all leave as problems, and
never carry a stack trace, SQL text or a file path.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("khabar.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:khabar:problem:"


class ProblemErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemErrorItem] | None = None


class KhabarError(Exception):
    """Base of the domain errors: each class is one problem type."""

    status: int = 400
    code: str = "bad-request"
    title: str = "Bad request"
    headers: dict[str, str] | None = None

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extra = extra


class NotFound(KhabarError):
    status = 404
    code = "not-found"
    title = "Not found"


class InvalidCursor(KhabarError):
    status = 400
    code = "invalid-cursor"
    title = "Invalid cursor"


class InvalidParameter(KhabarError):
    """A parameter or body field that passed type checks but makes no sense (an unknown
    field, an id that names nothing, a category moved under itself...)."""

    status = 422
    code = "validation-error"
    title = "Invalid request"

    def __init__(self, loc: list[str | int], msg: str) -> None:
        super().__init__(msg, errors=[{"loc": loc, "msg": msg}])


class Conflict(KhabarError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(KhabarError):
    status = 413
    code = "payload-too-large"
    title = "Payload too large"


class UnsupportedMediaType(KhabarError):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


class AltTextRequired(KhabarError):
    status = 422
    code = "alt-text-required"
    title = "Images need alt text"


class Unauthorized(KhabarError):
    """No credentials, or credentials that are not (or no longer) valid."""

    status = 401
    code = "unauthorized"
    title = "Authentication required"
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012


class Forbidden(KhabarError):
    """Known caller, not allowed to do this. Used only where the caller may know the resource
    exists; otherwise the answer is 404."""

    status = 403
    code = "forbidden"
    title = "Forbidden"


class PreconditionFailed(KhabarError):
    status = 412
    code = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(KhabarError):
    status = 428
    code = "precondition-required"
    title = "Precondition required"


class TooManyRequests(KhabarError):
    status = 429
    code = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, headers: dict[str, str]) -> None:
        super().__init__(detail)
        self.headers = headers


def problem_response(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


async def _khabar_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KhabarError)
    return problem_response(
        exc.status,
        title=exc.title,
        detail=exc.detail,
        type_=PROBLEM_BASE + exc.code,
        headers=exc.headers,
        instance=request.url.path,
        **exc.extra,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        exc.status_code,
        detail=detail,
        headers=dict(exc.headers) if exc.headers else None,
        instance=request.url.path,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": _loc(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()
    ]
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors)
    return problem_response(
        422,
        title="Invalid request",
        detail=f"Some parameters are not valid: {fields}.",
        type_=PROBLEM_BASE + "validation-error",
        instance=request.url.path,
        errors=errors,
    )


async def _stale_data(request: Request, exc: Exception) -> Response:
    # The version check of an UPDATE found the row changed by another transaction after it
    # was read: someone saved first.
    return problem_response(
        412,
        title=PreconditionFailed.title,
        detail="The resource was changed by someone else while this request ran; "
        "fetch it again and reapply your change.",
        type_=PROBLEM_BASE + PreconditionFailed.code,
        instance=request.url.path,
    )


async def _integrity_error(request: Request, exc: Exception) -> Response:
    # A uniqueness or reference rule the service checks first was broken by a concurrent
    # writer between the check and the commit.
    log.info("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        409,
        title=Conflict.title,
        detail="The change conflicts with another one made at the same time; try again.",
        type_=PROBLEM_BASE + Conflict.code,
        instance=request.url.path,
    )


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    # A write lock held past the wait (SQLite) or a database out of reach: transient, and the
    # client's to retry. Answered here rather than as a 500, which would also close the
    # client's connection.
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        503,
        title="Service unavailable",
        detail="The database is busy or out of reach; retry shortly.",
        type_=PROBLEM_BASE + "database-unavailable",
        headers={"Retry-After": "1"},
        instance=request.url.path,
    )


#: SQLSTATEs of a transaction the database gave up on so another could go on: retrying it works.
_RETRYABLE_STATES = frozenset({"40001", "40P01"})


def _sqlstate(exc: BaseException) -> str | None:
    origin = getattr(exc, "orig", None)
    for candidate in (origin, getattr(origin, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if state:
            return str(state)
    return None


async def _database_error(request: Request, exc: Exception) -> Response:
    if _sqlstate(exc) in _RETRYABLE_STATES:
        return await _database_unavailable(request, exc)
    return await _unexpected_error(request, exc)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, detail="An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KhabarError, _khabar_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring the problems a route may answer."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }
