from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.listing import detach
from app.audit.service import record
from app.auth.principal import Principal
from app.authors import repository
from app.authors.repository import AVATAR_PREFIX
from app.authors.schemas import AuthorCreate, AuthorUpdate
from app.core.database import AnyRow
from app.core.errors import InvalidParameter, NotFound
from app.core.pagination import BY_SLUG, CursorCodec, keyset_page
from app.core.slugs import claim_slug, unique_slug
from app.core.text import direction_of
from app.media import service as media_service
from app.media.repository import MEDIA_KEYS
from app.models import ArticleAuthor, Author

CURSOR = "authors"


def represent(row: AnyRow) -> dict[str, Any]:
    mapping = row._mapping
    avatar = None
    if mapping[AVATAR_PREFIX + "id"] is not None:
        avatar = media_service.represent({k: mapping[AVATAR_PREFIX + k] for k in MEDIA_KEYS})
    return {
        "id": row.id,
        "slug": row.slug,
        "name": row.name,
        "bio": row.bio,
        "language": row.language,
        "direction": direction_of(row.language),
        "avatar": avatar,
    }


async def list_authors(
    session: AsyncSession, codec: CursorCodec, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    rows, next_cursor = await keyset_page(
        codec, CURSOR, cursor, limit, partial(repository.page, session), BY_SLUG
    )
    return [represent(row) for row in rows], next_cursor


async def get_author(session: AsyncSession, slug: str) -> dict[str, Any]:
    row = await repository.by_slug(session, slug)
    if row is None:
        raise NotFound(f"No author has the slug «{slug}».")
    return represent(row)


# Writing

_FIELDS = ("name", "slug", "bio", "language", "avatar_media_id", "user_id")


def location(slug: str) -> str:
    return f"/v1/authors/{quote(slug, safe='')}"


async def author_for_write(session: AsyncSession, slug: str) -> Author:
    author = await repository.lock(session, slug)
    if author is None:
        raise NotFound(f"No author has the slug «{slug}».")
    return author


async def create_author(session: AsyncSession, actor: Principal, data: AuthorCreate) -> Author:
    values = data.model_dump(exclude_unset=True)
    await _check_references(session, values)
    if values.get("slug") is not None:
        slug = await claim_slug(session, Author.slug, values["slug"], owner_id=None, noun="author")
    else:
        slug = await unique_slug(session, Author.slug, data.name, "author")
    author = Author(
        name=data.name,
        slug=slug,
        bio=values.get("bio"),
        language=values.get("language", "ar"),
        avatar_media_id=values.get("avatar_media_id"),
        user_id=values.get("user_id"),
    )
    session.add(author)
    await session.flush()
    record(session, actor, "author.create", "author", author.id, {"slug": author.slug})
    return author


async def update_author(
    session: AsyncSession, actor: Principal, author: Author, data: AuthorUpdate
) -> list[str]:
    """Apply the fields sent; the names of those that changed. Articles' cards follow (flush
    hook)."""
    values = data.model_dump(exclude_unset=True)
    changes = {name: values[name] for name in _FIELDS if name in values}
    changes = {name: value for name, value in changes.items() if value != getattr(author, name)}
    await _check_references(session, changes)
    if "slug" in changes:
        changes["slug"] = await claim_slug(
            session, Author.slug, changes["slug"], owner_id=author.id, noun="author"
        )
    changed = [name for name, value in changes.items() if value != getattr(author, name)]
    for name in changed:
        setattr(author, name, changes[name])
    if changed:
        await session.flush()
        record(session, actor, "author.update", "author", author.id, {"changed": changed})
    return changed


async def delete_author(session: AsyncSession, actor: Principal, author: Author) -> None:
    """The byline goes, and with it its links to articles, whose cards are re-rendered
    without it (``app.articles.listing.detach``)."""
    articles = await detach(session, ArticleAuthor.author_id, author.id)
    await session.delete(author)
    await session.flush()
    record(
        session,
        actor,
        "author.delete",
        "author",
        author.id,
        {"slug": author.slug, "articles": articles},
    )


async def _check_references(session: AsyncSession, values: dict[str, Any]) -> None:
    media_id = values.get("avatar_media_id")
    if media_id is not None and not await repository.media_exists(session, media_id):
        raise InvalidParameter(["body", "avatar_media_id"], f"No media {media_id}.")
    user_id = values.get("user_id")
    if user_id is not None and not await repository.user_exists(session, user_id):
        raise InvalidParameter(["body", "user_id"], f"No user {user_id}.")
