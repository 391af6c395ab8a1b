"""Reading articles: summaries, full articles, pages, sections and collections.

Representations are built straight from rows into dicts (no ORM objects, no per-item queries):
a page of any size costs the same few statements. The shapes are documented by
``app.articles.schemas`` and checked against it by the tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository
from app.articles.repository import ListFilter
from app.articles.visibility import STAFF, Viewer
from app.categories import repository as categories_repository
from app.categories.service import CategoryTree, Node
from app.core.errors import NotFound
from app.core.fastread import Source
from app.core.pagination import get_cursor_codec
from app.core.settings import get_settings
from app.core.text import direction_of, reading_time_minutes, rfc3339
from app.core.urls import PLACEHOLDERS, UrlBases
from app.media import service as media_service
from app.media.repository import MEDIA_KEYS
from app.models.base import utcnow

LIST_CURSOR = "articles"


def canonical_url(article_id: int, slug: str, bases: UrlBases = PLACEHOLDERS) -> str:
    """The article's page on the newsroom's site."""
    return bases.site + get_settings().article_path.format(id=article_id, slug=slug)


@dataclass(slots=True)
class Bylines:
    tags: dict[int, list[dict[str, Any]]]
    authors: dict[int, list[dict[str, Any]]]

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> Bylines:
        tags: dict[int, list[dict[str, Any]]] = defaultdict(list)
        authors: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for kind, article_id, _position, item_id, slug, name in rows:
            if kind == "t":
                tags[article_id].append({"slug": slug, "name": name})
            else:
                authors[article_id].append({"id": item_id, "slug": slug, "name": name})
        return cls(tags, authors)


# Positions in ``repository.SUMMARY_COLUMNS``: rows from SQLAlchemy and from the compiled
# fast reads are both read by index.
(ID, SLUG, TITLE, KICKER, SUMMARY, LANGUAGE, PUBLISHED_AT, UPDATED_AT, IS_BREAKING,
 WORD_COUNT, CATEGORY_ID) = range(11)  # fmt: skip
FEATURED = slice(11, 11 + len(MEDIA_KEYS))


def summary(
    row: Any, tree: CategoryTree, bylines: Bylines, bases: UrlBases = PLACEHOLDERS
) -> dict[str, Any]:
    settings = get_settings()
    article_id, slug, language = row[ID], row[SLUG], row[LANGUAGE]
    node = tree.by_id.get(row[CATEGORY_ID])
    featured = row[FEATURED]
    return {
        "id": article_id,
        "slug": slug,
        "url": canonical_url(article_id, slug, bases),
        "title": row[TITLE],
        "kicker": row[KICKER],
        "summary": row[SUMMARY],
        "language": language,
        "direction": direction_of(language),
        "published_at": rfc3339(row[PUBLISHED_AT]),
        "updated_at": rfc3339(row[UPDATED_AT]),
        "is_breaking": row[IS_BREAKING],
        "category": node.ref if node else {"id": row[CATEGORY_ID], "slug": "", "name": ""},
        "tags": bylines.tags.get(article_id, []),
        "authors": bylines.authors.get(article_id, []),
        "featured_media": (
            media_service.represent_values(featured, bases) if featured[0] else None
        ),
        "reading_time_minutes": reading_time_minutes(
            row[WORD_COUNT], settings.reading_words_per_minute
        ),
    }


def summaries(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Summaries from rows carrying the stored ``card``."""
    return [orjson.loads(row.card) for row in rows]


