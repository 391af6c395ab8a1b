"""HTTP caching for public GETs: ETag/304, Cache-Control and Surrogate-Key.

A public ETag is a hash of the content revision and the request's path and query, nothing
else: it can be computed before the response exists. So ``If-None-Match`` is answered by
``ConditionalGetMiddleware`` ahead of routing, with one primary-key read and no
serialisation, and routes send the very same ETag with their 200s. While a clock transition is
due (``Revision.is_stale``) the current second joins the hash, so no out-of-date validator is
ever confirmed.

Only anonymous requests are public: anything carrying credentials is answered by the route.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from fastapi import Request
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.revision import Revision, RevisionSource
from app.core.settings import get_settings
from app.core.urls import resolve
from app.models.base import utcnow

JSON_MEDIA_TYPE = "application/json"
PRIVATE_NO_STORE = "private, no-store"
#: Changes whenever a release changes what public representations look like, so validators
#: issued by an older release are not confirmed by a newer one.
REPRESENTATION_VERSION = "1"
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "cookie")
#: Public representations differ for callers with credentials (editors, partner keys): a
#: shared cache must not answer those from the anonymous copy.
VARY_CREDENTIALS = "Authorization, X-API-Key"

#: Freshness per kind of resource, by path prefix (first match wins); others use
#: ``KHABAR_CACHE_MAX_AGE``. Details change less than lists; the ticker must be near-live.
MAX_AGE_BY_PREFIX: tuple[tuple[str, int], ...] = (
    ("/v1/ticker", 5),
    ("/v1/feed", 15),
    ("/v1/categories", 300),
    ("/v1/media/", 300),
    ("/v1/articles/", 60),
    ("/feeds/", 60),
    ("/sitemap", 300),
)


def dump_json(payload: Any) -> bytes:
    """UTF-8 JSON with Arabic left readable (no ``\\u`` escapes)."""
    return orjson.dumps(payload)


def cache_control(path: str) -> str:
    settings = get_settings()
    age = next(
        (age for prefix, age in MAX_AGE_BY_PREFIX if path.startswith(prefix)),
        settings.cache_max_age,
    )
    return f"public, max-age={age}, stale-while-revalidate={settings.cache_stale_while_revalidate}"


def public_etag(revision: Revision, scope: Scope) -> str:
    parts = [
        REPRESENTATION_VERSION,
        str(revision.value),
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
    ]
    if revision.is_stale(utcnow()):
        parts.append(utcnow().strftime("%Y%m%d%H%M%S"))
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == opaque for part in header.split(","))


def _revision_source(scope: Scope) -> RevisionSource:
    source: RevisionSource = scope["app"].state.database.revisions
    return source


#: The public GETs whose validators are the content revision: the API, feeds and sitemaps.
CONDITIONAL_PREFIXES = ("/v1/", "/feeds/", "/sitemap")


class ConditionalGetMiddleware:
    """Answers a public ``If-None-Match`` GET whose validator is current with a 304, before
    routing, dependency resolution or any query but one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(CONDITIONAL_PREFIXES)
        ):
            headers = Headers(scope=scope)
            if_none_match = headers.get("if-none-match")
            if if_none_match and not any(name in headers for name in CREDENTIAL_HEADERS):
                revision = await _revision_source(scope).read()
                scope.setdefault("state", {})["khabar_revision"] = revision
                etag = public_etag(revision, scope)
                if etag_matches(if_none_match, etag):
                    response = Response(
                        status_code=304,
                        headers={
                            "ETag": etag,
                            "Cache-Control": cache_control(scope["path"]),
                            "Vary": VARY_CREDENTIALS,
                        },
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class PublicCache:
    """Validator and headers for one public GET (``app.core.public.PublicRead.cache``)."""

    __slots__ = ("etag", "private", "request", "revision")

    def __init__(self, request: Request, revision: int, etag: str, *, private: bool) -> None:
        self.request = request
        self.revision = revision
        self.etag = etag
        #: The caller sent credentials: what it sees may not be what the public sees.
        self.private = private

    def json(
        self,
        payload: Any,
        *,
        surrogate_keys: Iterable[str],
        headers: dict[str, str] | None = None,
        url_placeholders: bool = True,
    ) -> Response:
        """``payload`` as JSON (or already-serialised bytes). ``url_placeholders=False`` says
        the body has none to resolve (stored cards carry configured URLs) and saves a scan."""
        body = payload if isinstance(payload, bytes) else dump_json(payload)
        if url_placeholders:
            body = resolve(body)
        return self.body(body, JSON_MEDIA_TYPE, surrogate_keys=surrogate_keys, headers=headers)

    def body(
        self,
        body: bytes,
        media_type: str,
        *,
        surrogate_keys: Iterable[str],
        headers: dict[str, str] | None = None,
    ) -> Response:
        """``body`` as it is, with the validator and the caching headers."""
        response = Response(body, media_type=media_type, headers=headers)
        response.headers["ETag"] = self.etag
        response.headers["Vary"] = VARY_CREDENTIALS
        if self.private:
            response.headers["Cache-Control"] = PRIVATE_NO_STORE
            return response
        response.headers["Cache-Control"] = cache_control(self.request.url.path)
        response.headers["Surrogate-Key"] = " ".join(dict.fromkeys(surrogate_keys))
        return response


async def public_cache(request: Request, *, private: bool = False) -> PublicCache:
    revision: Revision | None = request.scope.get("state", {}).get("khabar_revision")
    if revision is None:
        revision = await _revision_source(request.scope).read()
    etag = public_etag(revision, request.scope)
    return PublicCache(request, revision.value, etag, private=private)
