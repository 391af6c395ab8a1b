"""Everything a public read needs, resolved as one dependency.

FastAPI spends tens of microseconds on each dependency of a request; a public GET needs a read
session, its cache validator and the caller's visibility, so they come together.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.dependencies import viewer_for
from app.articles.visibility import Viewer
from app.core.caching import PublicCache, public_cache
from app.core.database import get_database


@dataclass(slots=True)
class PublicRead:
    session: AsyncSession
    cache: PublicCache
    viewer: Viewer


async def _public_read(request: Request) -> AsyncIterator[PublicRead]:
    cache = await public_cache(request)
    async with get_database(request).read_sessions() as session:
        yield PublicRead(session, cache, await viewer_for(request))


PublicReadDep = Annotated[PublicRead, Depends(_public_read)]
