"""Every article query. Each public list is one keyset range scan plus one query for the tags
and bylines of the whole page, whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    exists,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.articles.visibility import Viewer, visible_articles
from app.core.database import AnyRow, fetch_all
from app.core.fastread import ReadStatements, Source
from app.media.repository import MEDIA_COLUMNS
from app.models import (
    Article,
    ArticleAuthor,
    ArticleCard,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
    Author,
    CollectionItem,
    Media,
    Tag,
)
from app.models.base import UTCDateTime

FeaturedMedia = aliased(Media, name="featured")
FEATURED_PREFIX = "fm_"

SUMMARY_COLUMNS = (
    Article.id,
    Article.slug,
    Article.title,
    Article.kicker,
    Article.summary,
    Article.language,
    Article.published_at,
    Article.updated_at,
    Article.is_breaking,
    Article.word_count,
    Article.category_id,
    *(
        getattr(FeaturedMedia, column.key).label(FEATURED_PREFIX + column.key)
        for column in MEDIA_COLUMNS
    ),
)
DETAIL_COLUMNS = (
    *SUMMARY_COLUMNS,
    Article.subtitle,
    Article.body_html,
    Article.body_blocks,
    Article.body_text,
    Article.source_name,
    Article.source_url,
    Article.status,
    Article.version,
    Article.publish_at,
    Article.embargo_until,
    Article.created_at,
    Article.created_by_id,
)


def _with_card(query: Any, article_id: Any) -> Any:
    return query.join(ArticleCard, ArticleCard.article_id == article_id)


def _visible(article_id: Any, viewer: Viewer, now: Any, *also: Any) -> Any:
    """Visibility as a primary-key probe of the article behind ``article_id``: the list's own
    index drives, whatever the planner knows about the tables."""
    return exists().where(Article.id == article_id, visible_articles(viewer, now), *also)


def _with_featured(query: Any) -> Any:
    return query.outerjoin(FeaturedMedia, FeaturedMedia.id == Article.featured_media_id)


def summary_select() -> Any:
    """The columns a summary is rendered from (``app.articles.service.summary``)."""
    return _with_featured(select(*SUMMARY_COLUMNS).select_from(Article))


@dataclass(frozen=True, slots=True)
class ListFilter:
    section_id: int | None = None
    tag_id: int | None = None
    author_id: int | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    is_breaking: bool | None = None


_READS = ReadStatements()


def _list_statement(viewer: Viewer, filters: ListFilter, paged: bool) -> Any:
    """The page query for one combination of filters; values are bound at execution."""
    now = bindparam("now", type_=UTCDateTime())
    if filters.section_id is not None:
        driver: Any = ArticleSection
        key_time, key_id = ArticleSection.published_at, ArticleSection.article_id
        condition = ArticleSection.category_id == bindparam("section_id", type_=Integer)
    elif filters.tag_id is not None:
        driver = ArticleTag
        key_time, key_id = ArticleTag.published_at, ArticleTag.article_id
        condition = ArticleTag.tag_id == bindparam("tag_id", type_=Integer)
    elif filters.author_id is not None:
        driver = ArticleAuthor
        key_time, key_id = ArticleAuthor.published_at, ArticleAuthor.article_id
        condition = ArticleAuthor.author_id == bindparam("author_id", type_=Integer)
    else:
        driver, key_time, key_id, condition = Article, Article.published_at, Article.id, None
    # The time is only needed for the next cursor: it stays as the driver returns it.
    query: Any = select(
        key_id.label("id"), type_coerce(key_time, String).label("published_at"), ArticleCard.card
    )
    query = _with_card(query.select_from(driver), key_id)
    if paged:
        # The cursor's time must come first: SQLite bounds the index range with the first
        # upper bound it meets, and page 2,500 then starts where page 2,499 ended instead of
        # walking 50,000 index entries from "now".
        after_time = bindparam("after_time", type_=UTCDateTime())
        after_id = bindparam("after_id", type_=Integer)
        query = query.where(key_time <= after_time, or_(key_time < after_time, key_id < after_id))
    else:
        query = query.where(key_time <= now)
    if driver is Article:
        query = query.where(visible_articles(viewer, now))
    else:
        # The link table's index drives; each candidate's visibility is a primary-key probe.
        # As a join, SQLite's planner preferred scanning articles by time and sorting (270 ms
        # for a section page of 100,000 articles instead of 0.3 ms).
        query = query.where(condition, _visible(key_id, viewer, now))
    # A second filter is a primary-key probe per candidate of the first.
    if filters.section_id is not None and filters.tag_id is not None:
        query = query.where(
            exists().where(
                ArticleTag.article_id == key_id,
                ArticleTag.tag_id == bindparam("tag_id", type_=Integer),
            )
        )
    if filters.author_id is not None and (filters.section_id or filters.tag_id) is not None:
        query = query.where(
            exists().where(
                ArticleAuthor.article_id == key_id,
                ArticleAuthor.author_id == bindparam("author_id", type_=Integer),
            )
        )
    if filters.language is not None:
        language = Article.language == bindparam("language", type_=String)
        query = query.where(
            language if driver is Article else exists().where(Article.id == key_id, language)
        )
    if filters.is_breaking is not None:
        breaking = Article.is_breaking == bindparam("is_breaking", type_=Boolean)
        query = query.where(
            breaking if driver is Article else exists().where(Article.id == key_id, breaking)
        )
    if filters.since is not None:
        query = query.where(key_time >= bindparam("since", type_=UTCDateTime()))
    if filters.until is not None:
        query = query.where(key_time < bindparam("until", type_=UTCDateTime()))
    return query.order_by(key_time.desc(), key_id.desc()).limit(bindparam("limit", type_=Integer))


async def list_page(
    session: Source,
    viewer: Viewer,
    now: datetime,
    filters: ListFilter,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Any]:
    """Newest first. The driving table is the one whose index serves the narrowest filter:
    a section, a tag or a byline each keep a copy of ``published_at`` for that."""
    params: dict[str, Any] = {
        "section_id": filters.section_id,
        "tag_id": filters.tag_id,
        "author_id": filters.author_id,
        "language": filters.language,
        "since": filters.since,
        "until": filters.until,
        "is_breaking": filters.is_breaking,
        "now": now,
        "limit": limit,
    }
    shape = ("list", viewer, after is not None, *(value is not None for value in params.values()))
    statement = _READS.get(
        session, shape, lambda: _list_statement(viewer, filters, after is not None)
    )
    if after is not None:
        params["after_time"], params["after_id"] = after
    return await statement.fetch(session, params)


async def editorial_page(
    session: AsyncSession,
    statuses: Sequence[str],
    filters: ListFilter,
    *,
    owner_id: int | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> Sequence[AnyRow]:
    """The newsroom's list: articles in ``statuses``, last changed first, with their cards."""
    query = (
        _with_card(
            select(
                Article.id,
                Article.updated_at,
                Article.status,
                Article.version,
                Article.publish_at,
                Article.embargo_until,
                Article.created_by_id,
                ArticleCard.card,
            ),
            Article.id,
        )
        .where(Article.status.in_(statuses))
        .order_by(Article.updated_at.desc(), Article.id.desc())
        .limit(limit)
    )
    if owner_id is not None:
        query = query.where(Article.created_by_id == owner_id)
    if filters.section_id is not None:
        query = query.where(
            exists().where(
                ArticleSection.article_id == Article.id,
                ArticleSection.category_id == filters.section_id,
            )
        )
    if filters.tag_id is not None:
        query = query.where(
            exists().where(ArticleTag.article_id == Article.id, ArticleTag.tag_id == filters.tag_id)
        )
    if filters.author_id is not None:
        query = query.where(
            exists().where(
                ArticleAuthor.article_id == Article.id,
                ArticleAuthor.author_id == filters.author_id,
            )
        )
    if filters.language is not None:
        query = query.where(Article.language == filters.language)
    if filters.is_breaking is not None:
        query = query.where(Article.is_breaking.is_(filters.is_breaking))
    if after is not None:
        at, article_id = after
        query = query.where(
            or_(Article.updated_at < at, and_(Article.updated_at == at, Article.id < article_id))
        )
    return await fetch_all(session, query)


