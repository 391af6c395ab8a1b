"""Sitemaps: the index, article sitemaps and the Google News sitemap validate against the
XSDs in ``../shared/standards/sitemaps`` and list only what the public sees."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import get_settings
from app.syndication import sitemaps
from tests import factories
from tests.newsroom import Newsroom

STANDARDS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "sitemaps"
URLSET = "sitemap-with-extensions.xsd"
NS = {"s": sitemaps.SITEMAP_NS, "news": sitemaps.NEWS_NS, "image": sitemaps.IMAGE_NS}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / name)))


async def document(client: httpx.AsyncClient, path: str, xsd: str) -> etree._Element:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    validator = schema(xsd)
    assert validator.validate(root), validator.error_log
    return root


def locations(root: etree._Element) -> list[str]:
    return [str(loc) for loc in root.xpath("//s:url/s:loc/text()", namespaces=NS)]


def path_of(article: object) -> str:
    return quote(f"/news/{article.id}/{article.slug}")  # type: ignore[attr-defined]


async def test_article_sitemaps_list_public_articles_with_their_images(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    root = await document(client, "/sitemaps/articles-1.xml", URLSET)
    found = locations(root)
    assert {urlsplit(url).path for url in found} == {path_of(a) for a in newsroom.public}
    assert all(url.isascii() for url in found)
    images = root.xpath("//image:image/image:loc/text()", namespaces=NS)
    assert any(str(i).endswith(newsroom.photo.storage_key) for i in images)
    assert (await client.get("/sitemaps/articles-2.xml")).status_code == 404


async def test_the_index_names_the_news_sitemap_and_each_article_sitemap(
    client: httpx.AsyncClient, newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "URLS_PER_SITEMAP", 3)  # four public articles: two files
    root = await document(client, "/sitemap.xml", "siteindex.xsd")
    names = [str(loc).rsplit("/", 1)[-1] for loc in root.xpath("//s:loc/text()", namespaces=NS)]
    assert names == ["news.xml", "articles-1.xml", "articles-2.xml"]
    assert len(root.xpath("//s:lastmod", namespaces=NS)) == 3
    first = locations(await document(client, "/sitemaps/articles-1.xml", URLSET))
    second = locations(await document(client, "/sitemaps/articles-2.xml", URLSET))
    assert (len(first), len(second)) == (3, 1)
    assert (await client.get("/sitemaps/articles-3.xml")).status_code == 404
    assert (await client.get("/sitemaps/articles-0.xml")).status_code == 422


async def test_the_news_sitemap_has_the_last_two_days_with_publication_and_language(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    old = await factories.article(session, "خبر قديم", newsroom.world, age=timedelta(hours=49))
    root = await document(client, "/sitemaps/news.xml", URLSET)
    found = locations(root)
    assert not any(url.endswith(path_of(old)) for url in found)
    assert not any(url.endswith(path_of(a)) for a in newsroom.hidden for url in found)
    assert len(found) == len(newsroom.public)
    names = root.xpath("//news:publication/news:name/text()", namespaces=NS)
    assert set(names) == {get_settings().site_name}
    languages = root.xpath("//news:publication/news:language/text()", namespaces=NS)
    assert sorted(set(languages)) == ["ar", "en"]
    titles = root.xpath("//news:title/text()", namespaces=NS)
    assert newsroom.lead.title in titles
