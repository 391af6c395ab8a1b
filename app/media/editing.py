"""The newsroom's media library: uploads, embeds, caption edits and deletions.

Files are content-addressed (``storage``): an upload whose bytes are already stored shares the
stored files and their metadata with the items that have them, and is not processed again.
Each media item is a row of its own, with its own caption, credit and alt text.

Stored files and rows stay consistent under concurrency because every step that decides
whether files of a content hash exist holds that hash's lock (``lock_content_hash``): an upload
stores its files and inserts its row inside it, a deletion removes the row and, when no other
item shares the files, the files inside it. An upload and a deletion of the same bytes
therefore never interleave, and storing a large file holds up no other write. (A deletion
whose commit fails after its files went leaves an item without files: the database refusing
a commit after accepting every statement is the one case not covered.)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from app.articles.visibility import PUBLIC, visible_or_owned
from app.audit.service import record
from app.auth.principal import Principal
from app.core.database import Database
from app.core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from app.core.idempotency import begin_idempotent
from app.core.responses import created
from app.core.revision import lock_content
from app.core.settings import Settings, get_settings
from app.core.text import rfc3339
from app.media.embeds import EmbedError, parse_embed
from app.media.processing import Processed
from app.media.processor import MediaProcessor
from app.media.repository import MEDIA_KEYS, is_public_media, shown_by
from app.media.schemas import EmbedCreate, MediaUpdate, MediaUploadFields
from app.media.service import represent_values
from app.media.storage import MediaStorage
from app.media.upload import ReceivedUpload
from app.models import Article, ArticleMedia, Author, Media, User
from app.models.base import utcnow

#: Live articles: what ``KHABAR_REQUIRE_ALT_TEXT`` guards.
LIVE_STATUSES = ("published", "scheduled")


@dataclass(frozen=True, slots=True)
class MediaServices:
    """What media writes need beside the database: set up once per app."""

    settings: Settings
    storage: MediaStorage
    processor: MediaProcessor


def media_services(request: Request) -> MediaServices:
    services: MediaServices = request.app.state.media
    return services


def storage_prefix(content_hash: str) -> str:
    return f"{content_hash[:2]}/{content_hash}"


def stored_keys(media: Media) -> list[str]:
    """Every stored file of an item, the original last, as an upload stores them."""
    keys = [rendition["key"] for rendition in (media.renditions or {}).values()]
    if media.storage_key:
        keys.append(media.storage_key)
    return keys


# Reading, as the newsroom does


def editorial(media: Media, uploader: str | None) -> dict[str, Any]:
    body = represent_values([getattr(media, key) for key in MEDIA_KEYS])
    body.update(
        {
            "original_filename": media.original_filename,
            "byte_size": media.byte_size,
            "created_at": rfc3339(media.created_at),
            "created_by": (
                {"id": media.created_by_id, "username": uploader}
                if media.created_by_id is not None and uploader is not None
                else None
            ),
        }
    )
    return body


def _reachable(actor: Principal) -> tuple[ColumnElement[bool], ...]:
    """Media a newsroom account may open in the library: editors any, writers their own
    uploads and what the public sees."""
    if actor.is_editor:
        return ()
    return (or_(Media.created_by_id == actor.user_id, is_public_media(actor.viewer, utcnow())),)


def _with_uploader() -> Any:
    """Media items with their uploader's username (``editorial``'s input)."""
    return select(Media, User.username).outerjoin(User, User.id == Media.created_by_id)


async def editorial_item(session: AsyncSession, actor: Principal, media_id: int) -> dict[str, Any]:
    row = (
        await session.execute(_with_uploader().where(Media.id == media_id, *_reachable(actor)))
    ).one_or_none()
    if row is None:
        raise NotFound(f"No media item {media_id}.")
    return editorial(row[0], row[1])


async def editorial_rows(
    session: AsyncSession, actor: Principal, kind: str | None, after: int | None, count: int
) -> list[dict[str, Any]]:
    """The library, newest first: editors see every item, writers their own uploads."""
    query = _with_uploader()
    if not actor.is_editor:
        query = query.where(Media.created_by_id == actor.user_id)
    if kind is not None:
        query = query.where(Media.kind == kind)
    if after is not None:
        query = query.where(Media.id < after)
    rows = (await session.execute(query.order_by(Media.id.desc()).limit(count))).all()
    return [editorial(media, username) for media, username in rows]


# Uploads


async def _sharing(session: AsyncSession, content_hash: str) -> Media | None:
    """An item whose stored files have exactly these bytes, if any."""
    return await session.scalar(
        select(Media).where(Media.content_hash == content_hash).order_by(Media.id).limit(1)
    )


def _from_processed(processed: Processed, prefix: str) -> dict[str, Any]:
    return {
        "kind": processed.kind,
        "mime_type": processed.mime_type,
        "storage_key": f"{prefix}/{processed.original_filename}",
        "width": processed.width,
        "height": processed.height,
        "duration_seconds": processed.duration_seconds,
        "blurhash": processed.blurhash,
        "dominant_color": processed.dominant_color,
        "renditions": {
            rendition.name: {
                "key": f"{prefix}/{rendition.filename}",
                "width": rendition.width,
                "height": rendition.height,
                "mime_type": rendition.mime_type,
            }
            for rendition in processed.renditions
        },
    }


_SHARED_FILE_FIELDS = (
    "kind",
    "mime_type",
    "storage_key",
    "width",
    "height",
    "duration_seconds",
    "blurhash",
    "dominant_color",
    "renditions",
)


async def _store_files(
    storage: MediaStorage, upload: ReceivedUpload, processed: Processed, prefix: str
) -> None:
    out = upload.directory / "out"
    files = [(r.filename, r.mime_type) for r in processed.renditions]
    await asyncio.gather(
        *(storage.save(f"{prefix}/{name}", out / name, mime) for name, mime in files)
    )
    # The original last, the order of ``stored_keys``.
    await storage.save(
        f"{prefix}/{processed.original_filename}",
        out / processed.original_filename,
        processed.mime_type,
    )


class _SharedFilesGone(Exception):
    """The item whose files an upload meant to share was deleted meanwhile."""


async def create_from_upload(
    database: Database,
    services: MediaServices,
    actor: Principal,
    upload: ReceivedUpload,
    fields: MediaUploadFields,
    idempotency_key: str | None,
    request_hash: str,
) -> Response:
    """Process (unless these bytes are stored already), store and record an upload; the 201
    is built and remembered for ``Idempotency-Key`` inside the write's transaction."""
    async with database.primary_read_sessions() as session:
        shared = await _sharing(session, upload.sha256) is not None
    processed: Processed | None = None
    while True:
        if not shared and processed is None:
            processed = await services.processor.process(
                upload.path, upload.directory / "out", upload.sniffed
            )
        try:
            return await _insert_upload(
                database,
                services,
                actor,
                upload,
                fields,
                (idempotency_key, request_hash),
                processed,
            )
        except _SharedFilesGone:
            shared = False  # process it after all, and try once more


