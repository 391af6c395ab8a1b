"""RSS 2.0 + Media RSS, Atom 1.0 and JSON Feed 1.1: parsed by feedparser without complaint,
validated against the schemas in ``../shared/standards``, and showing only what the public
sees, with bodies only for partners (or everyone, when configured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import httpx
import jsonschema
import pytest
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import get_settings
from tests.accounts import Staff, api_key
from tests.newsroom import Newsroom

STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards"
FEEDS = ["/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"]


def json_feed_schema() -> dict[str, Any]:
    return json.loads((STANDARDS / "jsonfeed" / "jsonfeed-schema-v1.1.json").read_text())


def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(STANDARDS / "feeds" / "atom" / "atom-rfc4287.rng")))


def parsed(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def link(article: Any) -> str:
    return quote(f"/news/{article.id}/{article.slug}")


async def test_every_feed_lists_the_public_articles_newest_first_and_nothing_else(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    public = [link(a) for a in newsroom.public]
    hidden = [link(a) for a in newsroom.hidden]
    for path in FEEDS[:2]:
        entries = parsed(await client.get(path)).entries
        links = [entry.link for entry in entries]
        assert [next(p for p in public if url.endswith(p)) for url in links] == public
        assert not any(url.endswith(h) for url in links for h in hidden)
    items = (await client.get("/feeds/feed.json")).json()["items"]
    assert [next(p for p in public if i["url"].endswith(p)) for i in items] == public


async def test_rss_items_carry_language_categories_bylines_and_the_featured_image(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/feeds/rss.xml")
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    rss = etree.XMLSchema(etree.parse(str(STANDARDS / "feeds" / "rss" / "rss-2.0-thelin.xsd")))
    assert rss.validate(etree.fromstring(response.content)), rss.error_log
    feed = parsed(response)
    assert feed.version == "rss20"
    assert feed.feed.language == "ar"
    lead = feed.entries[0]
    assert lead.title == newsroom.lead.title
    assert lead.language == "ar"  # dc:language
    assert {t.term for t in lead.tags} >= {newsroom.world.name, newsroom.elections.name}
    assert lead.author == newsroom.ahmad.name  # dc:creator
    image = lead.media_content[0]
    assert image["medium"] == "image"
    assert image["url"].endswith(newsroom.photo.storage_key)
    assert lead.media_thumbnail[0]["url"]
    assert lead.media_credit[0]["content"] == newsroom.photo.credit
    # The public gets summaries, not bodies.
    assert "content" not in lead
    english = next(e for e in feed.entries if e.title == newsroom.english_story.title)
    assert english.language == "en"


async def test_atom_validates_against_rfc_4287_and_json_feed_against_its_schema(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    atom = await client.get("/feeds/atom.xml")
    assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert parsed(atom).version == "atom10"
    schema = atom_schema()
    assert schema.validate(etree.fromstring(atom.content)), schema.error_log
    feed = await client.get("/feeds/feed.json")
    assert feed.headers["content-type"] == "application/feed+json"
    document = feed.json()
    jsonschema.validate(document, json_feed_schema())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    lead = document["items"][0]
    assert lead["language"] == "ar"
    assert lead["authors"] == [{"name": newsroom.ahmad.name}]
    assert lead["image"].endswith(newsroom.photo.storage_key)
    assert lead["url"].isascii()  # Arabic slugs are percent-encoded


async def test_partners_with_a_syndication_key_get_bodies_and_the_public_summaries(
    client: httpx.AsyncClient,
    session: AsyncSession,
    newsroom: Newsroom,
    staff: Staff,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    partner = await api_key(session, staff.admin, "syndication:read")
    other = await api_key(session, staff.admin, "embargoed:read")
    body_words = "التفاصيل"  # in the lead's body, not in its summary

    def lead(feed: Any) -> Any:
        return next(e for e in feed.entries if e.title == newsroom.lead.title)

    full = await client.get("/feeds/rss.xml", headers=partner)
    assert body_words in lead(parsed(full)).content[0].value
    assert full.headers["cache-control"] == "private, no-store"
    atom = await client.get("/feeds/atom.xml", headers=partner)
    assert lead(parsed(atom)).content[0].value
    json_feed = (await client.get("/feeds/feed.json", headers=partner)).json()
    assert body_words in json_feed["items"][0]["content_html"]
    # A key without the scope, and the public, get summaries; no key sees hidden stories.
    for headers in (other, {}):
        summary_only = parsed(await client.get("/feeds/rss.xml", headers=headers))
        assert "content" not in lead(summary_only)
        titles = {e.title for e in summary_only.entries}
        assert newsroom.embargoed.title not in titles
    monkeypatch.setattr(get_settings(), "feed_full_content", "everyone")
    assert lead(parsed(await client.get("/feeds/rss.xml?everyone"))).content[0].value


async def test_category_feeds_include_subcategories_and_unknown_ones_are_refused(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    by_path = parsed(await client.get(f"/feeds/categories/{quote(newsroom.world.slug)}/rss.xml"))
    by_query = parsed(await client.get("/feeds/rss.xml", params={"category": newsroom.world.slug}))
    titles = [e.title for e in by_path.entries]
    assert titles == [e.title for e in by_query.entries]
    assert newsroom.mideast_story.title in titles  # a subcategory of world
    assert newsroom.sport_story.title not in titles
    assert by_path.feed.title.startswith(newsroom.world.name)
    json_feed = await client.get(f"/feeds/categories/{quote(newsroom.world.slug)}/feed.json")
    jsonschema.validate(json_feed.json(), json_feed_schema())
    missing = await client.get("/feeds/categories/no-such-section/atom.xml")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await client.get("/feeds/rss.xml?category=no-such")).status_code == 422


async def test_feeds_revalidate_with_their_etag_and_change_when_content_does(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    first = await client.get("/feeds/rss.xml")
    assert first.headers["cache-control"].startswith("public")
    assert "feeds" in first.headers["surrogate-key"].split()
    again = await client.get("/feeds/rss.xml", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    editor = staff.headers(staff.editor)
    draft = newsroom.draft
    etag = (await client.get(f"/v1/articles/{draft.id}", headers=editor)).headers["etag"]
    published = await client.post(
        f"/v1/articles/{draft.id}/publish", headers={**editor, "If-Match": etag}
    )
    assert published.status_code == 200, published.text
    after = await client.get("/feeds/rss.xml", headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert parsed(after).entries[0].title == draft.title
