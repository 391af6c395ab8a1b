"""The reader's query language, and its translation into SQLite FTS5 and PostgreSQL queries.

The language is deliberately small, because readers type queries, not programs:

* plain words: every one must match (``انتخابات بيروت``);
* ``"an exact phrase"`` (also between ``“ ”``, ``„ “`` or ``« »``, which Arabic and European
  keyboards produce): its words must appear together and in order;
* ``-word`` or ``-"a phrase"``: must not match.

Everything else is text. Operators of the engines (``AND``, ``OR``, ``NOT``, ``NEAR``, ``*``,
``^``, ``:``, parentheses) are ordinary words or punctuation; a quote that does not close, a
hyphen standing alone, emoji and control characters are punctuation. Nothing a reader types
can reach an engine as syntax: every word goes through :mod:`app.search.analysis`, whose terms
are letters and digits only, and the builders below quote every term (and would still remove
anything that is not a letter or digit from a hand-made :class:`Query`).

Words typed together without a space but split by analysis (``covid-19``, ``3.5``, ``e-mail``,
``l'élection`` in French) are required as a phrase, since the reader wrote them as one thing;
other punctuation (``،`` ``,`` ``;`` …) separates words as a space would, so ``بيروت،دمشق``
needs both words, not the phrase. Repeated items are kept once. At most
:data:`MAX_ITEMS` required and :data:`MAX_ITEMS` excluded items are kept (the first ones);
queries longer than :data:`MAX_QUERY_CHARS` characters are refused rather than cut, so a
reader never gets results for a query other than the one sent.

The same ``language`` as at indexing time must be passed (see :mod:`app.search.analysis`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.search import analysis

__all__ = [
    "MAX_ITEMS",
    "MAX_QUERY_CHARS",
    "Query",
    "QueryTooLong",
    "Suggestion",
    "parse",
    "suggestion",
    "to_fts5",
    "to_fts5_suggest",
    "to_tsquery",
    "to_tsquery_suggest",
]

MAX_QUERY_CHARS = 500
MAX_ITEMS = 16

_QUOTES = frozenset('"“”„«»')
_EXCLUDE = "-"
# Characters that, between two words typed without a space, join them into one phrase.
_CONNECTORS = frozenset("-‐‑‒–./:_'’ʼ·\u066b\u066c")


class QueryTooLong(ValueError):
    """The query has more than :data:`MAX_QUERY_CHARS` characters."""


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Each item is one term (a 1-tuple) or the terms of a phrase."""

    required: tuple[tuple[str, ...], ...]
    excluded: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]  # the terms of everything required, once each, for highlighting

    @property
    def is_empty(self) -> bool:
        """Nothing is required: an empty query, or one of exclusions and punctuation only. There
        is nothing to search for (an engine cannot list everything *except* some words)."""
        return not self.required


def _quote_pairs(q: str) -> dict[int, int]:
    """Opening quote index → closing quote index; a last quote without a partner is text."""
    pairs: dict[int, int] = {}
    opened: int | None = None
    for index, char in enumerate(q):
        if char in _QUOTES:
            if opened is None:
                opened = index
            else:
                pairs[opened] = index
                opened = None
    return pairs


def _chunk_items(chunk: str, language: str | None) -> list[tuple[str, ...]]:
    """The items of text typed without spaces: words joined only by connectors are one
    phrase, words separated by other punctuation are separate items."""
    items: list[tuple[str, ...]] = []
    current: list[str] = []
    previous_end = 0
    for token in analysis.tokens(chunk, language):
        joined = token.start < previous_end or all(
            c in _CONNECTORS for c in chunk[previous_end : token.start]
        )
        if current and not joined:
            items.append(tuple(current))
            current = []
        current.append(token.term)
        previous_end = max(previous_end, token.end)
    if current:
        items.append(tuple(current))
    return items


class _Items:
    """Items in order, each once, at most :data:`MAX_ITEMS`."""

    def __init__(self) -> None:
        self.items: list[tuple[str, ...]] = []

    def add(self, item: tuple[str, ...]) -> None:
        if item and item not in self.items and len(self.items) < MAX_ITEMS:
            self.items.append(item)


