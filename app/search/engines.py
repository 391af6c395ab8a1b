"""The two search engines behind one interface: SQLite FTS5 and PostgreSQL full-text search.

Both index the same thing, the terms :mod:`app.search.analysis` makes of an article's title,
subtitle and summary, and body, and both are queried with the terms it makes of the reader's
query, so they agree on what matches. Neither engine's own text processing touches the text:

* **SQLite**: ``article_search`` keeps the analysed columns as space-separated terms; the FTS5
  table ``article_fts`` indexes them as external content (triggers of the migration keep it in
  step) with the ``unicode61`` tokenizer, which reads each term back as one token. Matching is
  an FTS5 expression (:func:`app.search.query.to_fts5`); relevance is BM25 with the columns
  weighted 10 (title), 4 (summary), 1 (body).
* **PostgreSQL**: the terms and their positions are written as a ``tsvector`` literal (title
  weight A, summary B, body C), so no text-search parser or dictionary runs; the query is a
  ``tsquery`` literal (:func:`app.search.query.to_tsquery`), cast likewise. Relevance is
  ``ts_rank_cd`` (cover density) with the weights A 1.0, B 0.4, C 0.1 (the same ratios as
  BM25's column weights) and length normalisation 1 (÷ 1 + log length).

Only the newest matches are ranked (``app.search.service``), so each engine finds those first.
FTS5 walks its index by rowid (article id), newest first, and stops. A GIN index has no order,
and a query of common words matches a fifth of an archive: reading every matching row to keep
the newest would cost more than the ranking. So PostgreSQL's two indexes also index each
article's id bucket (``article_id / ID_BUCKET``: articles created one after another share one),
the newest matches are looked for among the newest articles' buckets first, and among the
older ones only when those had too few (:func:`newest_by_buckets`). The index answers "these
words in these buckets" by itself: a common query reads only the rows of recent stories.
Ranking then reads each candidate's vector, straight from its row (by tuple id, once the
newest are chosen); the vectors are kept in their rows, compressed (storage ``MAIN``), wherever
they fit a page, so that reading one is not a TOAST lookup.

Title suggestions match another index of each title: its words unstemmed
(:func:`app.search.analysis.forms`), so that the beginning of a word being typed finds it:
the FTS5 table ``article_suggest`` (with prefix indexes), and the ``title_words`` vector.

News wants recent stories first among equally good matches: the score is the relevance times a
freshness boost, ``1 + FRESHNESS / (1 + age in hours / FRESHNESS_HOURS)``: a story published
just now counts double, one three days old 1.5 times, one a month old 1.09 times. Scores of
the two engines are on different scales; only their order matters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    REAL,
    ColumnElement,
    Float,
    Integer,
    SQLColumnExpression,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR, array

from app.models import ArticleSearch
from app.models.base import UTCDateTime
from app.search import analysis
from app.search.query import (
    Query,
    Suggestion,
    to_fts5,
    to_fts5_suggest,
    to_tsquery,
    to_tsquery_suggest,
)

#: How much a story published this moment gains over an old one (×2), and how fast it fades.
FRESHNESS = 1.0
FRESHNESS_HOURS = 72.0

#: BM25 weights of the title, summary and body columns (SQLite).
BM25_WEIGHTS = (10.0, 4.0, 1.0)
#: ``ts_rank_cd`` weights of D, C (body), B (summary), A (title) (PostgreSQL).
RANK_WEIGHTS = "{0.1, 0.1, 0.4, 1.0}"

# PostgreSQL's limits on a tsvector: positions run up to 16,383 and a lexeme keeps at most
# 256 of them; the columns are kept apart so that a phrase cannot run across two.
_MAX_POSITION = 16_383
_MAX_POSITIONS_PER_LEXEME = 256
_COLUMN_GAP = 100
_WEIGHTS = ("A", "B", "C")

#: Article ids per bucket in PostgreSQL's match indexes (the migration writes the same number
#: into their expression, ``ARRAY[article_id / 1024]``).
ID_BUCKET = 1024
#: How many of the newest buckets (up to 32,768 article ids) PostgreSQL looks in first. A search
#: matching more than one story in 32 finds its 1,000 candidates there and reads only the
#: matches among those ids, not the whole archive's; a rarer one also reads its matches in all
#: the older buckets (at 100,000 stories, fewer than 3,000). A wider first look costs common
#: queries more rows, a narrower one sends more queries on to the older buckets.
RECENT_BUCKETS = 32


@dataclass(frozen=True, slots=True)
class Texts:
    """What is indexed of one article, as written."""

    title: str
    summary: str
    body: str
    language: str


@dataclass(frozen=True, slots=True)
class Match:
    """How an engine finds matches, in two steps a query composes.

    ``rows`` selects the matching ``article_search`` rows (``article_id``, ``published_at``
    and what the engine needs next), in ``ArticleSearch``'s terms so that filters apply to it;
    ``newest(rows, n)`` is a subquery of the ``n`` (a number or a bound value) of those rows
    with the highest article ids (the most recently created: the candidates for ranking, see
    ``app.search.service``), found the way the engine finds them cheaply, with ``article_id``,
    ``published_at`` and what ``relevance`` reads to score one of them. The query is the
    bound value ``match``, ``expression`` in the engine's language: a statement built from one
    query runs another's with that value."""

    rows: Any  # a Select
    newest: Callable[[Any, Any], Any]
    relevance: Callable[[Any], ColumnElement[float]]
    expression: str


