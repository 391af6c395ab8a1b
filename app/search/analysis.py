"""Text analysis for search: one function turns running text into the terms that are indexed
and the same function turns a reader's query into the terms that are matched, so the two meet.

What is decided here, and why:

* **Words** are found in the *original* text, so that every term keeps the offsets of the word
  as written (highlighting marks ``أَحْمَد`` with its hamza and tashkeel, not a normalised copy).
  A word is a run of letters, digits and combining marks; soft hyphens and zero-width
  (non-)joiners inside a word and apostrophes between letters (``don't``) do not split it.
  A number written with thousands separators (``2,000``, ``٢٬٠٠٠``) is one word with the term
  ``2000``; any other separator splits a number into its digit runs (``3.5`` and ``٣٫٥`` are
  the words ``3`` and ``5``; the query parser keeps such runs together as a phrase).
* **Normalisation** (:func:`normalize`): NFKC (presentation forms, ligatures, full-width
  letters), the Arabic spelling variants readers and writers mix freely (hamza and wasla forms
  of alef → ``ا``, ``ة`` → ``ه``, ``ى`` → ``ي``, ``ؤ`` → ``و``, ``ئ`` → ``ي``, Persian-keyboard
  ``ی``/``ک``/``ۀ`` → ``ي``/``ك``/``ه``), tashkeel, Quranic marks and tatweel dropped, every decimal
  digit (Arabic-Indic, Persian …) to ASCII, then case folding.
* **Arabic words** (any Arabic letter) are analysed the Arabic way whatever the article's
  language: the definite article with its attached prepositions and conjunctions (``ال``,
  ``وال``, ``فال``, ``بال``, ``كال``, ``لل``) is removed first, repeatedly, while at least two
  letters remain; then a final plural ``ات`` while at least three remain; only then does the
  Snowball Arabic stemmer run. Stripping first is what makes the forms meet: Snowball on its own
  treats a word with the article as a noun and one without it as a possible verb, so
  ``الانتخابات`` → ``انتخاب`` but ``انتخابات`` → ``انتخابا`` and ``وزير`` → ``زير`` but ``الوزير``
  → ``وزير``. Once every form reaches Snowball as the same string, Snowball's own choices are
  consistent across them. A stem shorter than two letters is never used (the word before
  stemming is kept instead). Arabic proclitics written onto a Latin word or a number
  (``الـiPhone``, ``بـ2026``) are dropped and the rest is analysed as Latin or digits.
* **Other words** are stemmed with the Snowball stemmer of the text's language when Snowball
  has one for that script (``fr``, ``de``, ``es`` … for Latin words; ``ru``, ``el`` … for their
  own scripts), and Latin words otherwise with Snowball English (``elections`` → ``elect``).
  With English, apostrophes stay in the word for the stemmer (which removes a possessive
  ``'s``) and are then dropped (``don't`` → ``dont``); with other languages an apostrophe
  splits the word (``l'élection`` → ``l`` + ``élect``), each part with its own offsets.
  Digit-only words are kept as they are.
* **Terms** are made of letters and digits only: every character of a term is a Unicode letter
  (category ``L*``) or number (``N*``), and every decimal digit is ASCII, so no term can carry
  query syntax. PostgreSQL is given the terms as they are; SQLite's ``unicode61`` tokenizer
  reads each as one token as long as its letters are in the Unicode 6.1 tables it knows
  (letters added to Unicode since, such as the Arabic Extended-B block, separate tokens there:
  such a word is then found as its parts, by both indexing and queries). A term is at most 100
  characters long.
* **Speed**: the analysis of a word is memoised (``functools.lru_cache``, 100,000 words), so a
  re-index spends its time on the few words it has not met yet; Snowball Arabic is memoised
  on its input too, which the written forms of a word share. Snowball stemmers keep state
  while they stem, so each thread has its own. A "word" longer than 64 characters (no
  language has one: a pasted hash, a run of digits) is kept unstemmed and not memoised.

The same ``language`` must be given when indexing a text and when parsing the queries meant to
find it; Arabic words are unaffected by it.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Sequence
from itertools import compress, count, repeat
from operator import not_
from typing import NamedTuple, Protocol, cast

# Snowball ships no type information; the one method used is described by ``_Stemmer``.
import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "ANALYSIS_VERSION",
    "Token",
    "first_run_with",
    "forms",
    "index_text",
    "is_bare_prefix",
    "normalize",
    "run_words",
    "suggest_text",
    "terms",
    "tokens",
    "words",
]

#: Raise it with any change that makes a text give other terms: the search index is then
#: rebuilt when the app next starts (``app.search.index``).
ANALYSIS_VERSION = 1


class Token(NamedTuple):
    """One analysed term and the offsets of the word it comes from, in the original text (a
    named tuple: highlighting makes one per word of every snippet, and tuples are cheap)."""

    term: str
    start: int
    end: int


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # Snowball's spelling


def _code_points(*ranges: tuple[int, int]) -> list[int]:
    return [cp for low, high in ranges for cp in range(low, high + 1)]


# --- Unicode tables -------------------------------------------------------------------------

# Combining marks of every script: part of a word when finding words, never part of a term.
# Scanning the planes that hold marks takes some 20 ms at start-up.
_MARKS = [
    cp
    for cp in _code_points((0x0300, 0x1FFFF), (0xE0100, 0xE01EF))
    if unicodedata.category(chr(cp))[0] == "M"
]


def _char_class(code_points: list[int]) -> str:
    """A regular-expression character class body for the code points, as ranges."""
    parts: list[str] = []
    start = prev = -2
    for cp in [*sorted(code_points), -1]:
        if cp == prev + 1:
            prev = cp
            continue
        if start >= 0:
            parts.append(f"\\U{start:08x}" if start == prev else f"\\U{start:08x}-\\U{prev:08x}")
        start = prev = cp
    return "".join(parts)


# Arabic, Arabic Supplement, Arabic Extended-B and -A (presentation forms are gone after NFKC).
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF))
_ARABIC_BLOCKS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _ARABIC_RANGES)
_TATWEEL = 0x0640
# Invisible characters that may sit inside a word without splitting it: soft hyphen, zero-width
# non-joiner and joiner, word joiner, zero-width no-break space.
_JOINERS = "\u00ad\u200c\u200d\u2060\ufeff"
_APOSTROPHES = "'\u2019\u02bc"

# Arabic spelling variants written interchangeably in news text and in readers' queries.
_ARABIC_LETTERS = {
    "\u0623": "\u0627",  # أ → ا
    "\u0625": "\u0627",  # إ → ا
    "\u0622": "\u0627",  # آ → ا
    "\u0671": "\u0627",  # ٱ (wasla) → ا
    "\u0672": "\u0627",  # ٲ → ا
    "\u0673": "\u0627",  # ٳ → ا
    "\u0675": "\u0627",  # ٵ → ا
    "\u0629": "\u0647",  # ة → ه
    "\u06c0": "\u0647",  # ۀ → ه
    "\u0649": "\u064a",  # ى → ي
    "\u0624": "\u0648",  # ؤ → و
    "\u0626": "\u064a",  # ئ → ي
    "\u06cc": "\u064a",  # ی (Persian yeh) → ي
    "\u06a9": "\u0643",  # ک (keheh) → ك
}
_ARABIC_MARKS = [
    cp
    for cp in _code_points(*_ARABIC_RANGES)
    if unicodedata.category(chr(cp))[0] == "M" or cp == _TATWEEL
]
_NORMALIZE_TABLE: dict[int, str | int | None] = {
    **{ord(k): v for k, v in _ARABIC_LETTERS.items()},
    **dict.fromkeys(_ARABIC_MARKS),
    **dict.fromkeys(map(ord, _JOINERS)),
    **{0x0660 + d: str(d) for d in range(10)},  # Arabic-Indic digits
    **{0x06F0 + d: str(d) for d in range(10)},  # Persian digits
}
# What a word loses on its way to a term, after normalisation: every remaining mark; and
# apostrophes are written one way for the English stemmer.
_TERM_TABLE: dict[int, str | int | None] = {
    **dict.fromkeys(_MARKS),
    **{ord(a): "'" for a in _APOSTROPHES},
}
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")

# --- Words -----------------------------------------------------------------------------------

_WORD_CHAR = f"[\\w{_char_class(_MARKS)}]"
_THOUSANDS_BODY = r"\d{1,3}(?:[,\u066c]\d{3})+"
_WORD = re.compile(
    f"{_THOUSANDS_BODY}(?!{_WORD_CHAR})"
    f"|{_WORD_CHAR}+(?:(?:[{_JOINERS}]+|[{_APOSTROPHES}]){_WORD_CHAR}+)*"
)
_THOUSANDS = re.compile(_THOUSANDS_BODY)
_NOT_APOSTROPHE = re.compile(f"[^{_APOSTROPHES}]+")
_SUBWORD = re.compile(r"[^\W_]+")
_SUBWORD_ENGLISH = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# --- Stemmers ----------------------------------------------------------------------------------

# Language subtag → (Snowball algorithm, whether it stems Latin-script words). Filtered by what
# the installed Snowball provides.
_LANGUAGES: dict[str, tuple[str, bool]] = {
    "en": ("english", True),
    "fr": ("french", True),
    "de": ("german", True),
    "es": ("spanish", True),
    "it": ("italian", True),
    "pt": ("portuguese", True),
    "nl": ("dutch", True),
    "sv": ("swedish", True),
    "da": ("danish", True),
    "no": ("norwegian", True),
    "nb": ("norwegian", True),
    "nn": ("norwegian", True),
    "fi": ("finnish", True),
    "hu": ("hungarian", True),
    "ro": ("romanian", True),
    "tr": ("turkish", True),
    "ca": ("catalan", True),
    "eu": ("basque", True),
    "ga": ("irish", True),
    "lt": ("lithuanian", True),
    "et": ("estonian", True),
    "id": ("indonesian", True),
    "eo": ("esperanto", True),
    "pl": ("polish", True),
    "cs": ("czech", True),
    "st": ("sesotho", True),
    "sr": ("serbian", True),
    "ru": ("russian", False),
    "el": ("greek", False),
    "hi": ("hindi", False),
    "ne": ("nepali", False),
    "ta": ("tamil", False),
    "hy": ("armenian", False),
    "yi": ("yiddish", False),
}
_AVAILABLE = frozenset(snowballstemmer.algorithms())
_LANGUAGES = {k: v for k, v in _LANGUAGES.items() if v[0] in _AVAILABLE}
_DEFAULT_LATIN = "english"

_local = threading.local()


def _stemmer(algorithm: str) -> _Stemmer:
    """This thread's stemmer for the algorithm."""
    stemmers: dict[str, _Stemmer] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(algorithm)
    if stemmer is None:
        stemmer = stemmers[algorithm] = cast(_Stemmer, snowballstemmer.stemmer(algorithm))
    return stemmer


