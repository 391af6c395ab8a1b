"""The reader's query language, its SQLite FTS5 and PostgreSQL translations, and highlighting.

Nothing a reader types may reach an engine as syntax: generated queries are run against a real
FTS5 table, and the tsquery output is checked against a strict grammar."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.analysis import forms, index_text, suggest_text, terms, tokens
from app.search.highlight import highlight, passage
from app.search.query import (
    MAX_ITEMS,
    MAX_QUERY_CHARS,
    Query,
    QueryTooLong,
    parse,
    suggestion,
    to_fts5,
    to_fts5_suggest,
    to_tsquery,
    to_tsquery_suggest,
)

PROPERTIES = settings(max_examples=300, deadline=None, database=None)

ARTICLES = [
    "قال الرئيس أحمد إنّ الانتخابات ستجري في ٢٠٢٦ في المدرسة",
    "والرئيس اللبناني زار المستشفى، وقال: Elections are coming",
    "كَتَبَ الوزير مقالاً عن الاقتصاد 2,000 مرة و٣٫٥ بالمئة",
    "Biden and Macron met in Paris; NEAR the (AND) OR * ^ : markers",
    "Quotes \" and ' and « » in text, covid-19 and e-mail",
]

# Pieces of the nastiest queries: syntax of both engines, quotes that may or may not close,
# hyphens, Arabic with tashkeel and tatweel, emoji, control characters.
QUERY_PIECES = [
    '"',
    "“",
    "”",
    "«",
    "»",
    "'",
    "-",
    "--",
    " -",
    "*",
    "(",
    ")",
    "^",
    ":",
    "NEAR",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "&",
    "|",
    "!",
    "<->",
    "\\",
    "{",
    "}",
    "+",
    ",",
    "،",
    "الرئيس",
    "أحمد",
    "كَتَبَ",
    "كتـــب",
    "الانتخابات",
    "٢٠٢٦",
    "٣٫٥",
    "2,000",
    "elections",
    "don't",
    "😀",
    "👩‍👩‍👧",
    "\x00",
    "\x1b",
    "\u200f",
    "\u202e",
    " ",
    "  ",
    "\t",
    "\n",
]
nasty_query = st.lists(st.sampled_from(QUERY_PIECES) | st.text(max_size=3), max_size=60).map(
    "".join
)
queries = (st.text(max_size=MAX_QUERY_CHARS) | nasty_query).filter(
    lambda q: len(q) <= MAX_QUERY_CHARS
)

TERM = r"'[^\W_]+'"
ITEM = rf"(?:{TERM}|\({TERM}(?: <-> {TERM})+\))"
TSQUERY = re.compile(rf"{ITEM}(?: & {ITEM})*(?: & !{ITEM})*")


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61')")
    connection.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)",
        [(n, index_text(text)) for n, text in enumerate(ARTICLES, start=1)],
    )
    yield connection
    connection.close()


def search(fts: sqlite3.Connection, q: str) -> list[int]:
    query = parse(q)
    rows = fts.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (to_fts5(query),))
    return [row[0] for row in rows]


def item(text: str) -> tuple[str, ...]:
    return tuple(terms(text))


# --- Parsing -----------------------------------------------------------------------------------


def test_plain_words_are_all_required() -> None:
    query = parse("الرئيس  أحمد Elections")
    assert query.required == (item("رئيس"), item("احمد"), item("election"))
    assert query.excluded == ()
    assert query.words == ("رييس", "احمد", "elect")
    assert not query.is_empty


def test_phrase() -> None:
    query = parse('"الرئيس اللبناني" بيروت')
    assert query.required == (item("الرئيس اللبناني"), item("بيروت"))
    assert len(query.required[0]) == 2


@pytest.mark.parametrize("quoted", ["“a b”", "«a b»", "„a b“", '"a b"'])
def test_typographic_quotes(quoted: str) -> None:
    assert parse(quoted).required == (("a", "b"),)


def test_exclusions() -> None:
    query = parse('انتخابات -بيروت -"وزير الخارجية" -elections')
    assert query.required == (item("انتخابات"),)
    assert query.excluded == (item("بيروت"), item("وزير الخارجية"), item("elections"))
    assert query.words == item("انتخابات")


def test_only_exclusions_is_empty() -> None:
    query = parse('-بيروت -"a b"')
    assert query.is_empty
    assert query.excluded == (item("بيروت"), ("a", "b"))
    with pytest.raises(ValueError, match="nothing is required"):
        to_fts5(query)
    with pytest.raises(ValueError, match="nothing is required"):
        to_tsquery(query)


@pytest.mark.parametrize(
    "q", ["", "   ", "-", " - ", '""', '" "', "«»", "*()^:", "😀", "\x00\x1b", "، ؛ ؟"]
)
def test_empty_queries(q: str) -> None:
    query = parse(q)
    assert query.is_empty
    assert query == Query((), (), ())


def test_words_typed_together_are_a_phrase() -> None:
    query = parse("covid-19 3.5 ٣٫٥ e-mail 10:30 2,000")
    assert query.required == (("covid", "19"), ("3", "5"), ("e", "mail"), ("10", "30"), ("2000",))


def test_other_punctuation_separates_words() -> None:
    assert parse("بيروت،دمشق").required == (item("بيروت"), item("دمشق"))
    assert parse("a,b;c!d").required == (("a",), ("b",), ("c",), ("d",))


def test_apostrophes_in_french_make_a_phrase() -> None:
    assert parse("l'élection", "fr").required == (("l", "élect"),)


@pytest.mark.parametrize(
    ("q", "required"),
    [
        ('"unclosed quote', (("unclos",), ("quot",))),
        ('a "b c" "d', (("a",), ("b", "c"), ("d",))),
        ('a"b c"d', (("a",), ("b", "c"), ("d",))),
        ("NEAR(a b)", (("near",), ("a",), ("b",))),
        ("a AND b OR c NOT d", (("a",), ("and",), ("b",), ("or",), ("c",), ("not",), ("d",))),
        ("elect* ^boost col:value", (("elect",), ("boost",), ("col", "valu"))),
        ("(a) [b] {c}", (("a",), ("b",), ("c",))),
        ("a - b", (("a",), ("b",))),
        ("a- b-", (("a",), ("b",))),
        ("😀a😀", (("a",),)),
        ("a\x00b\x1bc", (("a",), ("b",), ("c",))),
        ("\u202ea\u202c", (("a",),)),
        ("a 'b' c", (("a",), ("b",), ("c",))),
        ("a | b & !c <-> d", (("a",), ("b",), ("c",), ("d",))),
        ("'; DROP TABLE t; --", (("drop",), ("tabl",), ("t",))),
        ("\\", ()),
    ],
)
def test_everything_else_is_text(q: str, required: tuple[tuple[str, ...], ...]) -> None:
    query = parse(q)
    assert query.required == required
    assert query.excluded == ()


def test_double_hyphen_excludes_the_word() -> None:
    assert parse("a --b").excluded == (("b",),)


def test_excluded_phrase_typed_together() -> None:
    assert parse("a -covid-19").excluded == (("covid", "19"),)


def test_repeated_items_are_kept_once() -> None:
    query = parse("الرئيس والرئيس رئيس -a -a")
    assert query.required == (item("رئيس"),)
    assert query.excluded == (("a",),)


def test_at_most_sixteen_items() -> None:
    words = [f"w{n}" for n in range(40)]
    query = parse(" ".join(words) + " " + " ".join(f"-x{n}" for n in range(40)))
    assert MAX_ITEMS == 16
    assert query.required == tuple((w,) for w in words[:MAX_ITEMS])
    assert query.excluded == tuple((f"x{n}",) for n in range(MAX_ITEMS))
    assert len(query.words) == MAX_ITEMS


def test_query_length() -> None:
    assert not parse("a" * MAX_QUERY_CHARS).is_empty
    with pytest.raises(QueryTooLong):
        parse("a" * (MAX_QUERY_CHARS + 1))
    assert issubclass(QueryTooLong, ValueError)


def test_words_are_the_required_terms_once() -> None:
    query = parse('"a b" b c -d')
    assert query.words == ("a", "b", "c")


# --- FTS5 ---------------------------------------------------------------------------------------


def test_to_fts5() -> None:
    query = parse('الرئيس "وزير الخارجية" -بيروت -"a b"')
    assert to_fts5(query) == '"رييس" "زير خارج" NOT "يرو" NOT "a b"'


def test_to_fts5_escapes_a_hand_made_query() -> None:
    query = Query(required=(('a"b',), ("c d", "e:f*")), excluded=(("'",), ('"',)), words=())
    assert to_fts5(query) == '"ab" "cd ef"'
    assert to_tsquery(query) == "'ab' & ('cd' <-> 'ef')"
    with pytest.raises(ValueError, match="nothing is required"):
        to_fts5(Query(required=(('"',),), excluded=(), words=()))


@pytest.mark.parametrize(
    ("q", "rows"),
    [
        ("احمد", [1]),  # أحمد
        ("إحمد", [1]),
        ("رئيس", [1, 2]),  # الرئيس, والرئيس
        ("بالرئيس", [1, 2]),
        ("للرئيس انتخاب", [1]),
        ("انتخابات", [1]),  # الانتخابات
        ("2026", [1]),  # ٢٠٢٦
        ("۲۰۲۶", [1]),
        ("مدرسه", [1]),  # المدرسة
        ("مستشفي", [2]),  # المستشفى
        ("كتب", [3]),  # كَتَبَ
        ("كتـــب الوزير", [3]),
        ("election", [2]),  # Elections
        ("2000", [3]),  # 2,000
        ("3.5", [3]),  # ٣٫٥
        ('"الرئيس اللبناني"', [2]),
        ('"اللبناني الرئيس"', []),
        ("رئيس -زار", [1]),
        ('رئيس -"زار المستشفى"', [1]),
        ("رئيس -زار -انتخابات", []),
        ("NEAR AND OR", [4]),
        ("NEAR(markers)", [4]),
        ("covid-19 e-mail", [5]),
        ('"quotes and"', [5]),
    ],
)
def test_fts5_search(fts: sqlite3.Connection, q: str, rows: list[int]) -> None:
    assert search(fts, q) == rows


@PROPERTIES
@given(q=queries)
def test_parse_never_fails(q: str) -> None:
    query = parse(q)
    assert len(query.required) <= MAX_ITEMS
    assert len(query.excluded) <= MAX_ITEMS
    assert query.is_empty == (not query.required)


@PROPERTIES
@given(q=st.text(min_size=MAX_QUERY_CHARS + 1, max_size=MAX_QUERY_CHARS + 50))
def test_parse_refuses_long_queries(q: str) -> None:
    with pytest.raises(QueryTooLong):
        parse(q)


@PROPERTIES
@given(q=queries)
def test_fts5_always_executes(fts: sqlite3.Connection, q: str) -> None:
    query = parse(q)
    if query.is_empty:
        with pytest.raises(ValueError, match="nothing is required"):
            to_fts5(query)
        return
    fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(query),)).fetchall()


@PROPERTIES
@given(q=queries)
def test_a_query_finds_the_text_it_was_typed_from(fts: sqlite3.Connection, q: str) -> None:
    # Indexing a text and querying it as a phrase agree on every input.
    text = q[:400]
    query = parse('"' + "".join(" " if c in '"“”„«»' else c for c in text) + '"')
    if query.is_empty:
        return
    fts.execute("INSERT INTO t (rowid, body) VALUES (1000, ?)", (index_text(text),))
    try:
        assert 1000 in [
            row[0] for row in fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(query),))
        ]
    finally:
        fts.execute("DELETE FROM t WHERE rowid = 1000")


# --- PostgreSQL tsquery -----------------------------------------------------------------------


def test_to_tsquery() -> None:
    query = parse('الرئيس "وزير الخارجية" -بيروت -"a b"')
    assert to_tsquery(query) == "'رييس' & ('زير' <-> 'خارج') & !'يرو' & !('a' <-> 'b')"
    assert TSQUERY.fullmatch(to_tsquery(query))


def test_tsquery_of_a_single_word() -> None:
    assert to_tsquery(parse("Elections")) == "'elect'"


@PROPERTIES
@given(q=queries)
def test_tsquery_grammar(q: str) -> None:
    query = parse(q)
    if query.is_empty:
        with pytest.raises(ValueError, match="nothing is required"):
            to_tsquery(query)
        return
    assert TSQUERY.fullmatch(to_tsquery(query)), to_tsquery(query)


# --- Suggestions as the reader types ------------------------------------------------------------


@pytest.fixture(scope="module")
def titles() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE s USING fts5(words, tokenize='unicode61 remove_diacritics 0')"
    )
    connection.executemany(
        "INSERT INTO s (rowid, words) VALUES (?, ?)",
        [(n, suggest_text(text)) for n, text in enumerate(ARTICLES, start=1)],
    )
    yield connection
    connection.close()


def suggested(titles: sqlite3.Connection, q: str) -> list[int]:
    expression = to_fts5_suggest(suggestion(q))
    return [r[0] for r in titles.execute("SELECT rowid FROM s WHERE s MATCH ?", (expression,))]


def test_word_forms_are_normalised_unstemmed_with_and_without_the_article() -> None:
    assert forms("والمدرسة") == ("والمدرسه", "مدرسه")
    assert forms("Running") == ("running",)
    assert forms("أَحْمَد") == ("احمد",)


def test_the_last_word_is_being_typed_unless_something_follows_it() -> None:
    typing = suggestion("الرئيس الانتخا")
    assert typing.required == (("الرييس", "رييس"),)
    assert typing.prefixes == ("انتخا", "الانتخا")
    finished = suggestion("الرئيس الانتخابات ")
    assert finished.prefixes == ()
    assert len(finished.required) == 2


@pytest.mark.parametrize(
    ("q", "rows"),
    [
        ("الانتخا", [1]),  # a partly typed word, article and all
        ("انتخا", [1]),
        ("والرئ", [1, 2]),  # the conjunction and article typed or not
        ("الرئي", [1, 2]),
        ("elect", [2]),
        ("Electi", [2]),  # past the stem ("elect"): the unstemmed word still begins so
        ("الرئيس اللب", [2]),
        ("المستشفى الرئ", [2]),
        ("كتب الوز", [3]),  # tashkeel in the title does not block
        ("cov", [5]),
    ],
)
def test_a_partly_typed_query_finds_its_titles(
    titles: sqlite3.Connection, q: str, rows: list[int]
) -> None:
    assert sorted(suggested(titles, q)) == rows


def test_one_letter_alone_suggests_nothing_but_after_a_word_it_does() -> None:
    assert suggestion("ا").is_empty
    assert suggestion("  ").is_empty
    assert not suggestion("الرئيس ا").is_empty


@pytest.mark.parametrize("typed", ["ال", "وال", "لل", "و", "الرئيس ال"])
def test_the_article_alone_is_not_yet_a_word_to_complete(typed: str) -> None:
    assert suggestion(typed).prefixes == ()


def test_suggest_expressions_for_both_engines() -> None:
    typed = suggestion("والرئيس انتخا")
    assert to_fts5_suggest(typed) == '("والرييس" OR "رييس") AND "انتخا" *'
    assert to_tsquery_suggest(typed) == "('والرييس' | 'رييس') & 'انتخا':*"
    with pytest.raises(ValueError, match="empty suggestion"):
        to_fts5_suggest(suggestion("ا"))


@PROPERTIES
@given(q=queries)
def test_suggest_expressions_always_execute(titles: sqlite3.Connection, q: str) -> None:
    typed = suggestion(q)
    if typed.is_empty:
        return
    titles.execute("SELECT rowid FROM s WHERE s MATCH ?", (to_fts5_suggest(typed),)).fetchall()
    assert re.fullmatch(r"[^\W_]|[\w'():*&| ]+", to_tsquery_suggest(typed))


@PROPERTIES
@given(text=st.text(min_size=1, max_size=80), cut=st.integers(min_value=2, max_value=80))
def test_every_beginning_of_a_title_finds_it(
    titles: sqlite3.Connection, text: str, cut: int
) -> None:
    """Typed up to any point, a title is among the suggestions for what was typed."""
    typed = text[:cut]
    query = suggestion(typed)
    if query.is_empty:
        return
    titles.execute("INSERT INTO s (rowid, words) VALUES (1000, ?)", (suggest_text(text),))
    try:
        assert 1000 in suggested(titles, typed)
    finally:
        titles.execute("DELETE FROM s WHERE rowid = 1000")


# --- Highlighting ------------------------------------------------------------------------------


def test_marks_the_word_as_written() -> None:
    text = "قال إنَّ أَحْمَدَ سيزور بيروت"
    assert highlight(text, parse("احمد").words) == "قال إنَّ <mark>أَحْمَدَ</mark> سيزور بيروت"


@pytest.mark.parametrize(
    ("text", "q", "marked"),
    [
        ("والرئيس يتحدث", "رئيس", "والرئيس"),
        ("المدرسة مغلقة", "مدرسه", "المدرسة"),
        ("كتـــب الوزير", "كتب", "كتـــب"),
        ("في ٢٠٢٦ أيضا", "2026", "٢٠٢٦"),
        ("The Elections today", "election", "Elections"),
        ("Cost: 2,000 dollars", "2000", "2,000"),
    ],
)
def test_marks_every_written_form(text: str, q: str, marked: str) -> None:
    assert f"<mark>{marked}</mark>" in highlight(text, parse(q).words)


def test_marks_every_matching_word() -> None:
    text = "الرئيس قال إن الرئيس والرئيس"
    assert highlight(text, parse("رئيس").words).count("<mark>") == 3


def test_escapes_html() -> None:
    text = "<script>alert('x')</script> & أحمد <b>"
    snippet = highlight(text, parse("احمد script").words)
    assert snippet == (
        "<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt; &amp; "
        "<mark>أحمد</mark> &lt;b"
    )


def test_window_around_the_first_match() -> None:
    before = " ".join(f"w{n}" for n in range(100))
    after = " ".join(f"x{n}" for n in range(100))
    snippet = highlight(f"{before} أحمد {after}", ["احمد"], max_words=10)
    assert snippet == "… w97 w98 w99 <mark>أحمد</mark> x0 x1 x2 x3 x4 x5 …"


def test_window_at_the_start_and_end() -> None:
    words = [f"w{n}" for n in range(50)]
    assert highlight(" ".join(words), ["w1"], max_words=5) == "w0 <mark>w1</mark> w2 w3 w4 …"
    assert highlight(" ".join(words), ["w49"], max_words=5) == "… w45 w46 w47 w48 <mark>w49</mark>"
    assert highlight("a b c", ["b"], max_words=30) == "a <mark>b</mark> c"


def test_no_match_gives_the_first_words() -> None:
    words = " ".join(f"w{n}" for n in range(50))
    assert highlight(words, ["nothing"], max_words=3) == "w0 w1 w2 …"
    assert highlight(words, [], max_words=3) == "w0 w1 w2 …"


def test_gaps_between_words() -> None:
    text = "a\n\n\tb\x00\u202ec" + "!" * 100 + "d"
    assert highlight(text, ["b"]) == "a <mark>b</mark>c … d"


def test_an_absurdly_long_word_is_shortened() -> None:
    assert highlight("a " + "x" * 500 + " b", ["b"]) == "a " + "x" * 60 + "… <mark>b</mark>"


def test_no_words() -> None:
    assert highlight("", ["a"]) == ""
    assert highlight("!!! 😀", ["a"]) == ""


def test_a_passage_is_found_only_where_the_words_are() -> None:
    body = " ".join(f"w{n}" for n in range(200))
    assert passage(body, parse("احمد").words) is None
    assert passage("قال أحمد", parse("Paris").words) is None
    deep = f"{body} أَحْمَد {body}"
    assert passage(deep, parse("احمد").words, max_words=6) == (
        "… w198 w199 <mark>أَحْمَد</mark> w0 w1 w2 …"
    )
    assert passage("قال أحمد", parse("احمد").words) == "قال <mark>أحمد</mark>"
    # A long text's ends: no ellipsis where nothing was cut.
    assert passage(f"{body} أحمد", ["احمد"], max_words=3) == "… w198 w199 <mark>أحمد</mark>"
    assert passage(f"أحمد {body}", ["احمد"], max_words=3) == "<mark>أحمد</mark> w0 w1 …"


def test_max_words_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_words"):
        highlight("a", ["a"], max_words=0)


highlight_texts = st.text(max_size=300) | st.lists(
    st.sampled_from([*QUERY_PIECES, "<", ">", "&", "&amp;", "<mark>", "</mark>"])
    | st.text(max_size=3),
    max_size=60,
).map("".join)


@PROPERTIES
@given(
    text=highlight_texts,
    q=queries,
    max_words=st.integers(min_value=1, max_value=40),
)
def test_highlight_is_safe(text: str, q: str, max_words: int) -> None:
    snippet = highlight(text, parse(q).words, max_words=max_words)
    bare = snippet.replace("<mark>", "").replace("</mark>", "")
    # Safe HTML: no markup but ours, every ampersand starts an escape.
    assert "<" not in bare
    assert ">" not in bare
    assert not re.search(r"&(?!(?:amp|lt|gt|quot|#x27);)", bare)
    # Nothing but the text's own characters, ellipses and spaces.
    assert set(html.unescape(bare)) <= set(text) | {"…", " "}
    assert snippet.count("<mark>") == snippet.count("</mark>")


@PROPERTIES
@given(
    text=highlight_texts | highlight_texts.map(lambda text: (text + " ") * 12),
    q=queries,
    max_words=st.integers(min_value=1, max_value=40),
)
def test_a_passage_is_the_highlight_of_a_text_holding_a_word_and_none_otherwise(
    text: str, q: str, max_words: int
) -> None:
    """Which text holds the query's words is decided from its runs alone (a lookup per run,
    not the word-by-word analysis): both must agree, on short texts and long."""
    words = parse(q).words
    holds = any(token.term in set(words) for token in tokens(text))
    expected = highlight(text, words, max_words=max_words) if holds else None
    assert passage(text, words, max_words=max_words) == expected