class Engine(Protocol):
    name: str
    #: How many matches a search ranks: the most recently created ones (highest ids, which the
    #: engine finds first). Ranking costs time in proportion to the candidates, and a query
    #: of common words matches a large part of an archive, of which a newsroom's readers want
    #: the recent stories. Narrower queries (more words, a phrase, a filter, a date range)
    #: reach further back: the candidates are the newest of what matches them, and a query
    #: with fewer matches has them all ranked. ``sort=newest`` is not limited.
    candidates: int

    def document(self, texts: Texts) -> dict[str, Any]:
        """The ``article_search`` column values (besides id, language, time) for an article."""

    def matching(self, query: Query) -> Match:
        """The articles matching a reader's query."""

    def suggesting(self, suggestion: Suggestion) -> Match:
        """The same for title suggestions, over the unstemmed forms of the titles' words: each
        complete word, and one beginning with the word being typed."""

    def age_hours(self, now: Any, published_at: Any) -> ColumnElement[float]:
        """Hours from ``published_at`` (a column) to ``now``, 0 for a time after it."""


def freshness(age_hours: ColumnElement[float]) -> ColumnElement[float]:
    return type_coerce(1.0 + FRESHNESS / (1.0 + age_hours / FRESHNESS_HOURS), Float)


class SQLiteEngine:
    name = "sqlite"
    #: FTS5 scores BM25 as it walks the index; with 1,000 a search stays well within its
    #: latency target (README, Speed).
    candidates = 1_000

    def document(self, texts: Texts) -> dict[str, Any]:
        return {
            "title": analysis.index_text(texts.title, texts.language),
            "summary": analysis.index_text(texts.summary, texts.language),
            "body": analysis.index_text(texts.body, texts.language),
            "title_words": analysis.suggest_text(texts.title),
            "document": None,
        }

    def _match(self, fts_table: str, expression: str, weights: Sequence[float]) -> Match:
        fts = table(fts_table, column("rowid", Integer))
        name: ColumnElement[Any] = literal_column(fts_table)
        # bm25() belongs to the MATCH's own query; smaller is better, so it is negated. FTS5
        # walks rowids (article ids) in either order, so with the candidates' LIMIT, bm25 is
        # computed for the candidates only.
        bm25 = type_coerce(func.bm25(name, *weights), Float).label("bm25")
        rows = (
            select(ArticleSearch.article_id, ArticleSearch.published_at, bm25)
            .select_from(fts)
            .join(ArticleSearch, ArticleSearch.article_id == fts.c.rowid)
            .where(name.op("MATCH")(bindparam("match", expression)))
        )

        def newest(rows: Any, n: Any) -> Any:
            return rows.order_by(fts.c.rowid.desc()).limit(n).subquery()

        return Match(rows, newest, lambda candidates: -candidates.c.bm25, expression)

    def matching(self, query: Query) -> Match:
        return self._match("article_fts", to_fts5(query), BM25_WEIGHTS)

    def suggesting(self, suggestion: Suggestion) -> Match:
        return self._match("article_suggest", to_fts5_suggest(suggestion), (1.0,))

    def age_hours(self, now: Any, published_at: Any) -> ColumnElement[float]:
        hours = (func.julianday(now) - func.julianday(published_at)) * 24.0
        return type_coerce(func.max(0.0, hours), Float)


