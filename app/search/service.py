"""Search and suggestions: the engine's matches, filtered, ordered, paged, then shown as article
summaries with highlights.

A page is two statements: the engine finds and orders the matches (only ids, times and scores
cross over), then the page's cards and texts are read by primary key, under the visibility
rule once more, so that even an index lagging behind could not show what the public may not
see. Highlights are made from the texts as written (:mod:`app.search.highlight`).

Paging is keyset, as everywhere: by (score, id) for relevance and (published_at, id) for
``sort=newest``. The cursor also carries the moment the first page was computed, and scores
on later pages are computed for that moment, so the freshness boost does not move between
pages. BM25 and cover density depend on the whole index, though: stories published while a
reader pages can nudge the scores of others, which may move an item across the page boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, Float, and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.repository import ListFilter
from app.articles.visibility import PUBLIC, visible_articles
from app.core.errors import InvalidCursor
from app.core.pagination import get_cursor_codec
from app.core.text import direction_of, rfc3339
from app.models import (
    Article,
    ArticleAuthor,
    ArticleCard,
    ArticleSearch,
    ArticleSection,
    ArticleTag,
)
from app.models.base import UTCDateTime
from app.search import highlight as highlighting
from app.search.engines import Engine, engine_for, freshness
from app.search.query import Query, Suggestion

SEARCH_CURSOR = "search"
Sort = Literal["relevance", "newest"]

#: Words around the first match in a ``highlight`` snippet.
SNIPPET_WORDS = 30


def _filtered(rows: Any, filters: ListFilter) -> Any:
    """The article list's filters (``app.articles.repository.ListFilter``) on the matches."""
    if filters.language is not None:
        rows = rows.where(ArticleSearch.language == filters.language)
    if filters.since is not None:
        rows = rows.where(ArticleSearch.published_at >= filters.since)
    if filters.until is not None:
        rows = rows.where(ArticleSearch.published_at < filters.until)
    # Each other filter: a primary-key probe of a link table (or the article) per match.
    probes = (
        (ArticleSection.article_id, ArticleSection.category_id, filters.section_id),
        (ArticleTag.article_id, ArticleTag.tag_id, filters.tag_id),
        (ArticleAuthor.article_id, ArticleAuthor.author_id, filters.author_id),
        (Article.id, Article.is_breaking, filters.is_breaking),
    )
    for article_id, column, value in probes:
        if value is not None:
            rows = rows.where(
                exists().where(article_id == ArticleSearch.article_id, column == value)
            )
    return rows


@dataclass(frozen=True, slots=True)
class _Position:
    """Where a page starts: the moment scores are computed for, and the last item seen."""

    at: datetime
    key: float | datetime | None = None
    article_id: int | None = None


def _decode(cursor: str | None, sort: Sort, now: datetime) -> _Position:
    if cursor is None:
        return _Position(now)
    values = get_cursor_codec().decode(SEARCH_CURSOR, cursor)
    try:
        kind, at, key, article_id = values
        if kind != sort:
            raise InvalidCursor("The cursor belongs to a search in another order.")
        moment = datetime.fromisoformat(at)
        return _Position(
            moment,
            datetime.fromisoformat(key) if sort == "newest" else float(key),
            int(article_id),
        )
    except (TypeError, ValueError):
        raise InvalidCursor("The cursor is not one this API issued.") from None


def _encode(sort: Sort, position: _Position, last: Any) -> str:
    key = last.published_at.isoformat() if sort == "newest" else last.score
    return get_cursor_codec().encode(
        SEARCH_CURSOR, [sort, position.at.isoformat(), key, last.article_id]
    )


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite's stored text, when a subquery loses the column type
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment: datetime = value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _ranked(
    session: AsyncSession,
    engine: Engine,
    matched: tuple[Any, ColumnElement[float]],
    filters: ListFilter,
    sort: Sort,
    position: _Position,
    limit: int,
) -> list[Any]:
    rows, relevance = matched
    at = bindparam("at", position.at, type_=UTCDateTime())
    score = (relevance * freshness(engine.age_hours(at))).label("score")
    inner = (
        _filtered(rows, filters)
        .with_only_columns(ArticleSearch.article_id, ArticleSearch.published_at, score)
        .subquery()
    )
    page = select(inner.c.article_id, inner.c.published_at, inner.c.score)
    if sort == "newest":
        order = (inner.c.published_at.desc(), inner.c.article_id.desc())
        key_column: Any = inner.c.published_at
    else:
        order = (inner.c.score.desc(), inner.c.article_id.desc())
        key_column = inner.c.score
    if position.article_id is not None:
        key = bindparam(
            "after_key",
            position.key,
            type_=UTCDateTime() if sort == "newest" else Float(),
        )
        page = page.where(
            or_(key_column < key, and_(key_column == key, inner.c.article_id < position.article_id))
        )
    result = await session.execute(page.order_by(*order).limit(limit))
    return list(result.all())


