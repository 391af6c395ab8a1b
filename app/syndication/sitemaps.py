"""Sitemaps for search engines (sitemaps.org 0.9, with Google's image and news extensions).

* ``/sitemap.xml``: the index, naming the news sitemap and every article sitemap, each with
  the time its newest change;
* ``/sitemaps/articles-{n}.xml``: the public articles in id order, :data:`URLS_PER_SITEMAP`
  a file (the protocol's limit), each URL with its last change and its featured image;
* ``/sitemaps/news.xml``: the articles published in the last :data:`NEWS_HOURS` hours (at most
  :data:`NEWS_LIMIT`, Google's limit), with ``news:publication`` (the site's name, the article's
  language), the publication time and the title.

Only what the public sees is listed (``visible_articles``). Built with lxml.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.articles.service import canonical_url
from app.articles.visibility import PUBLIC, visible_articles
from app.core.text import rfc3339
from app.core.urls import UrlBases, ascii_uri, configured
from app.models import Article, Media

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
URLS_PER_SITEMAP = 50_000
NEWS_HOURS = 48
NEWS_LIMIT = 1_000

_Featured = aliased(Media, name="featured")


def _sm(name: str) -> str:
    return f"{{{SITEMAP_NS}}}{name}"


def _serialise(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _entries(now: datetime) -> Any:
    return (
        select(
            Article.id,
            Article.slug,
            Article.title,
            Article.language,
            Article.published_at,
            Article.updated_at,
            _Featured.kind,
            _Featured.storage_key,
            _Featured.caption,
        )
        .outerjoin(_Featured, _Featured.id == Article.featured_media_id)
        .where(visible_articles(PUBLIC, now))
    )


def _url(parent: Any, row: Any, bases: UrlBases) -> Any:
    url = etree.SubElement(parent, _sm("url"))
    etree.SubElement(url, _sm("loc")).text = ascii_uri(canonical_url(row.id, row.slug, bases))
    etree.SubElement(url, _sm("lastmod")).text = rfc3339(row.updated_at)
    return url


def _image(url: Any, row: Any, media_base: str) -> None:
    if row.kind == "image" and row.storage_key:
        image = etree.SubElement(url, f"{{{IMAGE_NS}}}image")
        location = ascii_uri(f"{media_base}/{row.storage_key}")
        etree.SubElement(image, f"{{{IMAGE_NS}}}loc").text = location
        if row.caption:
            etree.SubElement(image, f"{{{IMAGE_NS}}}caption").text = row.caption


async def page_count(session: AsyncSession, now: datetime) -> int:
    total = await session.scalar(
        select(func.count()).select_from(Article).where(visible_articles(PUBLIC, now))
    )
    return max(1, -(-(total or 0) // URLS_PER_SITEMAP))


async def index(session: AsyncSession, base_url: str, now: datetime) -> bytes:
    """The sitemap index: the news sitemap and the article sitemaps (at least one)."""
    ids = select(Article.id, Article.updated_at).where(visible_articles(PUBLIC, now))
    ranked = ids.add_columns(
        ((func.row_number().over(order_by=Article.id) - 1) / URLS_PER_SITEMAP).label("page")
    ).subquery()
    newest = {
        int(page): changed
        for page, changed in await session.execute(
            select(ranked.c.page, func.max(ranked.c.updated_at)).group_by(ranked.c.page)
        )
    }
    pages = max(1, len(newest))
    root = etree.Element(_sm("sitemapindex"), nsmap={None: SITEMAP_NS})
    entries: list[tuple[str, datetime | None]] = [
        (f"{base_url}/sitemaps/news.xml", max(newest.values(), default=None)),
        *((f"{base_url}/sitemaps/articles-{n + 1}.xml", newest.get(n)) for n in range(pages)),
    ]
    for loc, changed in entries:
        sitemap = etree.SubElement(root, _sm("sitemap"))
        etree.SubElement(sitemap, _sm("loc")).text = loc
        if changed is not None:
            etree.SubElement(sitemap, _sm("lastmod")).text = rfc3339(changed)
    return _serialise(root)


async def articles(session: AsyncSession, number: int, now: datetime) -> bytes | None:
    """Article sitemap ``number`` (from 1), or None when there is no such page."""
    if number < 1 or number > await page_count(session, now):
        return None
    rows = (
        await session.execute(
            _entries(now)
            .order_by(Article.id)
            .offset((number - 1) * URLS_PER_SITEMAP)
            .limit(URLS_PER_SITEMAP)
        )
    ).all()
    root = etree.Element(_sm("urlset"), nsmap={None: SITEMAP_NS, "image": IMAGE_NS})
    bases = configured()
    for row in rows:
        url = _url(root, row, bases)
        _image(url, row, bases.media)
    return _serialise(root)


async def news(session: AsyncSession, publication: str, now: datetime) -> bytes:
    """The Google News sitemap: the last :data:`NEWS_HOURS` hours, newest first."""
    rows: Sequence[Any] = (
        await session.execute(
            _entries(now)
            .where(Article.published_at >= now - timedelta(hours=NEWS_HOURS))
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(NEWS_LIMIT)
        )
    ).all()
    root = etree.Element(
        _sm("urlset"), nsmap={None: SITEMAP_NS, "news": NEWS_NS, "image": IMAGE_NS}
    )
    bases = configured()
    for row in rows:
        url = _url(root, row, bases)
        item = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        source = etree.SubElement(item, f"{{{NEWS_NS}}}publication")
        etree.SubElement(source, f"{{{NEWS_NS}}}name").text = publication
        etree.SubElement(source, f"{{{NEWS_NS}}}language").text = _news_language(row.language)
        etree.SubElement(item, f"{{{NEWS_NS}}}publication_date").text = rfc3339(row.published_at)
        etree.SubElement(item, f"{{{NEWS_NS}}}title").text = row.title
        _image(url, row, bases.media)
    return _serialise(root)


def _news_language(language: str) -> str:
    """Google News takes ISO 639 codes, and ``zh-cn`` / ``zh-tw`` for Chinese."""
    tag = language.lower()
    return tag if tag in ("zh-cn", "zh-tw") else tag.split("-")[0]
