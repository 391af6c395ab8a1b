from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository as articles_repository
from app.articles import service as articles_service
from app.articles.visibility import PUBLIC, Viewer
from app.audit.service import record
from app.auth.principal import Principal
from app.collections import repository
from app.collections.schemas import CollectionCreate, CollectionUpdate
from app.core.errors import InvalidCursor, InvalidParameter, NotFound
from app.core.pagination import DEFAULT_LIMIT, CursorCodec
from app.core.slugs import claim_slug, unique_slug
from app.core.text import direction_of
from app.models import Collection, CollectionItem
from app.models.base import utcnow

CURSOR = "collection"


async def get_collection(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    slug: str,
    *,
    codec: CursorCodec,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No collection has the slug «{slug}».")
    after = None
    if cursor is not None:
        collection_id, position, article_id = codec.decode(CURSOR, cursor)
        if collection_id != row.id:
            raise InvalidCursor("The cursor belongs to another collection.")
        after = (int(position), int(article_id))
    rows = await articles_repository.collection_summaries(
        session, viewer, now, row.id, language=None, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = codec.encode(CURSOR, [row.id, rows[-1].position, rows[-1].id])
    return {
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "description": row.description,
        "language": row.language,
        "direction": direction_of(row.language),
        "items": articles_service.summaries(rows),
        "next_cursor": next_cursor,
    }


# Writing

_SCALARS = ("title", "description", "language")


def location(slug: str) -> str:
    return f"/v1/collections/{quote(slug, safe='')}"


async def editorial_collection(
    session: AsyncSession, collection: Collection, codec: CursorCodec
) -> dict[str, Any]:
    """The first page as ``GET /v1/collections/{slug}`` shows it, plus ``article_ids``: the
    whole order, unpublished articles included."""
    body = await get_collection(
        session, PUBLIC, utcnow(), collection.slug, codec=codec, cursor=None, limit=DEFAULT_LIMIT
    )
    body["article_ids"] = await repository.article_ids(session, collection.id)
    return body


async def collection_for_write(session: AsyncSession, slug: str) -> Collection:
    collection = await repository.lock(session, slug)
    if collection is None:
        raise NotFound(f"No collection has the slug «{slug}».")
    return collection


async def create_collection(
    session: AsyncSession, actor: Principal, data: CollectionCreate
) -> Collection:
    values = data.model_dump(exclude_unset=True)
    article_ids = values.get("article_ids", [])
    await _require_articles(session, article_ids)
    if values.get("slug") is not None:
        slug = await claim_slug(
            session, Collection.slug, values["slug"], owner_id=None, noun="collection"
        )
    else:
        slug = await unique_slug(session, Collection.slug, data.title, "collection")
    collection = Collection(
        slug=slug,
        title=data.title,
        description=values.get("description"),
        language=values.get("language", "ar"),
    )
    session.add(collection)
    await session.flush()
    await _replace_order(session, collection.id, article_ids)
    await session.flush()
    record(
        session,
        actor,
        "collection.create",
        "collection",
        collection.id,
        {"slug": collection.slug, "article_ids": article_ids},
    )
    return collection


async def update_collection(
    session: AsyncSession, actor: Principal, collection: Collection, data: CollectionUpdate
) -> list[str]:
    """Apply the fields sent (``collection_for_write`` holds the row's lock, so two order
    replacements never interleave); the names of those that changed."""
    values = data.model_dump(exclude_unset=True)
    if "article_ids" in values:
        await _require_articles(session, values["article_ids"])
    slug = (
        await claim_slug(
            session, Collection.slug, values["slug"], owner_id=collection.id, noun="collection"
        )
        if "slug" in values
        else collection.slug
    )
    changed = [
        name for name in _SCALARS if name in values and values[name] != getattr(collection, name)
    ]
    for name in changed:
        setattr(collection, name, values[name])
    if slug != collection.slug:
        collection.slug = slug
        changed.append("slug")
    details: dict[str, Any] = {}
    if "article_ids" in values and await _replace_order(
        session, collection.id, values["article_ids"]
    ):
        changed.append("article_ids")
        details["article_ids"] = values["article_ids"]
    if changed:
        collection.updated_at = utcnow()  # the order is the collection's content too
        await session.flush()
        record(
            session,
            actor,
            "collection.update",
            "collection",
            collection.id,
            {"changed": changed, **details},
        )
    return changed


async def delete_collection(
    session: AsyncSession, actor: Principal, collection: Collection
) -> None:
    """The collection goes with its entries (foreign-key cascade); the articles stay."""
    await session.delete(collection)
    await session.flush()
    record(
        session, actor, "collection.delete", "collection", collection.id, {"slug": collection.slug}
    )


async def _replace_order(
    session: AsyncSession, collection_id: int, article_ids: Sequence[int]
) -> bool:
    """Make the collection list ``article_ids`` in that order, keeping the entries that stay.
    False when the order was already that."""
    current = await repository.items(session, collection_id)
    if [item.article_id for item in current] == list(article_ids):
        return False
    kept = {item.article_id: item for item in current}
    for position, article_id in enumerate(article_ids):
        item = kept.pop(article_id, None)
        if item is None:
            session.add(
                CollectionItem(
                    collection_id=collection_id, article_id=article_id, position=position
                )
            )
        elif item.position != position:
            item.position = position
    for item in kept.values():
        await session.delete(item)
    return True


async def _require_articles(session: AsyncSession, article_ids: Sequence[int]) -> None:
    """422 naming the index of the first id that names no article."""
    if not article_ids:
        return
    found = await repository.existing_articles(session, article_ids)
    for index, article_id in enumerate(article_ids):
        if article_id not in found:
            raise InvalidParameter(["body", "article_ids", index], f"No article {article_id}.")
