"""Slugs, direction and word counts, Arabic first."""

from __future__ import annotations

import unicodedata

import pytest

from app.core.text import count_words, direction_of, reading_time_minutes, slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("الرئيس يزور القاهرة، اليوم!", "الرئيس-يزور-القاهرة-اليوم"),
        ("كَتَبَ الطالبُ الدرسَ", "كتب-الطالب-الدرس"),  # tashkeel dropped
        ("مدرســـة جديدة", "مدرسة-جديدة"),  # tatweel dropped
        ("«عاجل»: انفجار في الميناء؟", "عاجل-انفجار-في-الميناء"),
        ("Breaking: Elections 2026 — Results", "breaking-elections-2026-results"),
        ("  --  ", ""),
        ("سعر الدولار ١٥٠ جنيهاً", "سعر-الدولار-١٥٠-جنيها"),
    ],
)
def test_slugify_keeps_arabic_and_drops_punctuation(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugs_are_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Café Ünïcode")
    assert slugify(decomposed) == unicodedata.normalize("NFC", "café-ünïcode")


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    slug = slugify("كلمة " * 60)
    assert len(slug) <= 120
    assert not slug.endswith("-")
    assert slug.endswith("كلمة")


@pytest.mark.parametrize(
    ("language", "direction"),
    [("ar", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("ur", "rtl"),
     ("en", "ltr"), ("fr-FR", "ltr"), ("ku-Arab", "rtl"), ("az-Latn", "ltr")],
)  # fmt: skip
def test_direction_follows_the_language_tag(language: str, direction: str) -> None:
    assert direction_of(language) == direction


def test_diacritics_never_split_an_arabic_word() -> None:
    assert count_words("كَتَبَ الطالبُ الدرسَ، ثُمَّ نامَ.") == 5
    assert count_words("مدرســـة") == 1
    assert count_words("قال:«نعم»؛ ثم سأل؟لماذا") == 5


def test_english_words() -> None:
    assert count_words("The minister's plan—announced today—was 2,000 words long.") == 9
    assert reading_time_minutes(0, 200) == 1
    assert reading_time_minutes(1000, 200) == 5