@functools.lru_cache(maxsize=256)
def _language_key(language: str | None) -> str:
    """The primary subtag of a BCP 47 tag (``en-GB`` → ``en``), or ``""``."""
    if not language:
        return ""
    return language.strip().replace("_", "-").split("-")[0].lower()


def _stemmers_for(language: str) -> tuple[str, str | None]:
    """(stemmer for Latin words, stemmer for words in other non-Arabic scripts)."""
    algorithm, latin = _LANGUAGES.get(language, (_DEFAULT_LATIN, True))
    if algorithm == "serbian":  # Snowball Serbian reads both Latin and Cyrillic
        return algorithm, algorithm
    return (algorithm, None) if latin else (_DEFAULT_LATIN, algorithm)


# --- Normalisation -----------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC, Arabic spelling variants unified, tashkeel and tatweel dropped, decimal digits to
    ASCII, case folded. Offsets are not kept: use :func:`tokens` for those."""
    text = unicodedata.normalize("NFKC", text).translate(_NORMALIZE_TABLE)
    if _OTHER_DIGIT.search(text):
        text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)
    return text.casefold()


def _is_arabic(char: str) -> bool:
    return char.isalpha() and any(low <= ord(char) <= high for low, high in _ARABIC_RANGES)


def _has_arabic(word: str) -> bool:
    return any(_is_arabic(c) for c in word)


def _is_latin(char: str) -> bool:
    return char.isalpha() and (char < "\u0250" or "\u1e00" <= char <= "\u1eff")


# --- Arabic ----------------------------------------------------------------------------------

# The definite article with what attaches before it, longest first; ``لل`` is ``ل`` + ``ال``.
_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
# Proclitics written onto a Latin word or a number: ``الـiPhone``, ``بـ2026``, ``وCNN``.
_PROCLITIC_ON_FOREIGN = re.compile(f"(?:[وف]?(?:[بكل]|[بك]?ال|لل)|[وف])([^{_ARABIC_BLOCKS}]+)")
_MIN_STEM = 2
# No word of a language is longer: a longer "word" (a pasted hash, a run of digits and
# separators) is neither stemmed (stemmers slow down with length) nor memoised (it would only
# hold memory).
_LONGEST_WORD = 64
#: A term is at most this long: a pasted hash or a run of one letter thousands long must not
#: stop an article from being indexed (PostgreSQL refuses lexemes of 2 KB and more).
_MAX_TERM = 100
# The name of God is written with what looks like the article (``ال`` + ``له``) and occurs in
# names read every day (حزب الله، رام الله، عبد الله): it keeps one term of its own instead of
# collapsing into ``له`` ("to him").
_ALLAH = "الله"
_ALLAH_FORMS = frozenset(
    {_ALLAH, "لله", "ولله", "فلله", *(p + _ALLAH for p in ("و", "ف", "ب", "ك", "ت"))}
)


def _strip_articles(word: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for article in _ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= _MIN_STEM:
                word = word[len(article) :]
                stripped = True
                break
    return word


def _arabic_stem(word: str, language: str) -> str:
    foreign = _PROCLITIC_ON_FOREIGN.fullmatch(word)
    if foreign:
        return _stem(foreign.group(1), language)
    if word in _ALLAH_FORMS:
        return _ALLAH
    base = _strip_articles(word)
    if not _has_arabic(base):
        return _stem(base, language)
    if base.endswith("ات") and len(base) - 2 >= 3:
        base = base[:-2]
    stem = _snowball_arabic(base)
    return stem if len(stem) >= _MIN_STEM else base


@functools.lru_cache(maxsize=100_000)
def _snowball_arabic(word: str) -> str:
    """Snowball Arabic, memoised apart from the words themselves: the many written forms of a
    word (with and without the article and its prepositions) share one stemming."""
    return _stemmer("arabic").stemWord(word)


# --- Terms -----------------------------------------------------------------------------------


def _only_alnum(text: str) -> str:
    return text if text.isalnum() else "".join(c for c in text if c.isalnum())


def _stem(word: str, language: str) -> str:
    """The term of one normalised word (letters, digits and, for English, apostrophes)."""
    if word.isascii() and word.isdigit():
        return word[:_MAX_TERM]
    if len(word) > _LONGEST_WORD:
        return _only_alnum(word)[:_MAX_TERM]
    if _has_arabic(word):
        return _only_alnum(_arabic_stem(word, language))
    latin, other = _stemmers_for(language)
    algorithm = latin if any(_is_latin(c) for c in word) else other
    stem = _stemmer(algorithm).stemWord(word) if algorithm else word
    stem = _only_alnum(stem)
    plain = _only_alnum(word)
    return stem if len(stem) >= min(_MIN_STEM, len(plain)) else plain


def _english_apostrophes(raw: str, language: str) -> bool:
    return _stemmers_for(language)[0] == "english" and not _has_arabic(raw)


def _word_terms(word: str, language: str, english: bool) -> list[str]:
    normalised = normalize(word).translate(_TERM_TABLE)
    finder = _SUBWORD_ENGLISH if english else _SUBWORD
    return [term for part in finder.findall(normalised) if (term := _stem(part, language))]


def _analyse(raw: str, language: str) -> tuple[tuple[str, int, int], ...]:
    """The terms of one word as found in the text, each with its offsets inside the word."""
    if len(raw) > _LONGEST_WORD:
        return _analyse_word(raw, language)
    return _analyse_cached(raw, language)


def _analyse_word(raw: str, language: str) -> tuple[tuple[str, int, int], ...]:
    if _THOUSANDS.fullmatch(raw):
        digits = normalize(raw).replace(",", "").replace("\u066c", "")
        return ((digits, 0, len(raw)),)
    english = _english_apostrophes(raw, language)
    if not english and any(a in raw for a in _APOSTROPHES):
        return tuple(
            (term, m.start(), m.end())
            for m in _NOT_APOSTROPHE.finditer(raw)
            for term in _word_terms(m.group(), language, english)
        )
    return tuple((term, 0, len(raw)) for term in _word_terms(raw, language, english))


_analyse_cached = functools.lru_cache(maxsize=100_000)(_analyse_word)


def tokens(text: str, language: str | None = None) -> list[Token]:
    """The words of ``text`` with their terms and offsets in ``text`` (``text[start:end]`` is the
    word as written). A word may give several terms (``ﷺ`` expands under NFKC), or none (a run
    of tatweel), and in Latin text an apostrophe may split it; tokens come in text order."""
    key = _language_key(language)
    out: list[Token] = []
    for match in _WORD.finditer(text):
        base = match.start()
        for term, start, end in _analyse(match.group(), key):
            out.append(Token(term, base + start, base + end))
    return out


# Words never contain whitespace, so the terms of a text are those of its runs of
# non-whitespace, in order; runs repeat (a word with its punctuation), and memoising them makes
# analysing a text one split and one lookup per run instead of the word pattern over every
# character.


@functools.lru_cache(maxsize=100_000)
def _run_terms(run: str, key: str) -> tuple[str, ...]:
    return tuple(term for m in _WORD.finditer(run) for term, _, _ in _analyse(m.group(), key))


@functools.lru_cache(maxsize=100_000)
def _run_forms(run: str) -> tuple[str, ...]:
    return tuple(form for m in _WORD.finditer(run) for form in forms(m.group()))


@functools.lru_cache(maxsize=100_000)
def _run_words(run: str, key: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    words: list[tuple[int, int, frozenset[str]]] = []
    for match in _WORD.finditer(run):
        base = match.start()
        for term, start, end in _analyse(match.group(), key):
            if words and base + start < words[-1][1]:
                first, last, found = words[-1]
                words[-1] = (first, max(last, base + end), found | {term})
            else:
                words.append((base + start, base + end, frozenset((term,))))
    return tuple(words)


def run_words(run: str, language: str | None = None) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """The words of a run of text without whitespace, memoised: (start, end, terms) of each,
    offsets in the run. The terms of one word as written are together, also when they overlap
    (``ﷺ`` gives several); an apostrophe between Arabic or Latin letters parts two words, as in
    :func:`tokens`."""
    return _run_words(run, _language_key(language))


def first_run_with(
    runs: Sequence[str], wanted: frozenset[str], language: str | None = None
) -> int | None:
    """The index of the first of ``runs`` (runs of text without whitespace, as
    ``str.split()`` gives them) that has a term in ``wanted``, or None. One memoised lookup per
    run, and the loop is the interpreter's own (``map``), not Python's: this is how a search
    result's long body is read for the query's words."""
    if not wanted:
        return None
    found = map(wanted.isdisjoint, map(_run_terms, runs, repeat(_language_key(language))))
    return next(compress(count(), map(not_, found)), None)


def words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` as written."""
    return [match.span() for match in _WORD.finditer(text)]