def project(item: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """A sparse fieldset: exactly the fields asked for, in the order asked."""
    return item if not fields else {name: item[name] for name in fields}


def page_body(rows: Sequence[Any], next_cursor: str | None, fields: Sequence[str] | None) -> bytes:
    """A list page's JSON. Without ``fields`` the stored cards are joined as they are: no
    parsing, no dicts, no re-serialising."""
    if fields:
        items = orjson.dumps([project(item, fields) for item in summaries(rows)])
    else:
        items = b"[" + b",".join(row.card for row in rows) + b"]"
    return b'{"items":' + items + b',"next_cursor":' + orjson.dumps(next_cursor) + b"}"


async def list_articles(
    session: Source,
    viewer: Viewer,
    now: datetime,
    filters: ListFilter,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    """A page of rows (``id``, ``published_at``, ``card``) and the cursor of the next."""
    codec = get_cursor_codec()
    after = None
    if cursor is not None:
        raw_time, raw_id = codec.decode(LIST_CURSOR, cursor)
        after = (datetime.fromisoformat(raw_time), int(raw_id))
    rows = await repository.list_page(session, viewer, now, filters, after, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more:
        last = rows[-1]
        published_at = last.published_at
        if isinstance(published_at, str):  # SQLite's stored text
            published_at = datetime.fromisoformat(published_at).replace(tzinfo=UTC)
        next_cursor = codec.encode(LIST_CURSOR, [published_at.isoformat(), last.id])
    return rows, next_cursor


EDITORIAL_CURSOR = "articles-editorial"


async def editorial_page(
    session: AsyncSession,
    statuses: Sequence[str],
    filters: ListFilter,
    *,
    owner_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the newsroom's list (``ArticleEditorialSummary`` items) and the next cursor."""
    codec = get_cursor_codec()
    after = None
    if cursor is not None:
        raw_time, raw_id = codec.decode(EDITORIAL_CURSOR, cursor)
        after = (datetime.fromisoformat(raw_time), int(raw_id))
    rows = await repository.editorial_page(
        session, statuses, filters, owner_id=owner_id, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = codec.encode(EDITORIAL_CURSOR, [last.updated_at.isoformat(), last.id])
    items = [
        {
            **orjson.loads(row.card),
            "status": row.status,
            "version": row.version,
            "publish_at": rfc3339(row.publish_at),
            "embargo_until": rfc3339(row.embargo_until),
            "created_by_id": row.created_by_id,
        }
        for row in rows[:limit]
    ]
    return items, next_cursor


async def get_article(
    session: AsyncSession,
    tree: CategoryTree,
    viewer: Viewer,
    now: datetime,
    *,
    article_id: int | None = None,
    slug: str | None = None,
    editorial: bool = False,
    related_viewer: Viewer | None = None,
) -> dict[str, Any]:
    """The full article. ``editorial`` adds the workflow fields the newsroom sees
    (``ArticleEditorialRead``); ``related_viewer`` (default ``viewer``) decides which related
    articles are shown."""
    row = await repository.get_detail(session, viewer, now, article_id=article_id, slug=slug)
    if row is None:
        what = f"article {article_id}" if article_id is not None else f"article «{slug}»"
        raise NotFound(f"No published {what}.")
    related_rows = await repository.related_summaries(
        session, related_viewer or viewer, now, row.id
    )
    media_rows = await repository.attached_media(session, row.id)
    bylines = Bylines.from_rows(await repository.bylines_and_tags(session, [row.id]))
    article = _full(row, tree, bylines, media_rows, editorial=editorial)
    article["related"] = summaries(related_rows)
    return article


async def get_articles(
    session: AsyncSession,
    tree: CategoryTree,
    viewer: Viewer,
    now: datetime,
    article_ids: Sequence[int],
    *,
    editorial: bool = False,
) -> dict[int, dict[str, Any]]:
    """Full articles by id, those ``viewer`` may see, in three statements for any number:
    as :func:`get_article` represents them, without ``related`` (for partners' documents,
    which do not carry it)."""
    if not article_ids:
        return {}
    rows = await repository.get_details(session, viewer, now, article_ids)
    ids = [row.id for row in rows]
    media: dict[int, list[Any]] = defaultdict(list)
    for media_row in await repository.attached_media_of(session, ids):
        media[media_row.article_id].append(media_row)
    bylines = Bylines.from_rows(await repository.bylines_and_tags(session, ids))
    return {row.id: _full(row, tree, bylines, media[row.id], editorial=editorial) for row in rows}


def _full(
    row: Any, tree: CategoryTree, bylines: Bylines, media_rows: Sequence[Any], *, editorial: bool
) -> dict[str, Any]:
    """A full article (without ``related``) from its detail row and what goes with it."""
    article = summary(row, tree, bylines)
    node = tree.by_id.get(row.category_id)
    article["category"] = {**article["category"], "path": tree.breadcrumb(node) if node else []}
    article.update(
        {
            "subtitle": row.subtitle,
            "body_html": row.body_html,
            "body_blocks": row.body_blocks,
            "body_text": row.body_text,
            "word_count": row.word_count,
            "media": [_attached(media_row) for media_row in media_rows],
            "source": (
                {"name": row.source_name, "url": row.source_url}
                if row.source_name or row.source_url
                else None
            ),
            "status": row.status,
            "version": row.version,
        }
    )
    if editorial:
        article.update(
            {
                "publish_at": rfc3339(row.publish_at),
                "embargo_until": rfc3339(row.embargo_until),
                "created_at": rfc3339(row.created_at),
                "created_by_id": row.created_by_id,
            }
        )
    return article


async def get_editorial_article(
    session: AsyncSession, article_id: int, reader: Viewer
) -> dict[str, Any]:
    """An article whatever its status, as the newsroom sees it; its related articles as
    ``reader`` may see them (a writer's article shows what the public sees there). Reads the
    category tree afresh: inside a write transaction the cached tree may not hold what was
    just written."""
    tree = CategoryTree([Node(*row) for row in await categories_repository.all_categories(session)])
    return await get_article(
        session,
        tree,
        STAFF,
        utcnow(),
        article_id=article_id,
        editorial=True,
        related_viewer=reader,
    )


def _attached(row: Any) -> dict[str, Any]:
    item = media_service.represent_values(row[4 : 4 + len(MEDIA_KEYS)])
    if row.link_caption:
        item["caption"] = row.link_caption
    if row.link_credit:
        item["credit"] = row.link_credit
    item["role"] = row.role
    item["position"] = row.position
    return item


def surrogate_keys(items: Iterable[Any]) -> list[str]:
    """``article-<id>`` for every article shown (summaries or rows), so a CDN can purge exactly
    what changed."""
    return [f"article-{item['id'] if isinstance(item, dict) else item.id}" for item in items]
