from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import AnyRow, fetch_one_or_none
from app.models import Article, Collection, CollectionItem


async def by_slug(session: AsyncSession, slug: str) -> AnyRow | None:
    query = select(
        Collection.id,
        Collection.slug,
        Collection.title,
        Collection.description,
        Collection.language,
    ).where(Collection.slug == slug)
    return await fetch_one_or_none(session, query)


async def lock(session: AsyncSession, slug: str) -> Collection | None:
    """The collection, its row locked until the transaction ends: changes to one collection
    (its order above all) run one at a time (``FOR NO KEY UPDATE``, as
    ``app.tags.repository.lock`` explains)."""
    query = (
        select(Collection)
        .where(Collection.slug == slug)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    collection: Collection | None = await session.scalar(query)
    return collection


async def items(session: AsyncSession, collection_id: int) -> Sequence[CollectionItem]:
    """The collection's entries in order."""
    query = (
        select(CollectionItem)
        .where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.position, CollectionItem.article_id)
    )
    return (await session.scalars(query)).all()


async def article_ids(session: AsyncSession, collection_id: int) -> list[int]:
    query = (
        select(CollectionItem.article_id)
        .where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.position, CollectionItem.article_id)
    )
    return list((await session.scalars(query)).all())


async def existing_articles(session: AsyncSession, ids: Sequence[int]) -> set[int]:
    found = await session.scalars(select(Article.id).where(Article.id.in_(set(ids))))
    return set(found.all())
