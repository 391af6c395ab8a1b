from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow, fetch_all
from app.models import Article, Category

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


async def lock_tree(session: AsyncSession) -> Sequence[Category]:
    """Every category, their rows locked until the transaction ends: tree writes run one at a
    time, so a move never works from a path another transaction is changing.

    ``FOR NO KEY UPDATE`` (not ``FOR UPDATE``) lets article saves, whose foreign-key checks
    take ``KEY SHARE`` on their category, go on meanwhile instead of deadlocking against the
    content revision lock they already hold. SQLite renders no lock: its single writer
    already runs alone."""
    query = (
        select(Category)
        .order_by(Category.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).all()


async def next_position(session: AsyncSession, parent_id: int | None) -> int:
    """The position after the last of ``parent_id``'s children (of the roots, for None)."""
    parent = Category.parent_id == parent_id if parent_id else Category.parent_id.is_(None)
    last: int | None = await session.scalar(select(func.max(Category.position)).where(parent))
    return 0 if last is None else last + 1


async def subtree(session: AsyncSession, tree_path: str) -> Sequence[Category]:
    """The category at ``tree_path`` and every category below it."""
    query = select(Category).where(Category.tree_path.startswith(tree_path, autoescape=True))
    return (await session.scalars(query)).all()


async def child_count(session: AsyncSession, category_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Category).where(Category.parent_id == category_id)
    )
    return count or 0


async def article_count(session: AsyncSession, category_id: int) -> int:
    """Articles filed directly in the category, whatever their status."""
    count = await session.scalar(
        select(func.count()).select_from(Article).where(Article.category_id == category_id)
    )
    return count or 0
