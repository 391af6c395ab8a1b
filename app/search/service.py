"""Search and suggestions: the engine's matches, filtered, ordered, paged, then shown as article
summaries with highlights.

A page is two statements: the engine finds and orders the matches (only ids, times and scores
cross over), then the page's cards and texts are read by primary key, under the visibility
rule once more, so that even an index lagging behind could not show what the public may not
see. Highlights are made from the texts as written (:mod:`app.search.highlight`).

Paging is keyset, as everywhere: by (score, id) for relevance and (published_at, id) for
``sort=newest``. The cursor also carries the moment the first page was computed: later pages
leave out what was published since (so the pages neither repeat nor skip an item because a
story came in) and score for that moment (so the freshness boost does not move). BM25
(SQLite) also depends on statistics of the whole index, though: a story published while a
reader pages can nudge the scores of others a little, which may move an item across a page
boundary. What unpublishing removes is gone from later pages too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Float, Integer, and_, bindparam, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.repository import ListFilter
from app.articles.visibility import PUBLIC, visible_articles
from app.core.errors import InvalidCursor
from app.core.pagination import get_cursor_codec
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
from app.search.engines import Engine, Match, engine_for, freshness
from app.search.query import Query, Suggestion

SEARCH_CURSOR = "search"
#: What a suggestion shows of the article's card.
SUGGESTION_FIELDS = ("id", "slug", "url", "title", "language", "direction", "published_at")
#: How many titles are ranked for a suggestion (the newest that match; see
#: ``Engine.candidates`` for the search's own), which answers every keystroke.
SUGGEST_CANDIDATES = 200
Sort = Literal["relevance", "newest"]

#: Words around the first match in a ``highlight`` snippet.
SNIPPET_WORDS = 30


#: The filters of ``ListFilter`` that search applies, each bound under its own name.
_FILTERS = ("language", "since", "until", "section_id", "tag_id", "author_id", "is_breaking")

#: Statements built once per shape (engine, what is ranked, order, filters, page) and kept for
#: the process, values bound at execution: building and keying a search statement anew costs
#: about 5 ms of Python a request, running a kept one about 1.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _filtered(rows: Any, filters: ListFilter) -> Any:
    """The article list's filters (``app.articles.repository.ListFilter``) on the matches:
    those set, each bound under its name in :data:`_FILTERS`."""
    if filters.language is not None:
        rows = rows.where(ArticleSearch.language == bindparam("language"))
    if filters.since is not None:
        rows = rows.where(ArticleSearch.published_at >= bindparam("since"))
    if filters.until is not None:
        rows = rows.where(ArticleSearch.published_at < bindparam("until"))
    # Each other filter: a primary-key probe of a link table (or the article) per match.
    probes = (
        (ArticleSection.article_id, ArticleSection.category_id, "section_id"),
        (ArticleTag.article_id, ArticleTag.tag_id, "tag_id"),
        (ArticleAuthor.article_id, ArticleAuthor.author_id, "author_id"),
        (Article.id, Article.is_breaking, "is_breaking"),
    )
    for article_id, column, name in probes:
        if getattr(filters, name) is not None:
            rows = rows.where(
                exists().where(article_id == ArticleSearch.article_id, column == bindparam(name))
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


def _ranking(engine: Engine, match: Match, filters: ListFilter, sort: Sort, paged: bool) -> Any:
    """The page statement of :func:`_ranked` for one shape. Bound at execution: ``match``,
    ``at``, the filters', ``limit``, ``candidates`` (relevance), and the cursor's ``after_key``
    and ``after_id`` (``paged``)."""
    at = bindparam("at", type_=UTCDateTime())
    matches = _filtered(match.rows, filters).where(ArticleSearch.published_at <= at)
    limit = bindparam("limit", type_=Integer)
    after_id = bindparam("after_id", type_=Integer)
    if sort == "newest":
        page = matches.with_only_columns(
            ArticleSearch.article_id, ArticleSearch.published_at, literal(0.0).label("score")
        )
        if paged:
            key = bindparam("after_key", type_=UTCDateTime())
            after = ArticleSearch.article_id < after_id
            published = ArticleSearch.published_at
            page = page.where(or_(published < key, and_(published == key, after)))
        order = (ArticleSearch.published_at.desc(), ArticleSearch.article_id.desc())
        return page.order_by(*order).limit(limit)
    newest = match.newest(matches, bindparam("candidates", type_=Integer))
    age = engine.age_hours(at, newest.c.published_at)
    score = (match.relevance(newest) * freshness(age)).label("score")
    scored = select(newest.c.article_id, newest.c.published_at, score).subquery()
    page = select(scored.c.article_id, scored.c.published_at, scored.c.score)
    if paged:
        best = bindparam("after_key", type_=Float())
        after = scored.c.article_id < after_id
        page = page.where(or_(scored.c.score < best, and_(scored.c.score == best, after)))
    order = (scored.c.score.desc(), scored.c.article_id.desc())
    return page.order_by(*order).limit(limit)


async def _ranked(
    session: AsyncSession,
    engine: Engine,
    match: Match,
    ranks: str,
    filters: ListFilter,
    sort: Sort,
    position: _Position,
    limit: int,
    candidates: int | None = None,
) -> list[Any]:
    """A page of (article_id, published_at, score): newest first over every match, or best
    first over the candidates (the newest ``candidates`` matches; by default the engine's
    ``candidates``). Both leave out what was published after the first page was
    computed (``position.at``), so later pages read the same set. ``ranks`` names what
    ``match`` matches (the query's articles, or titles for suggestions): statements are kept
    per engine, ``ranks``, order, filters set and page (:data:`_STATEMENTS`)."""
    paged = position.article_id is not None
    values = {name: getattr(filters, name) for name in _FILTERS}
    params = {name: value for name, value in values.items() if value is not None}
    shape = (engine.name, ranks, sort, paged, *params)
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _ranking(engine, match, filters, sort, paged)
    params.update(match=match.expression, at=position.at, limit=limit)
    if sort == "relevance":
        params["candidates"] = engine.candidates if candidates is None else candidates
    if paged:
        params.update(after_key=position.key, after_id=position.article_id)
    return list((await session.execute(statement, params)).all())


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
        session, engine, engine.matching(query), "articles", filters, sort, position, limit + 1
    )
    next_cursor = _encode(sort, position, rows[limit - 1]) if len(rows) > limit else None
    items = await _shown(session, [row.article_id for row in rows[:limit]], query.words, now)
    return items, next_cursor


async def _visible(
    session: AsyncSession, article_ids: Sequence[int], now: datetime, *columns: Any
) -> list[Any]:
    """The stored card and ``columns`` of each article, in the order given, by primary key and
    under the visibility rule once more (an index lagging behind could not leak)."""
    if not article_ids:
        return []
    shape = ("visible", *(column.key for column in columns))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = (
            select(Article.id, ArticleCard.card, *columns)
            .join(ArticleCard, ArticleCard.article_id == Article.id)
            .where(
                Article.id.in_(bindparam("ids", expanding=True)),
                visible_articles(PUBLIC, bindparam("now", type_=UTCDateTime())),
            )
        )
    result = await session.execute(statement, {"ids": list(article_ids), "now": now})
    found = {row.id: row for row in result}
    return [found[i] for i in article_ids if i in found]


async def _shown(
    session: AsyncSession, article_ids: Sequence[int], words: Sequence[str], now: datetime
) -> list[bytes]:
    texts = (Article.language, Article.title, Article.subtitle, Article.summary, Article.body_text)
    return [_item(row, words) for row in await _visible(session, article_ids, now, *texts)]


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
        found = highlighting.passage(text, words, row.language, max_words=SNIPPET_WORDS)
        if found is not None:
            return found
    opening = row.summary or row.body_text or row.title
    # Nothing of the query is in it: no word to mark, nothing to look for.
    return highlighting.highlight(opening, (), row.language, max_words=SNIPPET_WORDS)


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
        "titles",
        ListFilter(language=language),
        "relevance",
        _Position(now),
        limit,
        SUGGEST_CANDIDATES,
    )
    # Marked: the words typed so far, whole, and any word the last one begins.
    marked = (*suggestion.prefixes, *(form for item in suggestion.required for form in item))
    items = []
    for row in await _visible(session, [row.article_id for row in rows], now):
        card = orjson.loads(row.card)
        items.append(
            {
                **{name: card[name] for name in SUGGESTION_FIELDS},
                "title_highlight": highlighting.highlight(
                    card["title"],
                    (),
                    card["language"],
                    max_words=len(card["title"]),
                    prefixes=marked,
                ),
            }
        )
    return items