def terms(text: str, language: str | None = None) -> list[str]:
    """The terms of ``text`` in order, duplicates kept."""
    key = _language_key(language)
    return [term for run in text.split() for term in _run_terms(run, key)]


def index_text(text: str, language: str | None = None) -> str:
    """What the engines index: the terms joined by single spaces. Every character is a Unicode
    letter or number (decimal digits ASCII) or the separating space, so SQLite FTS5's
    ``unicode61`` tokenizer reads back exactly these terms (PostgreSQL is given them as a
    ``tsvector`` literal: :mod:`app.search.engines`)."""
    return " ".join(terms(text, language))


# --- Words as typed (title suggestions) ------------------------------------------------------


def forms(word: str) -> tuple[str, ...]:
    """The unstemmed forms a word is found by while it is being typed: each letter-and-digit
    run of the normalised word, and for an Arabic one also the run without its article
    (``والمدرسة`` → ``والمدرسه``, ``مدرسه``). Stems serve finished words; a word being typed is
    matched by the beginning of its forms, since a partly typed word does not stem to the
    beginning of its finished stem (``runn`` is not the start of ``run``)."""
    found: list[str] = []
    for whole in _SUBWORD.findall(normalize(word).translate(_TERM_TABLE)):
        part = whole[:_MAX_TERM]
        found.append(part)
        if _has_arabic(part):
            found.append(_strip_articles(part))
    return tuple(dict.fromkeys(found))


def is_bare_prefix(word: str) -> bool:
    """Whether ``word`` is only the article or a one-letter proclitic (``ال``, ``وال``, ``لل``,
    ``و``…): typed alone, it begins most Arabic words and says nothing yet."""
    normalised = normalize(word)
    return normalised in _ARTICLES or normalised in ("و", "ف", "ب", "ك", "ل")


def suggest_text(text: str) -> str:
    """What title suggestions index: the :func:`forms` of every word, joined by spaces (letters
    and digits only, like :func:`index_text`)."""
    return " ".join(form for run in text.split() for form in _run_forms(run))
