"""HTTP caching for public GETs: ETag/304, Cache-Control and Surrogate-Key.

A public ETag is a hash of the content revision and the request's identity (path and query), so
answering ``If-None-Match`` costs one small query and no serialisation. While a clock transition
is pending (``Revision.is_stale``), the current second joins the hash so no stale validator is
ever confirmed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from starlette.responses import Response

from app.core.database import ReadSession
from app.core.revision import current_revision
from app.core.settings import get_settings
from app.models.base import utcnow

JSON_MEDIA_TYPE = "application/json"
PRIVATE_NO_STORE = "private, no-store"
#: Changes whenever a release changes what public representations look like, so validators
#: issued by an older release are not confirmed by a newer one.
REPRESENTATION_VERSION = "1"


def dump_json(payload: Any) -> bytes:
    """UTF-8 JSON with Arabic left readable (no ``\\u`` escapes)."""
    return orjson.dumps(payload)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == opaque for part in header.split(","))


class PublicCache:
    """Validator and headers for one public GET. Obtained through ``PublicCacheDep``."""

    __slots__ = ("etag", "request", "revision")

    def __init__(self, request: Request, revision: int, etag: str) -> None:
        self.request = request
        self.revision = revision
        self.etag = etag

    def cache_control(self, max_age: int | None = None) -> str:
        settings = get_settings()
        age = settings.cache_max_age if max_age is None else max_age
        return (
            f"public, max-age={age}, stale-while-revalidate={settings.cache_stale_while_revalidate}"
        )

    def not_modified(self, max_age: int | None = None) -> Response | None:
        """A 304 when the client already holds the current representation."""
        if not _etag_matches(self.request.headers.get("if-none-match"), self.etag):
            return None
        return Response(
            status_code=304,
            headers={"ETag": self.etag, "Cache-Control": self.cache_control(max_age)},
        )

    def json(
        self,
        payload: Any,
        *,
        surrogate_keys: Iterable[str],
        max_age: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        response = Response(dump_json(payload), media_type=JSON_MEDIA_TYPE, headers=headers)
        response.headers["ETag"] = self.etag
        response.headers["Cache-Control"] = self.cache_control(max_age)
        response.headers["Surrogate-Key"] = " ".join(dict.fromkeys(surrogate_keys))
        return response


async def _public_cache(request: Request, session: ReadSession) -> PublicCache:
    revision = await current_revision(session)
    parts = [REPRESENTATION_VERSION, str(revision.value), request.url.path, str(request.url.query)]
    if revision.is_stale(utcnow()):
        parts.append(utcnow().strftime("%Y%m%d%H%M%S"))
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return PublicCache(request, revision.value, f'W/"{digest}"')


PublicCacheDep = Annotated[PublicCache, Depends(_public_cache)]
