"""Writing articles: create, change, archive, and the numbered revision kept for every save.

Every save runs in the request's one transaction with the article's row locked (``FOR
UPDATE`` on PostgreSQL; on SQLite the single writer already holds the lock), so the version
check of ``If-Match`` and the save that follows cannot interleave with another save: of two
editors sending the same ETag, exactly one wins and the other gets 412. The ORM's version
counter (``Article.version``) checks the same thing once more in the UPDATE itself.

Listing rows, cards and the content revision follow by themselves (flush hooks); what is
written here is the article, its links, its revision and the audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.articles.body import parse_body
from app.articles.schemas import ArticleCreate, ArticleUpdate
from app.articles.visibility import PUBLIC, visible_articles, visible_or_owned
from app.audit.service import record
from app.auth.principal import Principal
from app.core.database import AnyRow, fetch_all, fetch_one_or_none
from app.core.errors import (
    AltTextRequired,
    Conflict,
    Forbidden,
    InvalidParameter,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from app.core.settings import get_settings
from app.core.slugs import claim_slug, unique_slug
from app.core.text import rfc3339
from app.media.editing import LIVE_STATUSES, images_missing_alt_text
from app.media.embeds import embed_kind
from app.media.repository import is_public_media, shown_by
from app.models import (
    Article,
    ArticleAuthor,
    ArticleMedia,
    ArticleRelated,
    ArticleRevision,
    ArticleTag,
    Author,
    Category,
    Media,
    Tag,
    User,
)
from app.models.base import utcnow

#: What a revision keeps and a revision restore puts back.
CONTENT_FIELDS = (
    "title",
    "slug",
    "kicker",
    "subtitle",
    "summary",
    "body_html",
    "language",
    "category_id",
    "tag_ids",
    "author_ids",
    "featured_media_id",
    "media",
    "related_ids",
    "source_name",
    "source_url",
    "is_breaking",
    "embargo_until",
)
_SCALARS = (
    "title",
    "kicker",
    "subtitle",
    "summary",
    "language",
    "source_name",
    "source_url",
    "is_breaking",
    "embargo_until",
)


# Reading for a write


async def lock_article(
    session: AsyncSession,
    article_id: int,
    *conditions: ColumnElement[bool],
    skip_locked: bool = False,
) -> Article | None:
    """The article with its links, its row locked until the transaction ends."""
    return await session.scalar(
        select(Article)
        .where(Article.id == article_id, *conditions)
        .options(
            selectinload(Article.tag_links),
            selectinload(Article.author_links),
            selectinload(Article.media_links),
        )
        # NO KEY UPDATE: saves of this article still queue behind each other, but rows that
        # merely reference it (a ticker line, a collection item) can be written meanwhile.
        # Those writers hold the content-revision lock while their foreign-key check takes
        # KEY SHARE on this row; a plain FOR UPDATE would deadlock with them.
        .with_for_update(skip_locked=skip_locked, key_share=True)
        .execution_options(populate_existing=True)
    )


async def article_for_write(session: AsyncSession, actor: Principal, article_id: int) -> Article:
    """The article a caller may change. Writers reach only their own: another's article is
    403 when the public can see it anyway, else 404 (its existence is not theirs to know)."""
    article = await lock_article(session, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    if not actor.owns_or_edits(article.created_by_id):
        if await _publicly_visible(session, article_id):
            raise Forbidden("Writers may change only their own articles.")
        raise NotFound(f"No article {article_id}.")
    return article


async def article_for_read(
    session: AsyncSession,
    actor: Principal,
    article_id: int | None = None,
    *,
    slug: str | None = None,
) -> int:
    """The id of an article (by id or slug) the caller may read whatever its status: editors
    any, writers their own. 404 otherwise."""
    key = Article.id == article_id if slug is None else Article.slug == slug
    row = (
        await session.execute(select(Article.id, Article.created_by_id).where(key))
    ).one_or_none()
    if row is None or not actor.owns_or_edits(row.created_by_id):
        raise NotFound(f"No article {article_id if slug is None else slug}.")
    return int(row.id)


async def _publicly_visible(session: AsyncSession, article_id: int) -> bool:
    found = await session.scalar(
        select(Article.id).where(Article.id == article_id, visible_articles(PUBLIC, utcnow()))
    )
    return found is not None


#: What a writer may do to their own article, and from which statuses; editors may do all.
#: (``update`` covers PATCH and restoring a revision; the workflow's own table says which
#: statuses each action may start from at all.)
WRITER_ACTIONS: dict[str, frozenset[str]] = {
    "update": frozenset({"draft"}),
    "archive": frozenset({"draft"}),
    "restore": frozenset({"archived"}),
}


def check_writer(actor: Principal, article: Article, action: str) -> None:
    """403 when a writer may not take ``action`` on this (their own) article: they change
    drafts only, and restore only what was a draft when archived."""
    if actor.is_editor:
        return
    sources = WRITER_ACTIONS.get(action)
    restoring_a_draft = action != "restore" or article.status_before_archive == "draft"
    if sources is None or article.status not in sources or not restoring_a_draft:
        if action == "update":
            raise Forbidden("Writers may edit their articles only while they are drafts.")
        raise Forbidden(f"Writers cannot {action} this article; an editor can.")


# If-Match


def article_etag(article_id: int, version: int) -> str:
    """A strong validator of one saved version; ``If-Match`` must carry it."""
    return f'"{article_id}-{version}"'


def check_if_match(header: str | None, article: Article, *, required: bool = True) -> None:
    """428 without ``If-Match`` (when required), 412 unless it names the current version.
    Weak validators (``W/"…"``, from cached public reads) never match: RFC 9110 compares
    ``If-Match`` strongly."""
    if header is None:
        if required:
            raise PreconditionRequired(
                "Send If-Match with the ETag of the version you edited "
                f"(from GET /v1/articles/{article.id} with your credentials)."
            )
        return
    current = article_etag(article.id, article.version)
    tags = [part.strip() for part in header.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        f"The article changed since that version was read (it is now version "
        f"{article.version}); fetch it again and reapply your change.",
        current_version=article.version,
    )


# Saving


async def create_article(session: AsyncSession, actor: Principal, data: ArticleCreate) -> Article:
    """A new draft, owned by its creator, saved as revision 1."""
    values = data.model_dump(exclude_unset=True)
    article = Article(
        status="draft",
        created_by_id=actor.user_id,
        tag_links=[],
        author_links=[],
        media_links=[],
    )
    values.setdefault("body_html", "")
    await _apply(session, actor, article, values, creating=True)
    session.add(article)
    await session.flush()
    await _set_related(session, actor, article, values.get("related_ids", []))
    await save_revision(session, actor, article)
    record(session, actor, "article.create", "article", article.id, {"title": article.title})
    return article


async def update_article(
    session: AsyncSession, actor: Principal, article: Article, data: ArticleUpdate
) -> list[str]:
    """Apply the fields sent; the names of those that changed. A request that changes
    nothing saves nothing (no new version, no revision)."""
    check_writer(actor, article, "update")
    values = data.model_dump(exclude_unset=True)
    return await _save_changes(session, actor, article, values, "article.update")


async def _save_changes(
    session: AsyncSession,
    actor: Principal,
    article: Article,
    values: dict[str, Any],
    action: str,
    details: dict[str, Any] | None = None,
) -> list[str]:
    # One flush for the whole save: an autoflush between the changes would count as a save
    # of its own and move the version twice.
    with session.no_autoflush:
        before = await snapshot(session, article)
        await _apply(session, actor, article, values, creating=False)
        if "related_ids" in values and values["related_ids"] != before["related_ids"]:
            await _set_related(session, actor, article, values["related_ids"])
        after = await snapshot(session, article, related_ids=values.get("related_ids"))
    changed = [name for name in CONTENT_FIELDS if before.get(name) != after.get(name)]
    if not changed:
        return []
    article.updated_at = utcnow()  # the row changes, so the version moves even for links
    await session.flush()
    if {"media", "featured_media_id"} & set(changed):
        await check_alt_text(session, article)
    await save_revision(session, actor, article, {**after, "version": article.version})
    record(session, actor, action, "article", article.id, {"changed": changed, **(details or {})})
    return changed


async def restore_revision(
    session: AsyncSession, actor: Principal, article: Article, number: int
) -> list[str]:
    """A new save whose content is revision ``number``'s (the status is left as it is)."""
    check_writer(actor, article, "update")
    revision, _username = await get_revision(session, article.id, number)
    values = {name: revision.data[name] for name in CONTENT_FIELDS if name in revision.data}
    if values.get("embargo_until"):
        values["embargo_until"] = datetime.fromisoformat(values["embargo_until"])
    try:
        return await _save_changes(
            session,
            actor,
            article,
            values,
            "article.restore_revision",
            {"revision": number},
        )
    except InvalidParameter as error:
        raise Conflict(
            f"Revision {number} cannot be restored: {error.detail}", restored_revision=number
        ) from None


