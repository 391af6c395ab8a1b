"""Everything a public read needs, resolved as one dependency.

A public GET needs a read session, its cache validator and the caller's visibility. They come
as one plain dependency: FastAPI spends tens of microseconds on each dependency, and more on a
generator one. The session is opened only if the route uses it, and closed after the response
by ``RequestSessionsMiddleware``, whatever happened in between.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp, Receive, Scope, Send

from app.articles.dependencies import viewer_for
from app.articles.visibility import Viewer
from app.auth.principal import Principal
from app.core.caching import PublicCache, public_cache
from app.core.database import get_database
from app.core.sqlite_inline import INLINE_READER, InlineReader

_OPEN_SESSIONS = "khabar_open_sessions"
log = logging.getLogger("khabar.public")


class PublicRead:
    """``viewer`` is what the caller may see; ``principal`` is the caller when it sent
    credentials (its responses are then ``private, no-store``)."""

    __slots__ = ("_request", "_session", "cache", "principal", "viewer")

    def __init__(
        self, request: Request, cache: PublicCache, viewer: Viewer, principal: Principal | None
    ) -> None:
        self._request = request
        self._session: AsyncSession | None = None
        self.cache = cache
        self.viewer = viewer
        self.principal = principal

    @property
    def request(self) -> Request:
        return self._request

    @property
    def inline_reader(self) -> InlineReader | None:
        """The worker's plain read-only SQLite connection, when there is one."""
        reader: InlineReader | None = (
            get_database(self._request).read_sessions.kw.get("info", {}).get(INLINE_READER)
        )
        return reader

    @property
    def dialect(self) -> Dialect:
        return self.engine.dialect

    @property
    def engine(self) -> AsyncEngine:
        return get_database(self._request).read_engine

    @property
    def session(self) -> AsyncSession:
        """The request's read session, opened on first use."""
        if self._session is None:
            self._session = get_database(self._request).read_sessions()
            self._request.scope.setdefault("state", {}).setdefault(_OPEN_SESSIONS, []).append(
                self._session
            )
        return self._session


async def _public_read(request: Request) -> PublicRead:
    viewer, principal = await viewer_for(request)
    cache = await public_cache(request, private=principal is not None)
    return PublicRead(request, cache, viewer, principal)


PublicReadDep = Annotated[PublicRead, Depends(_public_read)]


class RequestSessionsMiddleware:
    """Closes the read sessions a request opened, after its response, even on errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            state = scope.get("state")
            for session in state.pop(_OPEN_SESSIONS, ()) if state else ():
                try:
                    await session.close()
                except Exception:
                    log.exception("closing a read session failed")
