from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.listing import detach
from app.audit.service import record
from app.auth.principal import Principal
from app.core.database import AnyRow
from app.core.errors import NotFound
from app.core.pagination import BY_SLUG, CursorCodec, keyset_page
from app.core.slugs import claim_slug, unique_slug
from app.core.text import direction_of
from app.models import ArticleTag, Tag
from app.tags import repository
from app.tags.schemas import TagCreate, TagUpdate

CURSOR = "tags"


def represent(row: AnyRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "language": row.language,
        "direction": direction_of(row.language),
    }


async def list_tags(
    session: AsyncSession, codec: CursorCodec, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await keyset_page(
        codec, CURSOR, cursor, limit, partial(repository.page, session), BY_SLUG
    )
    return [represent(row) for row in rows], next_cursor


async def get_tag(session: AsyncSession, slug: str) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No tag has the slug «{slug}».")
    return represent(row)


# Writing


def location(slug: str) -> str:
    return f"/v1/tags/{quote(slug, safe='')}"


async def tag_for_write(session: AsyncSession, slug: str) -> Tag:
    tag = await repository.lock(session, slug)
    if tag is None:
        raise NotFound(f"No tag has the slug «{slug}».")
    return tag


async def create_tag(session: AsyncSession, actor: Principal, data: TagCreate) -> Tag:
    values = data.model_dump(exclude_unset=True)
    if values.get("slug") is not None:
        slug = await claim_slug(session, Tag.slug, values["slug"], owner_id=None, noun="tag")
    else:
        slug = await unique_slug(session, Tag.slug, data.name, "tag")
    tag = Tag(name=data.name, slug=slug, language=values.get("language", "ar"))
    session.add(tag)
    await session.flush()
    record(session, actor, "tag.create", "tag", tag.id, {"slug": tag.slug})
    return tag


async def update_tag(
    session: AsyncSession, actor: Principal, tag: Tag, data: TagUpdate
) -> list[str]:
    """Apply the fields sent; the names of those that changed. Articles' cards follow (flush
    hook)."""
    values = data.model_dump(exclude_unset=True)
    if "slug" in values:
        values["slug"] = await claim_slug(
            session, Tag.slug, values["slug"], owner_id=tag.id, noun="tag"
        )
    changed = [name for name, value in values.items() if value != getattr(tag, name)]
    for name in changed:
        setattr(tag, name, values[name])
    if changed:
        await session.flush()
        record(session, actor, "tag.update", "tag", tag.id, {"changed": changed})
    return changed


async def delete_tag(session: AsyncSession, actor: Principal, tag: Tag) -> None:
    """The tag goes, and with it its links to articles, whose cards are re-rendered without
    it (``app.articles.listing.detach``)."""
    articles = await detach(session, ArticleTag.tag_id, tag.id)
    await session.delete(tag)
    await session.flush()
    record(session, actor, "tag.delete", "tag", tag.id, {"slug": tag.slug, "articles": articles})
