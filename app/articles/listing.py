"""Keeps the list indexes in step with articles.

``article_sections`` holds a row for an article's category and each of its ancestors, and the
tag and byline links carry a copy of ``published_at``; together they make every filtered list a
single range scan. Call ``refresh_listing`` in the same transaction as any change to an
article's category, publication time, tags or bylines, or to the category tree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.models import Article, ArticleAuthor, ArticleSection, ArticleTag, Category


async def refresh_listing(
    session: AsyncSession, article_filter: ColumnElement[bool] | None = None
) -> None:
    """Rebuild the listing rows of the articles matching ``article_filter`` (all when None)."""
    which: Any = article_filter if article_filter is not None else true()
    ids = select(Article.id).where(which)
    await session.execute(delete(ArticleSection).where(ArticleSection.article_id.in_(ids)))
    own = aliased(Category, name="own")
    ancestor = aliased(Category, name="ancestor")
    await session.execute(
        insert(ArticleSection).from_select(
            ["article_id", "category_id", "published_at"],
            select(Article.id, ancestor.id, Article.published_at)
            .join(own, own.id == Article.category_id)
            .join(ancestor, own.tree_path.startswith(ancestor.tree_path))
            .where(which),
        )
    )
    for link in (ArticleTag, ArticleAuthor):
        published = (
            select(Article.published_at).where(Article.id == link.article_id).scalar_subquery()
        )
        await session.execute(
            update(link)
            .where(link.article_id.in_(ids))
            .values(published_at=published)
            .execution_options(synchronize_session=False)
        )
