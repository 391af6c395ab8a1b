"""The public article API: lists, filters, cursors, details, sparse fields and visibility."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.schemas import ArticleList, ArticleRead
from app.models.base import utcnow
from tests import factories
from tests.newsroom import Newsroom


def ids(response: httpx.Response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


async def test_list_shows_only_public_articles_newest_first(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/v1/articles")
    assert response.status_code == 200
    assert ids(response) == [a.id for a in newsroom.public]
    ArticleList.model_validate(response.json())


async def test_summary_has_the_contract_fields_and_readable_arabic(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/v1/articles", params={"limit": 1})
    raw = response.content.decode()
    assert "\\u" not in raw
    assert "الرئيس يفتتح" in raw
    item = response.json()["items"][0]
    assert item["slug"] == "الرئيس-يفتتح-مدرسة-جديدة-في-القاهرة"
    assert item["url"] == f"https://news.example/news/{newsroom.lead.id}/{item['slug']}"
    assert item["language"] == "ar"
    assert item["direction"] == "rtl"
    assert item["kicker"] == "عاجل"
    assert item["is_breaking"] is True
    assert item["category"] == {"id": newsroom.world.id, "slug": "شؤون-دولية", "name": "شؤون دولية"}
    assert item["tags"] == [{"slug": "الانتخابات", "name": "الانتخابات"}]
    assert item["authors"] == [
        {"id": newsroom.ahmad.id, "slug": "أحمد-المصري", "name": "أحمد المصري"}
    ]
    assert item["featured_media"]["url"] == "https://api.example/media/ab/abcdef.jpg"
    assert item["featured_media"]["renditions"]["w320"]["width"] == 320
    assert item["published_at"].endswith("Z")
    assert "T" in item["published_at"]
    assert item["reading_time_minutes"] == 1


async def test_category_filter_includes_descendants(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    world = await client.get("/v1/articles", params={"category": "شؤون-دولية"})
    assert ids(world) == [newsroom.lead.id, newsroom.mideast_story.id]
    home = await client.get("/v1/articles", params={"category": "الرئيسية"})
    assert ids(home) == [newsroom.lead.id, newsroom.mideast_story.id, newsroom.sport_story.id]
    leaf = await client.get("/v1/articles", params={"category": "الشرق-الأوسط"})
    assert ids(leaf) == [newsroom.mideast_story.id]


async def test_tag_author_language_and_breaking_filters(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    by_tag = await client.get("/v1/articles", params={"tag": "الانتخابات"})
    assert ids(by_tag) == [newsroom.lead.id, newsroom.mideast_story.id]  # embargoed one hidden
    by_author = await client.get("/v1/articles", params={"author": "أحمد-المصري"})
    assert ids(by_author) == [newsroom.lead.id, newsroom.english_story.id]
    english = await client.get("/v1/articles", params={"language": "en"})
    assert ids(english) == [newsroom.english_story.id]
    assert english.json()["items"][0]["direction"] == "ltr"
    breaking = await client.get("/v1/articles", params={"is_breaking": "true"})
    assert ids(breaking) == [newsroom.lead.id]
    combined = await client.get(
        "/v1/articles",
        params={"category": "الرئيسية", "tag": "الانتخابات", "author": "أحمد-المصري"},
    )
    assert ids(combined) == [newsroom.lead.id]


async def test_since_and_until_bound_publication_time(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    now = utcnow()
    since = (now - timedelta(minutes=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response = await client.get("/v1/articles", params={"since": since, "until": until})
    assert ids(response) == [newsroom.mideast_story.id]


async def test_cursor_pages_through_everything_once_with_link_headers(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    seen: list[int] = []
    url: str | None = "/v1/articles?limit=1"
    pages = 0
    while url:
        response = await client.get(url)
        assert response.status_code == 200
        seen += ids(response)
        pages += 1
        link = response.headers.get("link")
        if response.json()["next_cursor"] is None:
            assert link is None
            url = None
        else:
            assert link is not None
            assert link.endswith('rel="next"')
            url = link[1 : link.index(">")]
            assert "cursor=" in url
            assert "limit=1" in url
    assert seen == [a.id for a in newsroom.public]
    assert pages == len(newsroom.public)


async def test_cursor_is_stable_while_new_articles_are_published(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    first = await client.get("/v1/articles", params={"limit": 2})
    await factories.article(session, "خبر جديد للتو", newsroom.world, age=timedelta(seconds=5))
    second = await client.get(
        "/v1/articles", params={"limit": 2, "cursor": first.json()["next_cursor"]}
    )
    assert ids(second) == [newsroom.sport_story.id, newsroom.english_story.id]


async def test_sparse_fields_return_exactly_what_was_asked(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/v1/articles", params={"fields": "title,id", "limit": 2})
    assert [list(item) for item in response.json()["items"]] == [["title", "id"]] * 2
    detail = await client.get(f"/v1/articles/{newsroom.lead.id}", params={"fields": "word_count"})
    assert detail.json() == {"word_count": newsroom.lead.word_count}


async def test_detail_by_id_is_the_full_representation(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get(f"/v1/articles/{newsroom.lead.id}")
    assert response.status_code == 200
    article = ArticleRead.model_validate(response.json()).model_dump()
    body = response.json()
    assert body["category"]["path"] == [
        {"id": newsroom.home.id, "slug": "الرئيسية", "name": "الرئيسية"},
        {"id": newsroom.world.id, "slug": "شؤون-دولية", "name": "شؤون دولية"},
    ]
    assert [b["type"] for b in body["body_blocks"]] == ["paragraph", "heading", "paragraph"]
    assert body["body_text"].startswith("افتتح الرئيسُ اليوم")
    assert body["word_count"] == 13
    assert body["status"] == "published"
    assert body["version"] == 1
    assert body["source"] == {"name": "وكالة الأنباء", "url": "https://agency.example/1"}
    # Related: the draft is never shown, order is the editors'.
    assert [r["id"] for r in body["related"]] == [
        newsroom.mideast_story.id,
        newsroom.sport_story.id,
    ]
    gallery, video = sorted(body["media"], key=lambda m: m["role"])
    assert video["role"] == "video"
    assert video["caption"] == "شاهد الافتتاح"
    assert video["embed"] == {
        "provider": "youtube",
        "external_id": "8IqWBHMtgyI",
        "start_seconds": 33,
        "embed_url": "https://www.youtube-nocookie.com/embed/8IqWBHMtgyI?start=33",
        "thumbnail_url": "https://i.ytimg.com/vi/8IqWBHMtgyI/hqdefault.jpg",
    }
    assert gallery["role"] == "gallery"
    assert gallery["caption"] == "الرئيس في القاهرة"
    assert article["id"] == newsroom.lead.id


async def test_detail_by_arabic_slug_raw_or_percent_encoded(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    slug = "الرئيس-يفتتح-مدرسة-جديدة-في-القاهرة"
    encoded = await client.get("/v1/articles/by-slug/" + quote(slug))
    assert encoded.status_code == 200
    assert encoded.json()["id"] == newsroom.lead.id
    raw = await client.get(f"/v1/articles/by-slug/{slug}")
    assert raw.json()["id"] == newsroom.lead.id


async def test_decomposed_unicode_slug_resolves_to_the_nfc_article(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    import unicodedata

    article = await factories.article(
        session, "Café élections", newsroom.english_world, language="en"
    )
    nfd = unicodedata.normalize("NFD", article.slug)
    assert nfd != article.slug
    response = await client.get("/v1/articles/by-slug/" + quote(nfd))
    assert response.status_code == 200
    assert response.json()["id"] == article.id


@pytest.mark.parametrize(
    "which", ["draft", "scheduled", "embargoed", "archived", "future_published"]
)
async def test_hidden_articles_are_404_by_id_and_slug(
    client: httpx.AsyncClient, newsroom: Newsroom, which: str
) -> None:
    hidden = getattr(newsroom, which)
    by_id = await client.get(f"/v1/articles/{hidden.id}")
    assert by_id.status_code == 404
    assert by_id.headers["content-type"] == "application/problem+json"
    assert by_id.json()["status"] == 404
    by_slug = await client.get("/v1/articles/by-slug/" + quote(hidden.slug))
    assert by_slug.status_code == 404


async def test_an_embargo_that_has_passed_hides_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    newsroom.embargoed.embargo_until = utcnow() - timedelta(seconds=1)
    await session.flush()
    response = await client.get(f"/v1/articles/{newsroom.embargoed.id}")
    assert response.status_code == 200