async def get_detail(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    article_id: int | None = None,
    slug: str | None = None,
) -> Any | None:
    by_slug = article_id is None

    def build() -> Any:
        key = (
            Article.slug == bindparam("slug", type_=String)
            if by_slug
            else (Article.id == bindparam("article_id", type_=Integer))
        )
        return _with_featured(select(*DETAIL_COLUMNS).select_from(Article)).where(
            key, visible_articles(viewer, bindparam("now", type_=UTCDateTime()))
        )

    statement = _READS.get(session, ("detail", viewer, by_slug), build)
    rows = await statement.fetch(session, {"now": now, "article_id": article_id, "slug": slug})
    return rows[0] if rows else None


async def related_summaries(
    session: AsyncSession, viewer: Viewer, now: datetime, article_id: int
) -> list[Any]:
    def build() -> Any:
        related = ArticleRelated.related_id
        return (
            _with_card(select(related.label("id"), ArticleCard.card), related)
            .where(
                ArticleRelated.article_id == bindparam("article_id", type_=Integer),
                _visible(related, viewer, bindparam("now", type_=UTCDateTime())),
            )
            .order_by(ArticleRelated.position, related)
        )

    statement = _READS.get(session, ("related", viewer), build)
    return await statement.fetch(session, {"now": now, "article_id": article_id})


