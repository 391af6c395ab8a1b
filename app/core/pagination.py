"""Opaque, signed keyset cursors and RFC 8288 ``Link`` headers.

A cursor carries the sort key of the last item of a page. It is HMAC-signed with
``KHABAR_SECRET_KEY`` so that a tampered cursor is detected and refused (400), never decoded into
a wrong page. Keyset paging keeps page 2,500 as cheap as page 1 and stable while new content
is published in between.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

import orjson
from fastapi import Query
from starlette.requests import Request

from app.core.errors import InvalidCursor

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIG_BYTES = 12

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, 1..{MAX_LIMIT}.")]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="Opaque cursor from a previous page's `next_cursor`."),
]


class CursorCodec:
    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"khabar-cursor:" + secret_key.encode()).digest()

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIG_BYTES]

    def encode(self, kind: str, key: list[Any]) -> str:
        payload = orjson.dumps([kind, *key])
        raw = self._sign(payload) + payload
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def decode(self, kind: str, cursor: str) -> list[Any]:
        """The sort key a cursor carries; ``InvalidCursor`` if it was altered or is for
        another list."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError):
            raise InvalidCursor("The cursor is not one this API issued.") from None
        signature, payload = raw[:_SIG_BYTES], raw[_SIG_BYTES:]
        if len(signature) < _SIG_BYTES or not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCursor("The cursor is not one this API issued, or it was altered.")
        values = orjson.loads(payload)
        if not isinstance(values, list) or not values or values[0] != kind:
            raise InvalidCursor("The cursor belongs to another list.")
        return values[1:]


def BY_ID(row: Any) -> Any:
    return row.id


def BY_SLUG(row: Any) -> Any:
    return row.slug


async def keyset_page(
    codec: CursorCodec,
    kind: str,
    cursor: str | None,
    limit: int,
    fetch: Callable[[Any, int], Awaitable[Sequence[Any]]],
    key: Callable[[Any], Any],
) -> tuple[Sequence[Any], str | None]:
    """A page of rows ordered by a unique ``key`` (a slug, an id, a revision number), in
    whichever direction ``fetch`` orders them: it gets the last key seen (None for the first
    page) and a row count, one more than the page, to know whether a next page exists. The
    key travels in the signed cursor as it was, string or number."""
    after = codec.decode(kind, cursor)[0] if cursor else None
    rows = await fetch(after, limit + 1)
    next_cursor = codec.encode(kind, [key(rows[limit - 1])]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def next_link(request: Request, next_cursor: str | None) -> str | None:
    """``<…>; rel="next"`` with the request's own query and the next cursor. The target is a
    path-absolute reference (RFC 8288 resolves it against the request URI), which stays right
    behind proxies that rewrite the host."""
    if next_cursor is None:
        return None
    scope = request.scope
    query = [
        (name, value)
        for name, value in parse_qsl(
            scope["query_string"].decode("latin-1"), keep_blank_values=True
        )
        if name != "cursor"
    ]
    query.append(("cursor", next_cursor))
    path = quote(scope.get("root_path", "") + scope["path"])
    return f'<{path}?{urlencode(query)}>; rel="next"'


_codecs: dict[str, CursorCodec] = {}


def get_cursor_codec() -> CursorCodec:
    from app.core.settings import get_settings

    key = get_settings().secret_key
    codec = _codecs.get(key)
    if codec is None:
        codec = _codecs[key] = CursorCodec(key)
    return codec
