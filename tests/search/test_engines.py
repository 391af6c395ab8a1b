"""Both engines, through the search service: the relevance set, agreement with the analysis,
ordering, and queries that must never reach an engine as syntax."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.repository import ListFilter
from app.models import Article
from app.models.base import utcnow
from app.search import analysis, engines, index, service
from app.search.engines import texts_of, tsvector_literal
from app.search.query import Query, parse
from tests import factories
from tests.search.conftest import Corpus
from tests.search.relevance import CASES, NO_RESULTS


async def ranked(
    session: AsyncSession,
    q: str,
    sort: service.Sort = "relevance",
    limit: int = 100,
    **options: object,
) -> list[int]:
    """Ids of every match, best (or, ``sort="newest"``, newest) first, read ``limit`` a page."""
    ids: list[int] = []
    cursor = None
    while True:
        items, cursor = await service.search(
            session,
            parse(q),
            ListFilter(**options),  # type: ignore[arg-type]
            sort=sort,
            cursor=cursor,
            limit=limit,
            now=utcnow(),
        )
        ids += [int(item.split(b'"id":', 1)[1].split(b",", 1)[0]) for item in items]
        if cursor is None:
            return ids


async def test_every_relevance_case_ranks_its_story_in_the_top_three(
    corpus_session: AsyncSession, corpus: Corpus
) -> None:
    session = corpus_session
    key_of = {article.id: key for key, article in corpus.articles.items()}
    failures = []
    for case in CASES:
        top = [key_of[i] for i in (await ranked(session, case.query))[:3]]
        if case.expected not in top:
            failures.append(f"{case.query!r}: expected {case.expected}, got {top} ({case.why})")
    assert failures == []


async def test_queries_for_words_nobody_wrote_find_nothing(
    corpus_session: AsyncSession, corpus: Corpus
) -> None:
    session = corpus_session
    for query in NO_RESULTS:
        assert await ranked(session, query) == [], query


def _contains(terms: list[str], item: tuple[str, ...]) -> bool:
    n = len(item)
    return any(tuple(terms[i : i + n]) == item for i in range(len(terms) - n + 1))


def reference_matches(query: Query, corpus: Corpus) -> set[int]:
    """What must match, worked out from the analysis alone: each required item (a term, or a
    phrase's terms side by side) in one of the title, standfirst or body, and no excluded one."""
    found = set()
    for article in corpus.articles.values():
        texts = texts_of(
            article.title, article.subtitle, article.summary, article.body_text, article.language
        )
        columns = [
            analysis.terms(text, article.language)
            for text in (texts.title, texts.summary, texts.body)
        ]
        required = all(any(_contains(c, item) for c in columns) for item in query.required)
        excluded = any(any(_contains(c, item) for c in columns) for item in query.excluded)
        if required and not excluded:
            found.add(article.id)
    return found


async def test_each_engine_matches_exactly_what_the_analysis_says(
    corpus_session: AsyncSession, corpus: Corpus
) -> None:
    session = corpus_session
    """The engines read only the analysed terms: for every query of the set, and for phrases
    and exclusions, the matches are the articles whose terms contain the query's."""
    queries = [case.query for case in CASES] + [
        '"مجلس النواب"',
        "الانتخابات -البلدية",
        '"interest rates" -housing',
        "مستشفى -أطفال",
        '"الأمطار الغزيرة"',
    ]
    for q in queries:
        expected = reference_matches(parse(q), corpus)
        assert set(await ranked(session, q)) == expected, q


async def test_the_four_promised_queries_find_their_stories(
    corpus_session: AsyncSession, corpus: Corpus
) -> None:
    session = corpus_session
    """احمد (hamza dropped), مدرسه (ha for ta marbuta), الانتخابات (article and plural) and
    elections (English stemming) each rank their story first."""
    first = {
        "احمد": "ar-runner-ahmad",
        "مدرسه": "ar-school-award",
        "الانتخابات": "ar-election-results",
        "elections": "en-election-results",
    }
    for q, key in first.items():
        assert (await ranked(session, q))[0] == corpus.articles[key].id, q


async def test_a_fresh_story_outranks_an_equal_old_one(session: AsyncSession) -> None:
    section = await factories.category(session, "محليات")
    old = await factories.article(
        session, "افتتاح جسر المدينة", section, age=timedelta(days=60), summary="جسر جديد"
    )
    new = await factories.article(
        session, "افتتاح جسر المدينة", section, age=timedelta(hours=2), summary="جسر جديد"
    )
    await session.run_sync(index.rebuild)
    assert await ranked(session, "جسر") == [new.id, old.id]


async def test_a_title_match_outranks_a_body_mention(session: AsyncSession) -> None:
    section = await factories.category(session, "اقتصاد")
    mention = await factories.article(
        session,
        "أسواق المال تغلق على ارتفاع",
        section,
        age=timedelta(hours=1),
        body="<p>وفي سياق آخر ارتفعت أسعار القمح في الأسواق العالمية.</p>",
    )
    about = await factories.article(
        session, "أسعار القمح تقفز إلى أعلى مستوى", section, age=timedelta(days=3)
    )
    await session.run_sync(index.rebuild)
    assert await ranked(session, "القمح") == [about.id, mention.id]


# Characters engines treat as syntax, Arabic and Latin letters, digits, emoji, controls.
_ALPHABET = [
    *"\"*()-+:^~.,;!?'`{}[]<>|&\\/@#%$ \t\n",
    *"انتخاباتelctionNEARANDORNOT0123٤٥",
    *("😀", "\u200f", "\u0000", "\ufeff", "ـ", "ً", "\ud7ff", "é"),
]


async def test_no_query_reaches_an_engine_as_syntax(
    corpus_session: AsyncSession, corpus: Corpus
) -> None:
    """Engine operators, unbalanced quotes and parentheses, lone hyphens, NUL and emoji: every
    query either finds something or nothing, on both engines, and never fails."""
    rng = random.Random(6)
    queries = [
        'NEAR(انتخابات مجلس)', "انتخابات AND", "OR", "NOT elections", "*", "انتخاب*", '"',
        '""', '"انتخابات', "-", "- -", "--انتخابات", "(", ")", "انتخابات)", "title:انتخابات",
        "^انتخابات", "انتخابات:*", "'", "''", "\\", "!انتخابات", "انتخابات & !", "<->", "😀",
        "\x00", "a" * 500, "ـــ", "ً", "{title body}: x", "انتخابات NEAR/2 مجلس", "ᐊ",
    ] + ["".join(rng.choices(_ALPHABET, k=rng.randint(1, 40))) for _ in range(150)]  # fmt: skip
    for q in queries:
        await ranked(corpus_session, q)  # raises on any engine error


def test_a_tsvector_literal_quotes_its_lexemes_and_keeps_postgresqls_limits() -> None:
    literal = tsvector_literal([["it's", "a"], ["a"], ["back\\slash"]])
    assert literal == "'it''s':1A 'a':2A,103B 'back\\\\slash':204C"
    many = tsvector_literal([["word"] * 300])
    assert many.count(",") == 255  # 256 positions at most per lexeme
    long = tsvector_literal([[f"w{i}" for i in range(17_000)]])
    assert "'w16382':16383A" in long
    assert "'w16999':16383A" in long  # past the last position, still indexed


async def test_an_article_without_subtitle_summary_or_body_is_indexed_by_its_title(
    session: AsyncSession,
) -> None:
    section = await factories.category(session, "منوعات")
    bare = await factories.article(session, "عنوان وحيد", section, body="")
    await session.run_sync(index.rebuild)
    assert await ranked(session, "وحيد") == [bare.id]
    stored = await session.get(Article, bare.id)
    assert stored is not None
    assert stored.summary is None


async def test_the_newest_matches_are_the_same_found_in_the_recent_ids_first_or_not(
    corpus_session: AsyncSession, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL looks for a query's newest matches among the newest id buckets first, then
    among the older ones for what it still lacks (``newest_by_buckets``). With buckets of
    two ids and the newest two looked in first, every query of the relevance set crosses
    that boundary: the ranked results must not change (on SQLite, nothing changes either)."""
    session = corpus_session
    expected = {case.query: await ranked(session, case.query) for case in CASES}
    monkeypatch.setattr(engines, "ID_BUCKET", 2)
    monkeypatch.setattr(engines, "RECENT_BUCKETS", 2)
    monkeypatch.setattr(service, "_STATEMENTS", {})  # statements are built with the constants
    for case in CASES:
        assert await ranked(session, case.query) == expected[case.query], case.query
    assert any(expected.values())


async def test_relevance_ranks_only_the_newest_candidates_and_newest_order_every_match(
    corpus_session: AsyncSession, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query matching more stories than the engine's ``candidates`` ranks the newest of them
    (the highest ids); ``sort=newest`` still pages through every match."""
    session = corpus_session
    engine = engines.engine_for(session.get_bind().dialect.name)
    every = await ranked(session, "الرئيس")
    assert len(every) > 3
    monkeypatch.setattr(engine, "candidates", 3)
    assert sorted(await ranked(session, "الرئيس")) == sorted(every)[-3:]
    assert sorted(await ranked(session, "الرئيس", sort="newest", limit=2)) == sorted(every)