async def lock_content_hash(session: AsyncSession, content_hash: str) -> None:
    """Serialise the transactions that store or delete the files of these bytes. PostgreSQL:
    a transaction-scoped advisory lock on the hash. SQLite: its write transactions already
    run one at a time (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(content_hash[:16]), "big", signed=True)
        await session.execute(select(func.pg_advisory_xact_lock(key)))


def _shared_files(media: Media) -> dict[str, Any]:
    return {name: getattr(media, name) for name in _SHARED_FILE_FIELDS}


async def _insert_upload(
    database: Database,
    services: MediaServices,
    actor: Principal,
    upload: ReceivedUpload,
    fields: MediaUploadFields,
    idempotency: tuple[str | None, str],
    processed: Processed | None,
) -> Response:
    prefix = storage_prefix(upload.sha256)
    async with database.write_sessions() as session, session.begin():
        remembered = await begin_idempotent(session, actor, *idempotency)
        # These bytes' lock, not every writer's: storing a large file holds up no other
        # write (the content writers' lock comes with the row, at the flush below).
        await lock_content_hash(session, upload.sha256)
        current = await _sharing(session, upload.sha256)
        if current is not None:
            files = _shared_files(current)
        elif processed is not None:
            files = _from_processed(processed, prefix)
            await _store_files(services.storage, upload, processed, prefix)
        else:
            raise _SharedFilesGone
        media = Media(
            **files,
            content_hash=upload.sha256,
            byte_size=upload.size,
            original_filename=upload.filename,
            embed=None,
            **_described(fields, actor),
        )
        session.add(media)
        await session.flush()
        record(
            session,
            actor,
            "media.uploaded",
            "media",
            media.id,
            {"kind": media.kind, "byte_size": upload.size, "shared": current is not None},
        )
        return remembered.remember(created(editorial(media, actor.name), location(media.id)))


def location(media_id: int) -> str:
    return f"/v1/media/{media_id}"


def _described(text: MediaUploadFields | EmbedCreate, actor: Principal) -> dict[str, Any]:
    """A new item's caption, credit, alt text and language, and who made it."""
    return {
        "caption": text.caption,
        "credit": text.credit,
        "alt_text": text.alt_text,
        "language": text.language or "ar",
        "created_by_id": actor.user_id,
    }


# Embeds


async def create_embed(session: AsyncSession, actor: Principal, data: EmbedCreate) -> Media:
    try:
        embed = parse_embed(data.url)
    except EmbedError as error:
        raise InvalidParameter(["body", "url"], str(error)) from None
    media = Media(
        kind="embed",
        mime_type=None,
        storage_key=None,
        renditions={},
        embed=embed.as_json(),
        **_described(data, actor),
    )
    session.add(media)
    await session.flush()
    record(session, actor, "media.embedded", "media", media.id, {"provider": embed.provider})
    return media


# Changing and deleting