async def _apply(
    session: AsyncSession,
    actor: Principal,
    article: Article,
    values: dict[str, Any],
    *,
    creating: bool,
) -> None:
    for name in _SCALARS:
        if name in values:
            setattr(article, name, values[name])
    if "body_html" in values:
        body = parse_body(values["body_html"] or "")
        article.body_html, article.body_blocks = body.html, body.blocks
        article.body_text, article.word_count = body.text, body.word_count
    if "category_id" in values and values["category_id"] != article.category_id:
        await _require(session, Category, [values["category_id"]], "category_id", "category")
        article.category_id = values["category_id"]
    if "featured_media_id" in values and values["featured_media_id"] != article.featured_media_id:
        if values["featured_media_id"] is not None:
            await _require(
                session,
                Media,
                [values["featured_media_id"]],
                "featured_media_id",
                "media item",
                *_media_reachable(actor),
            )
        article.featured_media_id = values["featured_media_id"]
    if "slug" in values and values["slug"] is not None:
        await _set_slug(session, article, values["slug"])
    elif creating:
        article.slug = await unique_slug(session, Article.slug, article.title, "article")
    if "tag_ids" in values:
        await _require(session, Tag, values["tag_ids"], "tag_ids", "tag")
        _relink(article.tag_links, ArticleTag, "tag_id", values["tag_ids"])
    if "author_ids" in values:
        await _require(session, Author, values["author_ids"], "author_ids", "author")
        _relink(article.author_links, ArticleAuthor, "author_id", values["author_ids"])
    if "media" in values:
        await _require(
            session,
            Media,
            [link["media_id"] for link in values["media"]],
            "media",
            "media item",
            *_media_reachable(actor),
        )
        await _check_roles(session, values["media"])
        article.media_links = [
            ArticleMedia(
                media_id=link["media_id"],
                role=link["role"],
                position=link.get("position", index),
                caption=link.get("caption"),
                credit=link.get("credit"),
            )
            for index, link in enumerate(values["media"])
        ]


