"""Responses of authenticated endpoints: never stored by a shared cache."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.core.caching import JSON_MEDIA_TYPE, PRIVATE_NO_STORE, dump_json
from app.core.pagination import next_link
from app.core.urls import resolve


def private_json(
    payload: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    response = Response(
        resolve(dump_json(payload)),
        status_code=status_code,
        media_type=JSON_MEDIA_TYPE,
        headers=headers,
    )
    response.headers["Cache-Control"] = PRIVATE_NO_STORE
    return response


def private_page(request: Request, items: list[Any], next_cursor: str | None) -> Response:
    """A page of a newsroom list, with its ``Link: rel="next"``."""
    link = next_link(request, next_cursor)
    return private_json(
        {"items": items, "next_cursor": next_cursor}, headers={"Link": link} if link else None
    )


def created(payload: Any, location: str, headers: dict[str, str] | None = None) -> Response:
    """201 with the created resource and its ``Location``."""
    return private_json(payload, status_code=201, headers={"Location": location, **(headers or {})})


def no_content() -> Response:
    """204 for a write that has nothing to show (a deletion)."""
    return Response(status_code=204, headers={"Cache-Control": PRIVATE_NO_STORE})
