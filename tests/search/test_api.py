"""``GET /v1/search`` and ``/v1/search/suggest`` over HTTP: representation, highlights,
filters, paging, bad input, and the index following every change of what the public sees."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.revision import advance_clock
from app.models import ContentState
from app.models.base import utcnow
from app.search.schemas import SearchPage, SuggestionList
from tests import factories
from tests.accounts import Staff
from tests.newsroom import Newsroom
from tests.search.conftest import Corpus


async def search(client: httpx.AsyncClient, q: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/search", params={"q": q, "limit": 100, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    SearchPage.model_validate(page)
    return list(page["items"])


async def ids(client: httpx.AsyncClient, q: str, **params: Any) -> list[int]:
    return [item["id"] for item in await search(client, q, **params)]


async def test_results_are_summaries_with_the_words_marked_as_written(
    corpus_client: httpx.AsyncClient, corpus: Corpus
) -> None:
    client = corpus_client
    response = await client.get("/v1/search", params={"q": "احمد"})
    assert response.status_code == 200
    page = SearchPage.model_validate(response.json())
    first = page.items[0]
    assert first.id == corpus.articles["ar-runner-ahmad"].id
    assert first.direction == "rtl"
    # The reader typed a bare alef; the marks go around the word as the story spells it.
    assert "<mark>أحمد</mark>" in first.title_highlight
    assert "<mark>" in first.highlight
    assert response.headers["cache-control"].startswith("public")
    assert "search" in response.headers["surrogate-key"].split()
    again = await client.get(
        "/v1/search", params={"q": "احمد"}, headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


async def test_english_stems_and_arabic_forms_meet_in_the_highlight(
    corpus_client: httpx.AsyncClient, corpus: Corpus
) -> None:
    client = corpus_client
    english = (await search(client, "elections"))[0]
    assert english["id"] == corpus.articles["en-election-results"].id
    assert "<mark>" in english["title_highlight"].lower()
    school = (await search(client, "مدرسه"))[0]
    assert school["id"] == corpus.articles["ar-school-award"].id
    assert "<mark>مدرسة</mark>" in school["title_highlight"] + school["highlight"]


async def test_filters_narrow_the_matches(corpus_client: httpx.AsyncClient, corpus: Corpus) -> None:
    client = corpus_client
    everything = set(await ids(client, "الانتخابات"))
    assert len(everything) > 2
    # The root category includes every section below it.
    assert set(await ids(client, "الانتخابات", category=corpus.root.slug)) == everything
    politics = corpus.sections["politics"]
    in_politics = set(await ids(client, "الانتخابات", category=politics.slug))
    assert in_politics
    assert (
        in_politics
        == {a.id for a in corpus.articles.values() if a.category_id == politics.id} & everything
    )
    assert set(await ids(client, "الانتخابات", tag=corpus.politics.slug)) == in_politics
    english = await ids(client, "election", language="en")
    assert english
    assert all(corpus_language(corpus, i) == "en" for i in english)
    assert await ids(client, "election", language="ar") == []
    cut = utcnow() - timedelta(days=7)
    recent = await search(client, "الانتخابات", since=cut.isoformat())
    older = await search(client, "الانتخابات", until=cut.isoformat())
    assert {i["id"] for i in recent} | {i["id"] for i in older} == everything
    assert all(i["published_at"] >= cut.isoformat()[:19] for i in recent)
    unknown = await client.get("/v1/search", params={"q": "x", "category": "لا-يوجد"})
    assert unknown.status_code == 422


def corpus_language(corpus: Corpus, article_id: int) -> str:
    return next(a.language for a in corpus.articles.values() if a.id == article_id)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
async def test_pages_follow_the_cursor_without_repeats_or_gaps(
    corpus_client: httpx.AsyncClient, corpus: Corpus, sort: str
) -> None:
    client = corpus_client
    whole = await ids(client, "في", sort=sort)
    assert len(whole) > 5
    seen: list[int] = []
    params: dict[str, Any] = {"q": "في", "sort": sort, "limit": 2}
    while True:
        response = await client.get("/v1/search", params=params)
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            assert "link" not in response.headers
            break
        assert response.headers["link"].endswith('rel="next"')
        params["cursor"] = page["next_cursor"]
    assert seen == whole
    if sort == "newest":
        times = [item["published_at"] for item in await search(client, "في", sort=sort)]
        assert times == sorted(times, reverse=True)


async def test_a_cursor_that_was_altered_or_belongs_elsewhere_is_refused(
    corpus_client: httpx.AsyncClient, corpus: Corpus
) -> None:
    client = corpus_client
    page = (await client.get("/v1/search", params={"q": "في", "limit": 1})).json()
    cursor = page["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for params in (
        {"q": "في", "cursor": tampered},
        {"q": "في", "cursor": cursor, "sort": "newest"},
        {"q": "في", "cursor": (await client.get("/v1/articles?limit=1")).json()["next_cursor"]},
    ):
        response = await client.get("/v1/search", params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"] == "application/problem+json"


async def test_bad_queries_are_answered_never_failed(
    corpus_client: httpx.AsyncClient, corpus: Corpus
) -> None:
    client = corpus_client
    for q in ['"', '"انتخابات', "NEAR(a b)", "AND", "*", "(", ")", "-", "- -", "😀", "\x00",
              "title:x", "a:*", "انتخابات & !", "<->", "'", "\\", "ـــ"]:  # fmt: skip
        response = await client.get("/v1/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)
    nothing = await client.get("/v1/search", params={"q": "😀 -انتخابات"})
    assert nothing.json() == {"items": [], "next_cursor": None}
    for params in (
        {"q": "ا" * 5000},
        {"q": ""},
        {"q": "   "},
        {},
        {"q": "x", "limit": 0},
        {"q": "x", "limit": 101},
        {"q": "x", "sort": "oldest"},
        {"q": "x", "since": "yesterday"},
        {"q": "x", "language": "not a language"},
    ):
        response = await client.get("/v1/search", params=params)
        assert response.status_code == 422, params
        problem = response.json()
        assert problem["status"] == 422
        assert problem["errors"][0]["loc"][0] == "query"


async def test_markup_in_a_story_is_escaped_in_its_highlights(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    section = await factories.category(session, "تقنية")
    await factories.article(
        session,
        "ثغرة <script>alert(1)</script> في متصفح",
        section,
        body="<p>وصف الثغرة &lt;img src=x onerror=alert(1)&gt; بالتفصيل.</p>",
    )
    from app.search import index

    await session.run_sync(index.rebuild)
    item = (await search(client, "ثغرة"))[0]
    assert "<script>" not in item["title_highlight"]
    assert "&lt;script&gt;" in item["title_highlight"]
    assert "<img" not in item["highlight"]
    assert item["highlight"].count("<mark>") >= 1


async def test_suggestions_complete_the_word_being_typed(
    corpus_client: httpx.AsyncClient, corpus: Corpus
) -> None:
    client = corpus_client

    async def suggest(q: str, **params: Any) -> list[dict[str, Any]]:
        response = await client.get("/v1/search/suggest", params={"q": q, **params})
        assert response.status_code == 200, response.text
        return list(SuggestionList.model_validate(response.json()).model_dump()["items"])

    typed = await suggest("الانتخا")
    assert typed
    assert corpus.articles["ar-election-results"].id in [s["id"] for s in typed]
    assert all("<mark>" in s["title_highlight"] for s in typed)
    assert all("انتخاب" in s["title"] for s in typed)
    english = await suggest("elect", language="en")
    assert english
    assert all(s["language"] == "en" for s in english)
    # Complete words must all be in the title; the last one may be unfinished.
    both = await suggest("نتائج الانتخا")
    assert [s["id"] for s in both][:1] == [corpus.articles["ar-election-results"].id]
    assert await suggest("ا") == []  # one letter would match half the archive
    assert len(await suggest("ال", limit=2)) <= 2
    for q in ['"', "*", "(", "-", "😀", "NEAR(", "\\"]:
        assert (await client.get("/v1/search/suggest", params={"q": q})).status_code == 200
    too_long = await client.get("/v1/search/suggest", params={"q": "ا" * 501})
    assert too_long.status_code == 422


# The index follows what the public sees.


async def editorial(client: httpx.AsyncClient, headers: dict[str, str], article_id: int) -> str:
    response = await client.get(f"/v1/articles/{article_id}", headers=headers)
    return response.headers["etag"]


async def test_publishing_indexes_a_story_and_every_way_of_hiding_it_removes_it(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    created = await client.post(
        "/v1/articles",
        json={
            "title": "مهرجان الزيتون السنوي",
            "category_id": newsroom.world.id,
            "summary": "احتفالات في القرى",
            "body_html": "<p>يقام مهرجان قطاف الزيتون في الخريف.</p>",
        },
        headers=editor,
    )
    assert created.status_code == 201, created.text
    article_id = created.json()["id"]
    url = f"/v1/articles/{article_id}"
    assert await ids(client, "الزيتون") == []  # a draft

    async def act(method: str, path: str, **body: Any) -> None:
        headers = {**editor, "If-Match": await editorial(client, editor, article_id)}
        response = await client.request(method, url + path, headers=headers, json=body or None)
        assert response.status_code < 300, response.text

    await act("POST", "/publish")
    assert await ids(client, "زيتون") == [article_id]
    # An edit re-indexes: the old title's words go, the new ones come.
    await act("PATCH", "", title="مهرجان العنب السنوي")
    assert await ids(client, "العنب") == [article_id]
    assert await ids(client, "مهرجان -عنب") == []
    assert await ids(client, "قطاف") == [article_id]  # the body is still indexed
    await act("POST", "/unpublish")
    assert await ids(client, "العنب") == []
    await act("POST", "/publish")
    assert await ids(client, "العنب") == [article_id]
    await act("PATCH", "", embargo_until=(utcnow() + timedelta(days=1)).isoformat())
    assert await ids(client, "العنب") == []
    await act("PATCH", "", embargo_until=None)
    assert await ids(client, "العنب") == [article_id]
    await act("DELETE", "")
    assert await ids(client, "العنب") == []
    suggestions = await client.get("/v1/search/suggest", params={"q": "العن"})
    assert suggestions.json()["items"] == []


async def test_an_embargo_lifting_makes_a_story_searchable_when_the_clock_moves(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    section = await factories.category(session, "رياضة")
    held = await factories.article(
        session, "قرعة البطولة القارية", section, embargo_until=utcnow() + timedelta(seconds=1)
    )
    await session.commit()
    assert await ids(client, "القرعة") == []
    await session.execute(update(ContentState).values(next_transition_at=utcnow()))
    await asyncio.sleep(1.05)
    assert await advance_clock(session)
    await session.commit()
    assert await ids(client, "القرعة") == [held.id]


async def test_a_write_after_an_embargo_lifts_indexes_the_story_before_the_clock_ticks(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Any content write recomputes the next clock transition; one that has passed is not
    forgotten: that write's commit brings in what it made public."""
    section = await factories.category(session, "رياضة")
    held = await factories.article(
        session, "قرعة كأس القارات", section, embargo_until=utcnow() + timedelta(seconds=1)
    )
    await session.commit()
    assert await ids(client, "القرعة") == []
    await asyncio.sleep(1.05)
    await factories.tag(session, "كرة القدم")  # someone else's write, before any clock tick
    await session.commit()
    assert await ids(client, "القرعة") == [held.id]