def tsvector_literal(columns: Sequence[Sequence[str]]) -> str:
    """A ``tsvector`` in PostgreSQL's input syntax: each column's terms with their positions,
    the first column weighted A, the second B, the third C."""
    positions: dict[str, list[str]] = {}
    start = 0
    for weight, terms in zip(_WEIGHTS, columns, strict=False):
        for position, term in enumerate(terms, start=start + 1):
            # PostgreSQL's own rule: positions past the last are the last (so every term of
            # a very long article is still found).
            at = f"{min(position, _MAX_POSITION)}{weight}"
            kept = positions.get(term)
            if kept is None:
                positions[term] = [at]
            elif len(kept) < _MAX_POSITIONS_PER_LEXEME and kept[-1] != at:
                kept.append(at)
        start += len(terms) + _COLUMN_GAP
    return " ".join(f"'{_quoted(term)}':{','.join(at)}" for term, at in positions.items())


def _quoted(term: str) -> str:
    # Analysis makes terms of letters and digits; a quote or backslash would still be escaped.
    if "'" in term or "\\" in term:
        return term.replace("\\", "\\\\").replace("'", "''")
    return term


def _bucket(article_id: SQLColumnExpression[int]) -> ColumnElement[int]:
    # The number written in, as in the indexes' expression: with a bound value, the planner
    # would not recognise the indexed expression.
    return article_id // literal_column(str(ID_BUCKET), Integer)


def id_bucket() -> ColumnElement[Any]:
    """An article's id bucket as PostgreSQL's match indexes have it (their second column)."""
    return array([_bucket(ArticleSearch.article_id)])


#: Where a row of ``article_search`` is in its table (PostgreSQL's tuple id), in the matches'
#: statement and in the candidates' (``stored``): valid within one statement's snapshot.
_ROW: ColumnElement[Any] = literal_column("article_search.ctid")
_STORED_ROW: ColumnElement[Any] = literal_column("stored.ctid")


def newest_by_buckets(rows: Any, n: Any) -> Any:
    """The ``n`` rows of ``rows`` with the highest article ids: the highest ids among the
    :data:`RECENT_BUCKETS` newest buckets, then, only as many as those did not give, the
    highest among all the older buckets (a LIMIT of 0 does not search at all). The buckets are
    counted back from the newest in the same statement, so the two parts cover every row the
    statement sees: exactly the ``n`` highest ids of all the matches."""
    newest = select(_bucket(func.max(ArticleSearch.article_id)).label("bucket"))
    top = newest.cte("newest_bucket").c.bucket
    first = top - (RECENT_BUCKETS - 1)
    recent_buckets = func.array(select(func.generate_series(first, top)).scalar_subquery())
    recent = rows.where(id_bucket().overlap(recent_buckets))
    # "+ 0", here and in the order: neither is the primary key's, so the planner finds the
    # matches with the GIN index instead of walking the key and testing every vector it passes.
    older = rows.where(ArticleSearch.article_id + 0 < select(first * ID_BUCKET).scalar_subquery())
    newest_first = (ArticleSearch.article_id + 0).desc()
    kept = recent.order_by(newest_first).limit(n).cte("recent")
    missing = func.greatest(0, n - select(func.count()).select_from(kept).scalar_subquery())
    rest = older.order_by(newest_first).limit(missing).subquery("older")
    return union_all(select(kept), select(rest)).subquery()