async def media_for_write(session: AsyncSession, actor: Principal, media_id: int) -> Media:
    """An item the caller may change, locked: editors any, writers their own uploads
    (another's is 403 when the public can see it anyway, else 404).

    Locks in the order every writer does: these bytes (``lock_content_hash``), the content
    writers' lock, then the row (an article saved meanwhile holds the content lock before its
    foreign keys take the row's KEY SHARE lock)."""
    content_hash = await session.scalar(select(Media.content_hash).where(Media.id == media_id))
    if content_hash:
        await lock_content_hash(session, content_hash)
    await lock_content(session)
    media = await session.scalar(
        select(Media)
        .where(Media.id == media_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if media is None:
        raise NotFound(f"No media item {media_id}.")
    if not actor.owns_or_edits(media.created_by_id):
        public = await session.scalar(
            select(Media.id).where(Media.id == media_id, is_public_media(actor.viewer, utcnow()))
        )
        if public is not None:
            raise Forbidden("Writers may change only the media they uploaded.")
        raise NotFound(f"No media item {media_id}.")
    return media


async def update_media(
    session: AsyncSession, actor: Principal, media: Media, data: MediaUpdate
) -> None:
    changes = data.model_dump(
        exclude_unset=True, include={"caption", "credit", "alt_text", "language"}
    )
    if (
        get_settings().require_alt_text
        and "alt_text" in changes
        and not changes["alt_text"]
        and media.kind == "image"
    ):
        live = await articles_using(session, media.id, reader=actor, statuses=LIVE_STATUSES)
        if live or await count_articles_using(session, media.id, statuses=LIVE_STATUSES):
            named = ", ".join(str(a["id"]) for a in live) or "that you cannot see"
            raise InvalidParameter(
                ["body", "alt_text"],
                "Published or scheduled articles show this image, and this newsroom requires "
                f"alt text on their images: articles {named}.",
            )
    for name, value in changes.items():
        setattr(media, name, value)
    if session.is_modified(media):
        await session.flush()
        record(session, actor, "media.updated", "media", media.id, {"fields": sorted(changes)})


def _uses(media_id: int) -> ColumnElement[bool]:
    return or_(
        Article.featured_media_id == media_id,
        exists().where(ArticleMedia.article_id == Article.id, ArticleMedia.media_id == media_id),
    )


async def articles_using(
    session: AsyncSession,
    media_id: int,
    *,
    reader: Principal,
    statuses: tuple[str, ...] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Articles (any status, archived ones included: they can be restored) that show the item,
    among those ``reader`` may know of (editors: all; writers: their own and public ones)."""
    query = select(Article.id, Article.title, Article.status).where(_uses(media_id))
    if not reader.is_editor:
        query = query.where(visible_or_owned(PUBLIC, reader.user_id, utcnow()))
    if statuses is not None:
        query = query.where(Article.status.in_(statuses))
    rows = (await session.execute(query.order_by(Article.id).limit(limit))).all()
    return [{"id": row.id, "title": row.title, "status": row.status} for row in rows]


async def count_articles_using(
    session: AsyncSession, media_id: int, *, statuses: tuple[str, ...] | None = None
) -> int:
    query = select(func.count()).select_from(Article).where(_uses(media_id))
    if statuses is not None:
        query = query.where(Article.status.in_(statuses))
    return int(await session.scalar(query) or 0)


async def delete_media(
    session: AsyncSession, services: MediaServices, actor: Principal, media: Media
) -> None:
    """Delete an item nothing uses; its files go too when no other item shares them
    (``media_for_write`` holds the locks that keep a concurrent upload of the same bytes out)."""
    articles = await articles_using(session, media.id, reader=actor)
    authors = (
        await session.execute(
            select(Author.slug, Author.name).where(Author.avatar_media_id == media.id)
        )
    ).all()
    hidden = await count_articles_using(session, media.id) - len(articles)
    if articles or authors or hidden:
        named = [f"article {a['id']} ({a['title']})" for a in articles]
        named += [f"byline {row.name}" for row in authors]
        if hidden:
            named.append(f"{hidden} article(s) you cannot see")
        raise Conflict(
            f"This media item is still used by {', '.join(named)}; detach it first.",
            articles=articles,
            authors=[{"slug": row.slug, "name": row.name} for row in authors],
            other_articles=hidden,
        )
    keys = stored_keys(media)
    content_hash = media.content_hash
    await session.delete(media)
    await session.flush()
    record(session, actor, "media.deleted", "media", media.id, {"kind": media.kind})
    if content_hash and keys and await _sharing(session, content_hash) is None:
        await services.storage.delete(keys)


# Publishing rules


async def images_missing_alt_text(session: AsyncSession, article_id: int) -> list[int]:
    """Images an article shows (featured or attached) that have no alt text."""
    query = select(Media.id).where(
        shown_by(Article.id == article_id),
        Media.kind == "image",
        or_(Media.alt_text.is_(None), Media.alt_text == ""),
    )
    return sorted((await session.scalars(query)).all())
