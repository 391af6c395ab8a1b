"""Search analysis: the written forms readers and writers mix must analyse to the same terms,
offsets must point at the words as written, and indexed text must be safe for both engines."""

from __future__ import annotations

import re
import threading
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import analysis
from app.search.analysis import Token, index_text, normalize, terms, tokens

PROPERTIES = settings(max_examples=300, deadline=None, database=None)

# Pieces of text a newsroom archive and its readers produce, for generated texts.
ARABIC_PIECES = [
    "أحمد",
    "إحمد",
    "آحمد",
    "الرئيس",
    "والرئيس",
    "للرئيس",
    "مدرسة",
    "مستشفى",
    "كَتَبَ",
    "كتـــب",
    "الانتخابات",
    "ﷺ",
    "ﻻ",
    "٢٠٢٦",
    "۲۰۲۶",
    "٣٫٥",
    "٢٬٠٠٠",
    "،",
    "؟",
    "ـ",
    "\u064e",
    "\u0651",
    "\u200c",
    "\u200f",
    "ال",
    "و",
    "لل",
    "ء",
]
OTHER_PIECES = [
    "Elections",
    "don't",
    "O’Brien",
    "l'élection",
    "2,000",
    "3.5",
    "iPhone",
    "İstanbul",
    "ﬁ",
    "Ⅻ",
    "½",
    "①",
    "५",
    "выборы",
    "😀",
    "👩‍👩‍👧",
    "_",
    "'",
    "-",
    '"',
    "\u00ad",
    "\ufeff",
    "\x00",
    "\n",
    " ",
    "  ",
]
mixed_text = st.lists(
    st.sampled_from(ARABIC_PIECES + OTHER_PIECES) | st.text(max_size=4), max_size=40
).map("".join)
any_text = st.text(max_size=200) | mixed_text
languages = st.sampled_from([None, "en", "ar", "fr", "de-AT", "ru", "xx", ""])


def same_terms(*forms: str, language: str | None = None) -> None:
    analysed = {form: terms(form, language) for form in forms}
    first = analysed[forms[0]]
    assert first, analysed
    assert all(result == first for result in analysed.values()), analysed


# --- Normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أحمد إحمد آحمد ٱحمد", "احمد احمد احمد احمد"),
        ("مدرسة", "مدرسه"),
        ("مستشفى", "مستشفي"),
        ("مسؤول", "مسوول"),
        ("رئيس", "رييس"),
        ("كَتَبَ مُحَمَّدٌ", "كتب محمد"),
        ("كتـــب", "كتب"),
        ("٢٠٢٦ ۲۰۲۶ 2026 ५", "2026 2026 2026 5"),
        ("Elections ÉLECTIONS Straße", "elections élections strasse"),
        ("ﻻ ﻹ", "لا لا"),  # presentation forms (NFKC), then hamza forms
        ("ＡＢＣ", "abc"),  # full-width letters (NFKC)
        ("ی ک", "ي ك"),  # Persian keyboard letters in Arabic text
        ("elec\u00adtions", "elections"),  # soft hyphen
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- The forms that must meet ----------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        pytest.param(("أحمد", "احمد"), id="hamza-above"),
        pytest.param(("إحمد", "احمد"), id="hamza-below"),
        pytest.param(("آحمد", "احمد"), id="madda"),
        pytest.param(("أحمد", "إحمد", "آحمد", "احمد"), id="all-alef-forms"),
        pytest.param(("مدرسة", "مدرسه"), id="ta-marbuta"),
        pytest.param(("المدرسة", "مدرسه"), id="ta-marbuta-with-article"),
        pytest.param(("مستشفى", "مستشفي"), id="alef-maqsura"),
        pytest.param(("المستشفى", "مستشفي"), id="alef-maqsura-with-article"),
        pytest.param(("كَتَبَ", "كتب"), id="tashkeel"),
        pytest.param(("مُحَمَّدٌ", "محمد"), id="shadda-tanween"),
        pytest.param(("كتـــب", "كتب"), id="tatweel"),
        pytest.param(("الرئيس", "رئيس"), id="article"),
        pytest.param(("والرئيس", "رئيس"), id="wa-al"),
        pytest.param(("بالرئيس", "رئيس"), id="bi-al"),
        pytest.param(("للرئيس", "رئيس"), id="li-al"),
        pytest.param(("فالرئيس", "رئيس"), id="fa-al"),
        pytest.param(("كالرئيس", "رئيس"), id="ka-al"),
        pytest.param(("الرئيس", "والرئيس", "بالرئيس", "للرئيس", "رئيس"), id="all-prefixes"),
        pytest.param(("الرَّئِيسُ", "رئيس"), id="article-with-tashkeel"),
        pytest.param(("الانتخابات", "انتخابات"), id="plural-with-article"),
        pytest.param(("الانتخابات", "انتخابات", "انتخاب"), id="plural-and-singular"),
        pytest.param(("والانتخابات", "الانتخاب"), id="plural-and-singular-prefixed"),
        pytest.param(("مسؤول", "مسوول"), id="waw-hamza"),
        pytest.param(("مسئول", "مسيول"), id="ya-hamza"),
        pytest.param(("٢٠٢٦", "2026"), id="arabic-indic-digits"),
        pytest.param(("۲۰۲۶", "2026"), id="persian-digits"),
        pytest.param(("elections", "election", "Elections"), id="english"),
        pytest.param(("ELECTION", "election"), id="english-case"),
        pytest.param(("2,000", "2000"), id="thousands"),
        pytest.param(("٢٬٠٠٠", "2000"), id="arabic-thousands"),
        pytest.param(("الـiPhone", "iPhone"), id="article-on-latin"),
        pytest.param(("بـ2026", "2026"), id="preposition-on-number"),
        pytest.param(("president's", "President’s", "president"), id="english-possessive"),
        pytest.param(("حزب الله", "حزب والله"), id="allah"),
        pytest.param(("İstanbul", "istanbul"), id="dotted-capital-i"),
        pytest.param(("ﻻ", "لا"), id="presentation-form"),
    ],
)
def test_forms_meet(forms: tuple[str, ...]) -> None:
    same_terms(*forms)