async def collection_summaries(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    collection_id: int,
    *,
    language: str | None,
    after: tuple[int, int] | None,
    limit: int,
) -> Sequence[AnyRow]:
    item = CollectionItem
    also = [Article.language == language] if language is not None else []
    query = (
        _with_card(
            select(item.article_id.label("id"), ArticleCard.card, item.position), item.article_id
        )
        .where(item.collection_id == collection_id, _visible(item.article_id, viewer, now, *also))
        .order_by(item.position, item.article_id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(item.position, item.article_id) > tuple_(*after))
    return await fetch_all(session, query)


async def section_fronts(
    session: AsyncSession, viewer: Viewer, now: datetime, section_ids: list[int], per_section: int
) -> Sequence[AnyRow]:
    """The newest ``per_section`` articles of each section, in one statement: one small range
    scan per section, glued with UNION ALL."""
    if not section_ids:
        return []
    section = ArticleSection
    parts = []
    for section_id in section_ids:
        inner = (
            _with_card(
                select(
                    section.article_id.label("id"),
                    ArticleCard.card,
                    literal(section_id).label("section_id"),
                ),
                section.article_id,
            )
            .where(
                section.category_id == section_id,
                section.published_at <= now,
                _visible(section.article_id, viewer, now),
            )
            .order_by(section.published_at.desc(), section.article_id.desc())
            .limit(per_section)
            .subquery()
        )
        parts.append(select(inner))
    return await fetch_all(session, union_all(*parts))


def bylines_statement(ids: Sequence[Any]) -> Any:
    """Tags and authors of the articles ``ids`` (values or bind parameters), in order."""
    tags = (
        select(
            literal("t").label("kind"),
            ArticleTag.article_id,
            ArticleTag.position,
            Tag.id,
            Tag.slug,
            Tag.name,
        )
        .join(Tag, Tag.id == ArticleTag.tag_id)
        .where(ArticleTag.article_id.in_(ids))
    )
    authors = (
        select(
            literal("a").label("kind"),
            ArticleAuthor.article_id,
            ArticleAuthor.position,
            Author.id,
            Author.slug,
            Author.name,
        )
        .join(Author, Author.id == ArticleAuthor.author_id)
        .where(ArticleAuthor.article_id.in_(ids))
    )
    return union_all(tags, authors).order_by("article_id", "kind", "position")


BYLINE_BATCH = 1024


def _padded_bylines(size: int) -> Any:
    return bylines_statement([bindparam(f"id{i}", type_=Integer) for i in range(size)])


async def bylines_and_tags(session: AsyncSession, article_ids: Sequence[int]) -> list[Any]:
    """Tags and authors of many articles in one statement: rows of
    ``(kind, article_id, position, id, slug, name)`` with kind ``t`` or ``a``.

    The id list is padded to a power of two, so a handful of compiled statements serve every
    page size; pages beyond ``BYLINE_BATCH`` ids take one statement per batch."""
    rows: list[Any] = []
    for start in range(0, len(article_ids), BYLINE_BATCH):
        batch = list(article_ids[start : start + BYLINE_BATCH])
        size = max(4, 1 << (len(batch) - 1).bit_length())
        statement = _READS.get(session, ("bylines", size), partial(_padded_bylines, size))
        params = {f"id{i}": (batch[i] if i < len(batch) else None) for i in range(size)}
        rows += await statement.fetch(session, params)
    return rows


def _attached_media_statement(which: Any = None) -> Select[Any]:
    """Attached media of the article ``article_id`` (bound), or of those ``which`` selects,
    with the article's id as the last column."""
    if which is None:
        which = ArticleMedia.article_id == bindparam("article_id", type_=Integer)
    return (
        select(
            ArticleMedia.role,
            ArticleMedia.position,
            ArticleMedia.caption.label("link_caption"),
            ArticleMedia.credit.label("link_credit"),
            *MEDIA_COLUMNS,
            ArticleMedia.article_id,
        )
        .join(Media, Media.id == ArticleMedia.media_id)
        .where(which)
        .order_by(ArticleMedia.role, ArticleMedia.position, ArticleMedia.id)
    )


async def attached_media(session: AsyncSession, article_id: int) -> list[Any]:
    """Rows of ``(role, position, link_caption, link_credit, *MEDIA_COLUMNS, article_id)``."""
    statement = _READS.get(session, ("attached-media",), _attached_media_statement)
    return await statement.fetch(session, {"article_id": article_id})


async def attached_media_of(session: AsyncSession, article_ids: Sequence[int]) -> list[Any]:
    """The attached media of several articles, rows as :func:`attached_media`'s."""
    query = _attached_media_statement(ArticleMedia.article_id.in_(article_ids))
    return list((await session.execute(query)).all())


async def get_details(
    session: AsyncSession, viewer: Viewer, now: datetime, article_ids: Sequence[int]
) -> list[Any]:
    """The detail rows of those of ``article_ids`` that ``viewer`` may see."""
    query = _with_featured(select(*DETAIL_COLUMNS).select_from(Article)).where(
        Article.id.in_(article_ids), visible_articles(viewer, now)
    )
    return list((await session.execute(query)).all())
