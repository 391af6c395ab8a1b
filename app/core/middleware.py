"""HTTP middleware: compression with a correct ``Vary``, immutable media files, and CORS."""

from __future__ import annotations

from brotli_asgi import BrotliMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Event streams must reach the client as they are written: never compressed.
#: Event streams, and stored media (already compressed: JPEG, WebP, MP4…).
UNCOMPRESSED_PATHS = [r"/stream$", r"/ws$", r"^/media/"]
COMPRESS_MIN_BYTES = 1024


class CompressionMiddleware:
    """Brotli when asked for, else gzip, for responses over 1 KB, and ``Vary: Accept-Encoding``
    exactly once on every response whose body could have been compressed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = BrotliMiddleware(
            app,
            quality=4,
            minimum_size=COMPRESS_MIN_BYTES,
            gzip_fallback=True,
            excluded_handlers=UNCOMPRESSED_PATHS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                values = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                if "accept-encoding" not in (v.lower() for v in values):
                    values.append("Accept-Encoding")
                headers["Vary"] = ", ".join(dict.fromkeys(values))
            await send(message)

        await self.app(scope, receive, send_with_vary)


class ImmutableStaticFiles(StaticFiles):
    """Media files are content-addressed: a URL's bytes never change, so caches keep them."""

    async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response


PUBLIC_CORS_HEADERS = ["If-None-Match", "Accept-Language", "Last-Event-ID"]
CREDENTIAL_CORS_HEADERS = [
    *PUBLIC_CORS_HEADERS,
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "X-API-Key",
]


class CorsMiddleware:
    """Two CORS policies, chosen by the request's ``Origin``.

    Public reads may be fetched from any origin, never with credentials. The newsroom's own
    front-ends (``KHABAR_CORS_ORIGINS``) may also send credentials and write: only they are
    allowed the ``Authorization`` and ``X-API-Key`` headers and the write methods."""

    def __init__(self, app: ASGIApp, trusted_origins: list[str], expose_headers: list[str]) -> None:
        self.public = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_credentials=False,
            allow_methods=["GET", "HEAD", "OPTIONS"],
            allow_headers=PUBLIC_CORS_HEADERS,
            expose_headers=expose_headers,
            max_age=86400,
        )
        self.trusted = CORSMiddleware(
            app,
            allow_origins=trusted_origins,
            allow_credentials=True,
            allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=CREDENTIAL_CORS_HEADERS,
            expose_headers=expose_headers,
            max_age=600,
        )
        self.trusted_origins = frozenset(trusted_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.trusted_origins:
            origin = Headers(scope=scope).get("origin")
            if origin in self.trusted_origins:
                await self.trusted(scope, receive, send)
                return
        await self.public(scope, receive, send)