def parse(q: str, language: str | None = None) -> Query:
    """Parse a reader's query. Raises :class:`QueryTooLong` only; any other text is a query."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"a query has at most {MAX_QUERY_CHARS} characters, not {len(q)}")
    required, excluded = _Items(), _Items()
    pairs = _quote_pairs(q)
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        negated = q[i] == _EXCLUDE
        start = i + 1 if negated else i
        target = excluded if negated else required
        if start in pairs:
            close = pairs[start]
            target.add(tuple(analysis.terms(q[start + 1 : close], language)))
            i = close + 1
            continue
        end = start
        while end < n and not q[end].isspace() and end not in pairs:
            end += 1
        for item in _chunk_items(q[start:end], language):
            target.add(item)
        i = end
    words = dict.fromkeys(term for item in required.items for term in item)
    return Query(tuple(required.items), tuple(excluded.items), tuple(words))


def _clean(item: tuple[str, ...]) -> tuple[str, ...]:
    """The item's terms with anything but letters and digits removed (analysis never produces
    such characters; a hand-made query might), empty terms dropped."""
    cleaned = ("".join(c for c in term if c.isalnum()) for term in item)
    return tuple(term for term in cleaned if term)


def _cleaned(query: Query) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    required = [item for item in map(_clean, query.required) if item]
    excluded = [item for item in map(_clean, query.excluded) if item]
    if not required:
        raise ValueError("nothing is required: check Query.is_empty before searching")
    return required, excluded


def _fts5_item(item: tuple[str, ...]) -> str:
    return '"' + " ".join(item).replace('"', '""') + '"'


def to_fts5(query: Query) -> str:
    """An SQLite FTS5 ``MATCH`` expression over the indexed terms: ``"a" "b c" NOT "d"``: each
    item one quoted string (several terms in one string are a phrase), required items side by
    side (AND), each exclusion after ``NOT``. Raises ``ValueError`` if nothing is required."""
    required, excluded = _cleaned(query)
    expression = " ".join(map(_fts5_item, required))
    return "".join([expression, *(" NOT " + _fts5_item(item) for item in excluded)])


def _tsquery_item(item: tuple[str, ...]) -> str:
    quoted = ["'" + term.replace("'", "''") + "'" for term in item]
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def to_tsquery(query: Query) -> str:
    """A PostgreSQL ``tsquery`` literal, cast as it is (``CAST(… AS tsquery)``: no parser or
    dictionary runs on it): ``'a' & ('b' <-> 'c') & !'d'``: terms single-quoted, phrases with
    ``<->``, required items joined with ``&``, each exclusion as ``& !``. Raises
    ``ValueError`` if nothing is required."""
    required, excluded = _cleaned(query)
    parts = [_tsquery_item(item) for item in required]
    parts += ["!" + _tsquery_item(item) for item in excluded]
    return " & ".join(parts)


# --- Suggestions as the reader types -----------------------------------------------------------

#: A suggestion needs this many characters of the word being typed, when it is the only word:
#: one letter would match most of the titles of the archive.
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a suggested title must contain, in :func:`app.search.analysis.forms`: one of the
    forms of each word already typed (``required``, a tuple of forms per word), and a word
    beginning with one of ``prefixes`` (the forms of the word being typed). Empty when there
    is not enough to suggest from."""

    required: tuple[tuple[str, ...], ...]
    prefixes: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.prefixes and not self.required


def suggestion(q: str) -> Suggestion:
    """The words of ``q`` before its last one are complete; the last one, unless something
    other than a letter or digit follows it, is being typed. Quotes and minus signs are text
    here. Raises :class:`QueryTooLong` for more than :data:`MAX_QUERY_CHARS` characters."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"a query has at most {MAX_QUERY_CHARS} characters, not {len(q)}")
    spans = analysis.words(q)
    typing = spans[-1] if spans and spans[-1][1] == len(q) else None
    complete = spans[:-1] if typing is not None else spans
    required = _Items()
    for start, end in complete:
        required.add(analysis.forms(q[start:end]))
    prefixes: tuple[str, ...] = ()
    if typing is not None and not analysis.is_bare_prefix(q[typing[0] : typing[1]]):
        kept: list[str] = []
        for form in sorted(analysis.forms(q[typing[0] : typing[1]]), key=len):
            if not any(form.startswith(shorter) for shorter in kept):
                kept.append(form)  # a longer form beginning with a kept one adds nothing
        prefixes = tuple(kept)
        if not required.items and min(map(len, prefixes), default=0) < MIN_PREFIX_CHARS:
            prefixes = ()
    return Suggestion(tuple(required.items), prefixes)


def _any_of(options: list[str], separator: str) -> str:
    return options[0] if len(options) == 1 else "(" + separator.join(options) + ")"


def _suggest_parts(suggestion: Suggestion, exact: str, prefix: str, separator: str) -> list[str]:
    parts = [
        _any_of([exact.format(form) for form in forms], separator)
        for forms in (tuple(filter(None, map(_clean_term, item))) for item in suggestion.required)
        if forms
    ]
    starts = [prefix.format(p) for p in map(_clean_term, suggestion.prefixes) if p]
    if starts:
        parts.append(_any_of(starts, separator))
    if not parts:
        raise ValueError("an empty suggestion: check Suggestion.is_empty first")
    return parts


def _clean_term(term: str) -> str:
    return "".join(c for c in term if c.isalnum())


def to_fts5_suggest(suggestion: Suggestion) -> str:
    """An FTS5 expression over the forms of titles: a form of each typed word, and a form
    beginning with a prefix: ``("a" OR "b") AND "c" *``."""
    return " AND ".join(_suggest_parts(suggestion, '"{}"', '"{}" *', " OR "))


def to_tsquery_suggest(suggestion: Suggestion) -> str:
    """The same as a ``tsquery`` literal: ``('a' | 'b') & 'c':*``."""
    return " & ".join(_suggest_parts(suggestion, "'{}'", "'{}':*", " | "))
