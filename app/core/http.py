"""Small request helpers shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.core.pagination import CursorCodec, get_cursor_codec
from app.core.text import normalize_slug

CodecDep = Annotated[CursorCodec, Depends(get_cursor_codec)]

#: Ids are 64-bit integers; anything else (``42abc``, ``1 OR 1=1``) is a 422 problem.
IdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="Numeric id.")]


def _slug(slug: Annotated[str, Path(min_length=1, max_length=300)]) -> str:
    # Starlette has already percent-decoded the path; slugs are stored NFC and lower-cased.
    return normalize_slug(slug).lower()


SlugPath = Annotated[str, Depends(_slug)]
