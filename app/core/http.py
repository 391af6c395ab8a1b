"""Small request helpers shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.core.pagination import CursorCodec, get_cursor_codec
from app.core.schemas import MAX_ID
from app.core.text import normalize_slug


async def _codec() -> CursorCodec:
    # Dependencies are coroutines: a plain function would cost a thread hop per request.
    return get_cursor_codec()


CodecDep = Annotated[CursorCodec, Depends(_codec)]

#: Ids are the database's 32-bit integers; anything else (``42abc``, ``1 OR 1=1``,
#: ``2147483648``) is a 422 problem.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id.")]


async def _slug(slug: Annotated[str, Path(min_length=1, max_length=300)]) -> str:
    # Starlette has already percent-decoded the path; slugs are stored NFC and lower-cased.
    return normalize_slug(slug).lower()


SlugPath = Annotated[str, Depends(_slug)]