async def test_absurdly_long_words_neither_fail_a_publication_nor_hide_the_story(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    section = await factories.category(session, "منوعات")
    story = await factories.article(
        session,
        "رقم قياسي في الصبر",
        section,
        body=f"<p>{'ه' * 3000} {'a' * 2500} {'7' * 2200} والنهاية سعيدة</p>",
    )
    await session.commit()
    assert await ids(client, "الصبر") == [story.id]
    assert await ids(client, "النهاية") == [story.id]


async def test_newest_first_goes_by_publication_time_not_by_creation(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    section = await factories.category(session, "اقتصاد")
    kept_back = await factories.article(session, "ميزانية البلدية المؤجلة", section, status="draft")
    earlier = await factories.article(
        session, "ميزانية البلدية الجديدة", section, age=timedelta(hours=1)
    )
    kept_back.status, kept_back.published_at = "published", utcnow()
    await session.commit()
    assert kept_back.id < earlier.id
    assert await ids(client, "ميزانية", sort="newest") == [kept_back.id, earlier.id]


async def test_a_story_published_while_a_reader_pages_does_not_shift_the_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    section = await factories.category(session, "ثقافة")
    for hours in (1, 2, 3):
        await factories.article(
            session, f"مهرجان المسرح {hours}", section, age=timedelta(hours=hours)
        )
    await session.commit()
    for sort in ("relevance", "newest"):
        before = await ids(client, "المسرح", sort=sort)
        params = {"q": "المسرح", "limit": 2, "sort": sort}
        first = (await client.get("/v1/search", params=params)).json()
        await factories.article(session, f"مهرجان المسرح الجديد {sort}", section, age=timedelta(0))
        await session.commit()
        rest = await client.get("/v1/search", params={**params, "cursor": first["next_cursor"]})
        seen = [i["id"] for i in first["items"]] + [i["id"] for i in rest.json()["items"]]
        assert seen == before, sort