@pytest.mark.parametrize("language", [None, "en", "ar", "fr", "de"])
def test_arabic_words_are_arabic_whatever_the_language(language: str | None) -> None:
    assert terms("الانتخابات", language) == terms("انتخاب", "ar") == ["انتخاب"]


def test_allah_keeps_its_own_term() -> None:
    # Not the article + ``له`` ("to him"): حزب الله and رام الله must not match every ``له``.
    assert terms("الله لله والله بالله") == ["الله"] * 4
    assert terms("له") == ["له"]


def test_english_is_the_default_for_latin_words() -> None:
    for language in (None, "en", "en-GB", "ar", "xx", ""):
        assert terms("Elections", language) == ["elect"]


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        (("élections", "élection"), "fr"),
        (("Wahlen", "Wahl"), "de"),
        (("elecciones", "elección"), "es"),
        (("elecciones", "elección"), "es-MX"),
        (("выборы", "выбор"), "ru"),
    ],
)
def test_other_languages_use_their_stemmer(forms: tuple[str, ...], language: str) -> None:
    same_terms(*forms, language=language)


def test_a_script_without_a_stemmer_is_kept_as_written() -> None:
    assert terms("выборы", "en") == ["выборы"]
    assert terms("选举") == ["选举"]


def test_mixed_scripts() -> None:
    text = "قال Biden إن الانتخابات في ٢٠٢٦ ستكون Elections حاسمة"
    assert terms(text) == terms("قال biden ان انتخاب في 2026 ستكون election حاسمه")
    assert "biden" in terms(text)
    assert "elect" in terms(text)
    assert "انتخاب" in terms(text)


def test_terms_keep_order_and_duplicates() -> None:
    assert terms("الرئيس رئيس والرئيس") == ["رييس", "رييس", "رييس"]
    assert terms("b a b") == ["b", "a", "b"]


# --- Words -----------------------------------------------------------------------------------


def test_offsets_point_at_the_words_as_written() -> None:
    text = "«قالَ الرَّئِيسُ:» إنّ أَحْمَد — كتـــب Elections، في ٢٠٢٦!"
    found = tokens(text)
    assert [text[t.start : t.end] for t in found] == [
        "قالَ",
        "الرَّئِيسُ",
        "إنّ",
        "أَحْمَد",
        "كتـــب",
        "Elections",
        "في",
        "٢٠٢٦",
    ]
    assert [t.term for t in found] == ["قال", "رييس", "ان", "احمد", "كتب", "elect", "في", "2026"]


def test_token_is_a_value() -> None:
    assert tokens("أحمد") == [Token("احمد", 0, 4)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,000", [("2000", "2,000")]),
        ("٢٬٠٠٠", [("2000", "٢٬٠٠٠")]),
        ("1,234,567", [("1234567", "1,234,567")]),
        ("3.5", [("3", "3"), ("5", "5")]),  # a decimal point splits the number
        ("٣٫٥", [("3", "٣"), ("5", "٥")]),
        ("2,00", [("2", "2"), ("00", "00")]),  # not thousands: digit runs
        ("10:30", [("10", "10"), ("30", "30")]),
    ],
)
def test_numbers(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.term, text[t.start : t.end]) for t in tokens(text)] == expected


def test_apostrophes() -> None:
    assert terms("don't") == terms("dont") == ["dont"]
    assert terms("O’Brien") == terms("O'Brien") == ["obrien"]
    # Other languages split at the apostrophe, each part with its own offsets.
    text = "l'élection d’Europe"
    found = tokens(text, "fr")
    assert [(t.term, text[t.start : t.end]) for t in found] == [
        ("l", "l"),
        ("élect", "élection"),
        ("d", "d"),
        ("europ", "Europe"),
    ]
    assert "élect" in terms("l'élection", "fr")
    assert terms("élection", "fr") == ["élect"]


def test_joiners_and_marks_stay_inside_the_word() -> None:
    for text in ("elec\u00adtions", "انتـ\u200cخابات", "كَـتَـبَ"):
        found = tokens(text)
        assert len(found) == 1
        assert (found[0].start, found[0].end) == (0, len(text))


