"""Unique slugs per resource, generated from a title with ``app.core.text.slugify``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.core.text import slugify


async def unique_slug(
    session: AsyncSession, column: InstrumentedAttribute[Any], source: str, fallback: str = "item"
) -> str:
    """``source`` slugified, with ``-2``, ``-3``… appended when the slug is already taken."""
    base = slugify(source) or fallback
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
