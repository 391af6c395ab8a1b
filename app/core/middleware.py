"""HTTP middleware: compression with a correct ``Vary``, and immutable media files."""

from __future__ import annotations

from brotli_asgi import BrotliMiddleware
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Event streams must reach the client as they are written: never compressed.
UNCOMPRESSED_PATHS = [r"/stream$", r"/ws$"]
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