async def search(
    session: AsyncSession,
    query: Query,
    filters: ListFilter,
    *,
    sort: Sort,
    cursor: str | None,
    limit: int,
    now: datetime,
) -> tuple[list[bytes], str | None]:
    """A page of results, each a serialised article summary with ``highlight`` and
    ``title_highlight``, and the cursor of the next page."""
    position = _decode(cursor, sort, now)
    if query.is_empty:
        return [], None
    engine = engine_for(session.get_bind().dialect.name)
    rows = await _ranked(
        session, engine, engine.matching(query), filters, sort, position, limit + 1
    )
    next_cursor = _encode(sort, position, rows[limit - 1]) if len(rows) > limit else None
    items = await _shown(session, [row.article_id for row in rows[:limit]], query.words, now)
    return items, next_cursor


async def _shown(
    session: AsyncSession, article_ids: Sequence[int], words: Sequence[str], now: datetime
) -> list[bytes]:
    if not article_ids:
        return []
    result = await session.execute(
        select(
            Article.id,
            Article.language,
            Article.title,
            Article.subtitle,
            Article.summary,
            Article.body_text,
            ArticleCard.card,
        )
        .join(ArticleCard, ArticleCard.article_id == Article.id)
        .where(Article.id.in_(article_ids), visible_articles(PUBLIC, now))
    )
    found = {row.id: row for row in result}
    return [_item(found[i], words) for i in article_ids if i in found]


def _item(row: Any, words: Sequence[str]) -> bytes:
    extra = {
        "highlight": snippet(row, words),
        "title_highlight": highlighting.highlight(
            row.title, words, row.language, max_words=len(row.title)
        ),
    }
    card: bytes = row.card
    return card[:-1] + b"," + orjson.dumps(extra)[1:]


def snippet(row: Any, words: Sequence[str]) -> str:
    """The passage of the body where the query's words are (the body tells most), else of
    the standfirst, else of the title; with no word found outside the title, the opening of
    the summary or the body."""
    texts = [t for t in (row.body_text, row.summary, row.subtitle) if t]
    for text in texts:
        if highlighting.matches(text, words, row.language):
            return highlighting.highlight(text, words, row.language, max_words=SNIPPET_WORDS)
    opening = row.summary or row.body_text or row.title
    return highlighting.highlight(opening, words, row.language, max_words=SNIPPET_WORDS)


async def suggest(
    session: AsyncSession,
    suggestion: Suggestion,
    *,
    language: str | None,
    limit: int,
    now: datetime,
) -> list[dict[str, Any]]:
    """Titles for a partly typed query, best first: ``id``, ``slug``, ``url``, ``title``,
    ``title_highlight`` (the matching words marked), ``language``, ``direction``,
    ``published_at``."""
    if suggestion.is_empty:
        return []
    engine = engine_for(session.get_bind().dialect.name)
    rows = await _ranked(
        session,
        engine,
        engine.suggesting(suggestion),
        ListFilter(language=language),
        "relevance",
        _Position(now),
        limit,
    )
    ids = [row.article_id for row in rows]
    if not ids:
        return []
    # Marked: the words typed so far, whole, and any word the last one begins.
    marked = (*suggestion.prefixes, *(form for item in suggestion.required for form in item))
    result = await session.execute(
        select(Article.id, Article.title, Article.language, Article.published_at, ArticleCard.card)
        .join(ArticleCard, ArticleCard.article_id == Article.id)
        .where(Article.id.in_(ids), visible_articles(PUBLIC, now))
    )
    found = {row.id: row for row in result}
    items = []
    for article_id in ids:
        row = found.get(article_id)
        if row is None:
            continue
        card = orjson.loads(row.card)
        items.append(
            {
                "id": article_id,
                "slug": card["slug"],
                "url": card["url"],
                "title": row.title,
                "title_highlight": highlighting.highlight(
                    row.title, (), row.language, max_words=len(row.title), prefixes=marked
                ),
                "language": row.language,
                "direction": direction_of(row.language),
                "published_at": rfc3339(_as_utc(row.published_at)),
            }
        )
    return items
