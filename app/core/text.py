"""Text rules shared by every domain: slugs, writing direction, word counts, timestamps.

Arabic is the first language, so each rule is written for it first: slugs stay in Arabic
script, words are counted across diacritics, and direction follows the language tag.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

# Arabic diacritics (tashkeel), Quranic marks and the tatweel: dropped from slugs, and never
# allowed to split a word in two when counting.
_ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
_TATWEEL = "\u0640"
_STRIP_FROM_SLUG = re.compile(f"[{_ARABIC_MARKS}{_TATWEEL}]")
_SLUG_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212/\\|.·]+")
_HYPHENS = re.compile(r"-{2,}")
# A number with separators (2,000 / ٣٫٥) is one word; so is a word with diacritics or joiners.
_WORD = re.compile(f"\\d+(?:[.,\u066b\u066c]\\d+)+|[\\w{_ARABIC_MARKS}\u200c\u200d'’]+")
SLUG_MAX_LENGTH = 120

RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi", "syr", "nqo"}
)
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"})
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def direction_of(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag; an explicit script subtag wins (``ku-Arab``)."""
    parts = language.lower().split("-")
    for part in parts[1:]:
        if len(part) == 4:
            return "rtl" if part in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def slugify(text: str) -> str:
    """A Unicode slug: NFC, script kept (Arabic stays Arabic), lower-cased where the script has
    case, diacritics and tatweel dropped, punctuation and symbols dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFC", text)
    text = _STRIP_FROM_SLUG.sub("", text)
    text = _SLUG_SEPARATORS.sub("-", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "-" or category[0] in "LN" or category in ("Mn", "Mc"):
            kept.append(char.lower())
    slug = _HYPHENS.sub("-", "".join(kept)).strip("-")
    if len(slug) > SLUG_MAX_LENGTH:
        cut = slug[:SLUG_MAX_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return unicodedata.normalize("NFC", slug)


def normalize_slug(value: str) -> str:
    """How an incoming slug is looked up: NFC (percent-decoding is the router's job)."""
    return unicodedata.normalize("NFC", value.strip())


def count_words(text: str) -> int:
    """Words in running text. Arabic diacritics and joiners stay inside their word, and
    punctuation (Latin or Arabic: ، ؛ ؟) separates words."""
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))


def reading_time_minutes(word_count: int, words_per_minute: int) -> int:
    return max(1, round(word_count / words_per_minute))


def rfc3339(value: datetime | None) -> str | None:
    """UTC with ``Z``, to the second: ``2026-11-28T21:04:05Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_rfc3339(text: str) -> datetime:
    """The time an ``rfc3339`` string (or any ISO 8601 time with an offset or ``Z``) stands for."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def as_utc(value: datetime, *, naive_is_utc: bool = True) -> datetime:
    """A time in UTC. Query strings may leave the offset out (naive means UTC); bodies that
    schedule something must say it (``naive_is_utc=False``). ``ValueError`` (a 422 in a
    request) for a time without an offset where one is needed, or one that has no UTC
    equivalent (``9999-12-31T23:59:59-05:00``)."""
    if value.tzinfo is None:
        if not naive_is_utc:
            raise ValueError("give the time with its offset (RFC 3339), e.g. 2026-11-28T21:04:05Z")
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range once converted to UTC") from None
