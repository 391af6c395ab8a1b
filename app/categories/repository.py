from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow, fetch_all
from app.models import Category

ALL_CATEGORIES = select(
    Category.id,
    Category.parent_id,
    Category.slug,
    Category.name,
    Category.description,
    Category.language,
    Category.position,
    Category.tree_path,
).order_by(Category.depth, Category.position, Category.id)


async def all_categories(session: AsyncSession) -> Sequence[AnyRow]:
    return await fetch_all(session, ALL_CATEGORIES)