class PostgreSQLEngine:
    name = "postgresql"
    #: Each candidate's vector is read and ranked after the matches are found: about 6 µs a
    #: candidate, besides choosing them. With 500, a search's slowest statements (queries of
    #: common words) take 14 ms instead of 20 at the 95th percentile, on the benchmark's
    #: 100,000 stories; 96% of their first 20 results are the same as with 1,000.
    candidates = 500

    def document(self, texts: Texts) -> dict[str, Any]:
        language = texts.language
        columns = [
            analysis.terms(texts.title, language),
            analysis.terms(texts.summary, language),
            analysis.terms(texts.body, language),
        ]
        title_words = analysis.suggest_text(texts.title).split()
        return {
            "title": None,
            "summary": None,
            "body": None,
            "title_words": tsvector_literal([title_words]),
            "document": tsvector_literal(columns),
        }

    def _match(self, vector: Any, expression: str) -> Match:
        # The query is written into the statement (quoted by SQLAlchemy; its terms are letters
        # and digits), not bound: with a bound value, the plan cache ends up with one generic
        # plan that cannot know how many articles a query matches, and scans every vector.
        tsquery = cast(bindparam("match", expression, literal_execute=True), TSQUERY)
        weights = cast(literal_column(f"'{RANK_WEIGHTS}'"), ARRAY(REAL))
        document = type_coerce(vector, TSVECTOR)
        # The matches carry where their row is (its ctid), not their vector: finding the newest
        # sorts every match of the recent buckets, which should move a few bytes each, not a
        # vector of kilobytes. The candidates' vectors are then read from their rows directly.
        rows = select(
            ArticleSearch.article_id, ArticleSearch.published_at, _ROW.label("row")
        ).where(document.op("@@")(tsquery))

        def newest(rows: Any, n: Any) -> Any:
            found = newest_by_buckets(rows, n)
            stored = ArticleSearch.__table__.alias("stored")
            return (
                select(found.c.article_id, found.c.published_at, stored.c[vector.key])
                .select_from(found.join(stored, _STORED_ROW == found.c.row))
                .subquery()
            )

        def relevance(candidates: Any) -> ColumnElement[float]:
            # Ranked outside the candidates' query, so that only the candidates are ranked.
            candidate = type_coerce(candidates.c[vector.key], TSVECTOR)
            return cast(func.ts_rank_cd(weights, candidate, tsquery, 1), Float)

        return Match(rows, newest, relevance, expression)

    def matching(self, query: Query) -> Match:
        return self._match(ArticleSearch.document, to_tsquery(query))

    def suggesting(self, suggestion: Suggestion) -> Match:
        return self._match(ArticleSearch.title_words, to_tsquery_suggest(suggestion))

    def age_hours(self, now: Any, published_at: Any) -> ColumnElement[float]:
        # date_part, unlike EXTRACT, is double precision all the way (EXTRACT computes a
        # numeric): half the cost of the freshness boost, which every candidate pays.
        elapsed = cast(now, UTCDateTime()) - published_at
        hours = type_coerce(func.date_part("epoch", elapsed), Float) / 3600.0
        return type_coerce(func.greatest(0.0, hours), Float)


_ENGINES: dict[str, Engine] = {"sqlite": SQLiteEngine(), "postgresql": PostgreSQLEngine()}


def engine_for(dialect_name: str) -> Engine:
    return _ENGINES[dialect_name]


def texts_of(
    title: str, subtitle: str | None, summary: str | None, body: str, language: str
) -> Texts:
    """The indexed texts of an article: the subtitle counts with the summary."""
    standfirst = "\n".join(part for part in (subtitle, summary) if part)
    return Texts(title, standfirst, body or "", language)
