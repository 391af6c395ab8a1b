"""Unique slugs per resource, generated from a title with ``app.core.text.slugify``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import InvalidParameter
from app.core.revision import lock_content
from app.core.text import normalize_slug, slugify

#: Candidates looked up per query: ``base``, ``base-2`` … ``base-16`` in one indexed ``IN``.
CANDIDATES_PER_QUERY = 16


async def unique_slug(
    session: AsyncSession, column: InstrumentedAttribute[Any], source: str, fallback: str = "item"
) -> str:
    """``source`` slugified, with ``-2``, ``-3``… appended when the slug is already taken.

    Candidates are looked up by equality on the unique index, a batch at a time: a prefix
    ``LIKE`` cannot use that index (SQLite's LIKE ignores case; PostgreSQL's needs a pattern
    index) and scanned 20,000 slugs per new article."""
    base = slugify(source) or fallback
    await lock_content(session)  # two writers with one title must not pick the same slug
    first = 1
    while True:
        candidates = [
            base if n == 1 else f"{base}-{n}" for n in range(first, first + CANDIDATES_PER_QUERY)
        ]
        taken = set((await session.scalars(select(column).where(column.in_(candidates)))).all())
        free = next((slug for slug in candidates if slug not in taken), None)
        if free is not None:
            return free
        first += CANDIDATES_PER_QUERY


async def claim_slug(
    session: AsyncSession,
    column: InstrumentedAttribute[Any],
    raw: str,
    *,
    owner_id: int | None,
    noun: str,
) -> str:
    """A slug the caller chose, normalised as every slug is (Arabic stays Arabic). 422 naming
    ``slug`` when nothing is left of it or another row (not ``owner_id``) holds it."""
    slug = slugify(normalize_slug(raw))
    if not slug:
        raise InvalidParameter(["body", "slug"], "The slug has no letters or digits.")
    await lock_content(session)
    model_id = column.class_.id
    owner = await session.scalar(select(model_id).where(column == slug))
    if owner is not None and owner != owner_id:
        raise InvalidParameter(["body", "slug"], f"The slug «{slug}» is taken by another {noun}.")
    return slug