async def _check_roles(session: AsyncSession, links: Sequence[dict[str, Any]]) -> None:
    """A ``video`` attachment is a video: an uploaded one or a video embed."""
    wanted = {link["media_id"] for link in links if link["role"] == "video"}
    if not wanted:
        return
    rows = await session.execute(
        select(Media.id, Media.kind, Media.embed).where(Media.id.in_(wanted))
    )
    playable = {
        row.id
        for row in rows
        if row.kind == "video" or (row.kind == "embed" and embed_kind(row.embed or {}) == "video")
    }
    for index, link in enumerate(links):
        if link["role"] == "video" and link["media_id"] not in playable:
            raise InvalidParameter(
                ["body", "media", index, "role"],
                f"Media item {link['media_id']} is not a video or a video embed.",
            )


async def check_alt_text(session: AsyncSession, article: Article) -> None:
    """With ``KHABAR_REQUIRE_ALT_TEXT``, a live article's images must all have alt text."""
    if not get_settings().require_alt_text or article.status not in LIVE_STATUSES:
        return
    missing = await images_missing_alt_text(session, article.id)
    if missing:
        raise AltTextRequired(
            f"This newsroom requires alt text on published images; media items "
            f"{', '.join(map(str, missing))} have none. Set it with PATCH /v1/media/{{id}}.",
            errors=[
                {"loc": ["media", media_id, "alt_text"], "msg": "An image needs alt text."}
                for media_id in missing
            ],
            media_ids=missing,
        )


def _relink(links: list[Any], model: type[Any], key: str, ids: Sequence[int]) -> None:
    """Make ``links`` name ``ids`` in order, keeping the rows that stay."""
    existing = {getattr(link, key): link for link in links}
    wanted = []
    for position, item_id in enumerate(ids):
        link = existing.pop(item_id, None) or model(**{key: item_id})
        link.position = position
        wanted.append(link)
    links[:] = wanted


async def _require(
    session: AsyncSession,
    model: type[Any],
    ids: Sequence[int],
    field: str,
    noun: str,
    *reachable: ColumnElement[bool],
) -> None:
    """422 naming the first id that names nothing the caller may refer to. ``reachable``
    narrows what exists to what the caller may see: a hidden row is answered exactly like a
    missing one, so the answer says nothing about it."""
    if not ids:
        return
    query = select(model.id).where(model.id.in_(set(ids)), *reachable)
    found = set((await session.scalars(query)).all())
    for index, item_id in enumerate(ids):
        if item_id not in found:
            single = len(ids) == 1 and field.endswith("_id")
            loc: list[str | int] = ["body", field] if single else ["body", field, index]
            raise InvalidParameter(loc, f"No {noun} {item_id}.")


