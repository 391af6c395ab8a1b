"""Search-result snippets: a short window of the original text with the query's words marked.

Matching is done on analysed terms (the same analysis as indexing and querying), but what is
shown and marked is the text as written: a query for ``احمد`` marks ``أَحْمَد`` with its hamza
and tashkeel, and ``elections`` marks ``Election``.

Decisions:

* The window is ``max_words`` words, starting a third of the window before the first matching
  word (so the match is read in context), moved back when the text ends sooner. A window that
  cuts the text is shown with ``…`` at the cut ends. With no match, the window is the first
  ``max_words`` words. A text without words gives an empty snippet.
* The snippet runs from the first to the last word of the window; between words, runs of
  whitespace become one space, control characters and bidirectional embedding/override/isolate
  controls are dropped (a cut snippet could leave them unclosed and reorder the page around
  it), and punctuation longer than :data:`_MAX_GAP` characters is shortened to ``…``; so is a
  "word" longer than :data:`_MAX_WORD` characters (a pasted hash or number run).
* Output is HTML: every character of the text is escaped; the only markup is ours,
  ``<mark>…</mark>`` around each matching word.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from itertools import islice

from app.search import analysis

__all__ = ["highlight", "passage"]

_ELLIPSIS = "…"
_MAX_GAP = 40
_MAX_WORD = 60
_WHITESPACE = re.compile(r"\s+")
_CHUNK = re.compile(r"\S+")
_MARKUP = re.compile("[&<>\"']")
#: Texts longer than this are first narrowed to the runs around the first match.
_LONG_TEXT = 600
_SPARE_RUNS = 5
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _gap(text: str) -> str:
    """The escaped text between two words of the snippet."""
    if text == " ":
        return text
    text = _WHITESPACE.sub(" ", text)
    text = "".join(c for c in text if c not in _BIDI_CONTROLS and unicodedata.category(c) != "Cc")
    if len(text) > _MAX_GAP:
        return f" {_ELLIPSIS} "
    return html.escape(text)


def _words(
    text: str, wanted: frozenset[str], language: str | None, prefixes: tuple[str, ...]
) -> list[tuple[int, int, bool]]:
    """(start, end, matches) of each word of ``text``; a word analysed into several terms
    matches if any of them is wanted, or if one of its unstemmed forms
    (:func:`app.search.analysis.forms`) begins with one of ``prefixes``."""
    words: list[tuple[int, int, bool]] = []
    if not prefixes:
        # Words never hold whitespace: the words of each run, memoised, are those of the text.
        for run in _CHUNK.finditer(text):
            base = run.start()
            for start, end, terms in analysis.run_words(run.group(), language):
                words.append((base + start, base + end, not wanted.isdisjoint(terms)))
        return words
    for token in analysis.tokens(text, language):
        hit = token.term in wanted or (
            bool(prefixes)
            and any(
                form.startswith(prefixes) for form in analysis.forms(text[token.start : token.end])
            )
        )
        if words and token.start < words[-1][1]:
            start, end, matched = words[-1]
            words[-1] = (start, max(end, token.end), matched or hit)
        else:
            words.append((token.start, token.end, hit))
    return words


def highlight(
    text: str,
    query_words: Sequence[str],
    language: str | None = None,
    *,
    max_words: int = 30,
    prefixes: Sequence[str] = (),
) -> str:
    """An HTML snippet of ``text`` around the first word whose term is in ``query_words`` (the
    ``words`` of a parsed query) or whose form begins with one of ``prefixes`` (words being
    typed, and the forms of those already typed), every such word wrapped in ``<mark>``.
    ``language`` is the text's language, as given when it was indexed."""
    return _snippet(text, query_words, language, max_words, prefixes, require_match=False) or ""


def passage(
    text: str, query_words: Sequence[str], language: str | None = None, *, max_words: int = 30
) -> str | None:
    """The :func:`highlight` of ``text`` if one of its words matches, else None: which text
    of an article holds the query's words is found by the same one reading that makes its
    snippet."""
    return _snippet(text, query_words, language, max_words, (), require_match=True)


def _snippet(
    text: str,
    query_words: Sequence[str],
    language: str | None,
    max_words: int,
    prefixes: Sequence[str],
    *,
    require_match: bool,
) -> str | None:
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    wanted = frozenset(query_words)
    starts = tuple(p for p in prefixes if p)
    cut_before = cut_after = False
    if not starts:
        # Which run holds the first match is found on the runs alone (one memoised lookup
        # each); only a text that has one, or whose opening is wanted, is read word by word.
        runs = text.split()
        first_run = analysis.first_run_with(runs, wanted, language)
        if first_run is None and require_match:
            return None
        if len(text) > _LONG_TEXT:
            text, cut_before, cut_after = _around(text, len(runs), first_run, max_words)
    words = _words(text, wanted, language, starts)
    first = next((index for index, word in enumerate(words) if word[2]), None)
    if first is None and require_match:
        return None
    if not words:
        return ""
    begin = max(0, (first or 0) - max_words // 3)
    end = min(len(words), begin + max_words)
    begin = max(0, end - max_words)
    parts: list[str] = [f"{_ELLIPSIS} "] if begin > 0 or cut_before else []
    previous_end: int | None = None
    for start, stop, matched in words[begin:end]:
        if previous_end is not None:
            parts.append(_gap(text[previous_end:start]))
        word = text[start:stop]
        word = word if len(word) <= _MAX_WORD else word[:_MAX_WORD] + _ELLIPSIS
        if _MARKUP.search(word):
            word = html.escape(word)
        parts.append(f"<mark>{word}</mark>" if matched else word)
        previous_end = stop
    if end < len(words) or cut_after:
        parts.append(f" {_ELLIPSIS}")
    return "".join(parts)


def _around(
    text: str, run_count: int, first_run: int | None, max_words: int
) -> tuple[str, bool, bool]:
    """The runs of ``text`` (maximal runs without whitespace, ``run_count`` of them) from
    ``max_words`` before ``first_run``, the first run holding a match, to ``max_words`` and a
    few after it (with no match, the first ``max_words`` and a few): enough for the window,
    also where it is moved back because the text ends, since a run holds at least one word
    unless it is punctuation alone; and whether that cut the text before and after. Only the
    part kept is analysed word by word."""
    if first_run is None:
        begin, end = 0, min(run_count, max_words + _SPARE_RUNS)
    else:
        begin = max(0, first_run - max_words)
        end = min(run_count, first_run + 1 + max_words + _SPARE_RUNS)
    spans = [run.span() for run in islice(_CHUNK.finditer(text), begin, end)]
    if not spans:
        return text, False, False
    return text[spans[0][0] : spans[-1][1]], begin > 0, end < run_count