def test_an_expanding_character_gives_several_terms_on_one_word() -> None:
    found = tokens("محمد ﷺ")
    assert len(found) > 2
    assert {(t.start, t.end) for t in found[1:]} == {(5, 6)}


@pytest.mark.parametrize("text", ["", "   ", "ـــ", "!!! ،؛؟ … — «»", "😀👍", "\x00\x07", "_"])
def test_no_words(text: str) -> None:
    assert tokens(text) == []
    assert index_text(text) == ""


def test_stems_are_never_shorter_than_two_letters() -> None:
    # Article stripping and Snowball would otherwise leave one letter or nothing.
    for word in ("الي", "الف", "الم", "والد", "بالي", "وات", "ذات", "لله", "اله"):
        (term,) = terms(word)
        assert len(term) >= 2, (word, term)


def test_absurdly_long_words_are_kept_unstemmed() -> None:
    # No language has an 80-letter word: a pasted run like this is kept as normalised.
    assert terms("Elections" * 10) == ["elections" * 10]
    assert terms("ال" + "انتخابات" * 10) == ["ال" + "انتخابات" * 10]
    # The longest words of real text are still stemmed.
    assert terms("Donaudampfschifffahrtsgesellschaften", "de") == [
        "donaudampfschifffahrtsgesellschaft"
    ]


# --- What the engines index ----------------------------------------------------------------


def is_safe_term(term: str) -> bool:
    """The guarantee: a non-empty run of Unicode letters (L*) and numbers (N*), every decimal
    digit ASCII. No whitespace, punctuation, quote, symbol, mark or control character."""
    return bool(term) and all(
        unicodedata.category(c)[0] in "LN" and (not c.isdecimal() or "0" <= c <= "9") for c in term
    )


def test_index_text_is_the_terms_joined() -> None:
    text = 'والرئيس "أحمد" <b>قال</b> (NEAR) AND* 2,000 ٣٫٥ 😀 a:b ^x -y'
    assert index_text(text) == " ".join(terms(text))
    assert index_text(text) == "رييس احمد b قال b near and 2000 3 5 a b x y"


@PROPERTIES
@given(text=any_text, language=languages)
def test_index_text_is_safe(text: str, language: str | None) -> None:
    indexed = index_text(text, language)
    assert indexed == " ".join(terms(text, language))
    assert indexed == "" or all(is_safe_term(term) for term in indexed.split(" "))
    assert re.fullmatch(r"(?:[^\W_]+(?: [^\W_]+)*)?", indexed)


@PROPERTIES
@given(text=any_text, language=languages)
def test_tokens_point_at_words_as_written(text: str, language: str | None) -> None:
    found = tokens(text, language)
    assert [t.term for t in found] == terms(text, language)
    previous = (0, 0)
    for token in found:
        word = text[token.start : token.end]
        assert word, token
        assert not any(c.isspace() for c in word)
        # In order, not overlapping, unless one word gave several terms (the same span).
        span = (token.start, token.end)
        assert token.start >= previous[1] or span == previous
        previous = span
        # The word as written, analysed alone, gives the token's term.
        assert token.term in terms(word, language)


@PROPERTIES
@given(text=any_text, language=languages)
def test_the_words_of_each_run_are_the_tokens_of_the_text(text: str, language: str | None) -> None:
    """Highlighting reads a text run by run (memoised ``run_words``) instead of tokenising it
    whole: both must give the same words, the terms of one word together."""
    expected: list[tuple[int, int, set[str]]] = []
    for token in tokens(text, language):
        if expected and token.start < expected[-1][1]:
            start, end, found = expected[-1]
            expected[-1] = (start, max(end, token.end), found | {token.term})
        else:
            expected.append((token.start, token.end, {token.term}))
    by_runs = [
        (run.start() + start, run.start() + end, set(found))
        for run in re.finditer(r"\S+", text)
        for start, end, found in analysis.run_words(run.group(), language)
    ]
    assert by_runs == expected


@PROPERTIES
@given(text=st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x0652)))
def test_arabic_stems_have_two_letters_unless_the_word_has_fewer(text: str) -> None:
    for token in tokens(text):
        word = normalize(text[token.start : token.end])
        assert len(token.term) >= min(2, len([c for c in word if c.isalpha()]))


def test_analysis_from_many_threads() -> None:
    # Words no other test analyses, so the stemmers really run in each thread at once.
    roots = ("كتب", "درس", "حكم", "Wahl", "Stimme", "Regierung")
    shapes = ("{}", "ال{}ات", "وال{}ه", "بال{}ين", "{}en", "{}ungen")
    words = [f"{shape.format(root)}{n}" for root in roots for shape in shapes for n in range(8)]
    results: dict[int, dict[str, list[str]]] = {}

    def work(number: int) -> None:
        results[number] = {word: terms(word, "de") for word in words[number::4]}

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    analysis._analyse_cached.cache_clear()
    analysis._snowball_arabic.cache_clear()
    for number in range(4):
        assert results[number] == {word: terms(word, "de") for word in words[number::4]}
