"""Unique slugs per resource, generated from a title with ``app.core.text.slugify``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.errors import InvalidParameter
from app.core.revision import lock_content
from app.core.text import normalize_slug, slugify


async def unique_slug(
    session: AsyncSession, column: InstrumentedAttribute[Any], source: str, fallback: str = "item"
) -> str:
    """``source`` slugified, with ``-2``, ``-3``… appended when the slug is already taken."""
    base = slugify(source) or fallback
    await lock_content(session)  # two writers with one title must not pick the same slug
    taken = set(
        (
            await session.scalars(
                select(column).where(
                    or_(column == base, column.startswith(base + "-", autoescape=True))
                )
            )
        ).all()
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


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