def _articles_reachable(actor: Principal) -> tuple[ColumnElement[bool], ...]:
    """What a caller may name as a related article: editors any; writers what the public
    sees and their own articles."""
    if actor.is_editor:
        return ()
    return (visible_or_owned(PUBLIC, actor.user_id, utcnow()),)


def _media_reachable(actor: Principal) -> tuple[ColumnElement[bool], ...]:
    """What a caller may attach: editors any media; writers their own uploads, what the
    public sees and what their own articles already show."""
    if actor.is_editor:
        return ()
    return (
        or_(
            Media.created_by_id == actor.user_id,
            is_public_media(PUBLIC, utcnow()),
            shown_by(Article.created_by_id == actor.user_id),
        ),
    )


async def _set_slug(session: AsyncSession, article: Article, raw: str) -> None:
    article.slug = await claim_slug(session, Article.slug, raw, owner_id=article.id, noun="article")


async def _set_related(
    session: AsyncSession, actor: Principal, article: Article, ids: Sequence[int]
) -> None:
    if article.id in ids:
        raise InvalidParameter(["body", "related_ids"], "An article cannot be related to itself.")
    await _require(session, Article, ids, "related_ids", "article", *_articles_reachable(actor))
    await session.execute(delete(ArticleRelated).where(ArticleRelated.article_id == article.id))
    for position, related_id in enumerate(ids):
        session.add(ArticleRelated(article_id=article.id, related_id=related_id, position=position))


# Revisions


async def snapshot(
    session: AsyncSession, article: Article, *, related_ids: Sequence[int] | None = None
) -> dict[str, Any]:
    """The article's saved fields, as a revision keeps them."""
    if related_ids is None and article.id is not None:
        related_ids = (
            await session.scalars(
                select(ArticleRelated.related_id)
                .where(ArticleRelated.article_id == article.id)
                .order_by(ArticleRelated.position)
            )
        ).all()
    data: dict[str, Any] = {name: getattr(article, name) for name in _SCALARS}
    data["embargo_until"] = rfc3339(article.embargo_until)
    data.update(
        {
            "slug": article.slug,
            "body_html": article.body_html,
            "category_id": article.category_id,
            "featured_media_id": article.featured_media_id,
            "tag_ids": [link.tag_id for link in article.tag_links],
            "author_ids": [link.author_id for link in article.author_links],
            "media": [
                {
                    "media_id": link.media_id,
                    "role": link.role,
                    "position": link.position,
                    "caption": link.caption,
                    "credit": link.credit,
                }
                for link in article.media_links
            ],
            "related_ids": list(related_ids or []),
            "status": article.status,
            "publish_at": rfc3339(article.publish_at),
            "published_at": rfc3339(article.published_at),
            "version": article.version,
        }
    )
    return data


async def save_revision(
    session: AsyncSession,
    actor: Principal,
    article: Article,
    saved: dict[str, Any] | None = None,
) -> None:
    """Keep the article as it now is as its next numbered revision (``saved``: its snapshot,
    when the caller has just taken it)."""
    last = await session.scalar(
        select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)
    )
    session.add(
        ArticleRevision(
            article_id=article.id,
            number=(last or 0) + 1,
            created_at=utcnow(),
            created_by_id=actor.user_id,
            actor=actor.actor,
            data=saved if saved is not None else await snapshot(session, article),
        )
    )
    await session.flush()


_REVISIONS = select(ArticleRevision, User.username).outerjoin(
    User, User.id == ArticleRevision.created_by_id
)


async def get_revision(session: AsyncSession, article_id: int, number: int) -> AnyRow:
    """``(revision, username)``; the username is None for the scheduler."""
    row = await fetch_one_or_none(
        session,
        _REVISIONS.where(
            ArticleRevision.article_id == article_id, ArticleRevision.number == number
        ),
    )
    if row is None:
        raise NotFound(f"Article {article_id} has no revision {number}.")
    return row


async def list_revisions(
    session: AsyncSession, article_id: int, before: int | None, limit: int
) -> Sequence[AnyRow]:
    """``(revision, username)`` rows, newest first."""
    query = (
        _REVISIONS.where(ArticleRevision.article_id == article_id)
        .order_by(ArticleRevision.number.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(ArticleRevision.number < before)
    return await fetch_all(session, query)


def represent_revision(revision: ArticleRevision, username: str | None) -> dict[str, Any]:
    return {
        "number": revision.number,
        "created_at": rfc3339(revision.created_at),
        "created_by": (
            {"id": revision.created_by_id, "username": username}
            if revision.created_by_id is not None
            else None
        ),
        "created_by_id": revision.created_by_id,
        "actor": revision.actor,
        "data": revision.data,
    }
