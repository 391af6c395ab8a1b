"""Feeds for readers' feed clients and partners: RSS 2.0 with Media RSS, Atom 1.0, JSON Feed 1.1.

RSS and Atom are built by feedgen (lxml underneath), not by hand; JSON Feed is a plain
dictionary, its format being JSON. Each feed holds the newest :data:`FEED_ITEMS` published
articles, site-wide or of a category with its descendants, read from the same stored cards as
``/v1/articles`` (so a feed shows exactly what the public sees). Items carry the article's
language, its category and tags, its bylines, and its featured image (``media:content``,
``media:thumbnail``, ``media:credit``, ``media:title``; ``image`` in JSON Feed). The
body is in the feed for partners with a ``syndication:read`` key, and for everyone when
``KHABAR_FEED_FULL_CONTENT=everyone``; otherwise items carry the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from app.core.text import direction_of, from_rfc3339
from app.core.urls import ascii_uri

FEED_ITEMS = 50
Format = Literal["rss", "atom", "json"]
MEDIA_NS = "http://search.yahoo.com/mrss/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "Khabar"


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed is of: its title, its pages and language."""

    title: str
    description: str
    site_url: str  # the page the feed is of
    feed_url: str  # the feed itself
    language: str
    updated: datetime


class _Media(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS}


class _MediaEntry(BaseEntryExtension):
    """An item's featured image in Media RSS: ``media:content`` (with its size and type) holding
    ``media:title`` (the caption) and ``media:credit``, and ``media:thumbnail`` (the smallest
    rendition)."""

    def __init__(self) -> None:
        self.image: dict[str, Any] | None = None

    def extend_rss(self, item: Any) -> Any:
        image = self.image
        if image is None:
            return item
        content = xml_elem(f"{{{MEDIA_NS}}}content", item)
        content.set("url", image["url"])
        content.set("medium", "image")
        for name in ("type", "width", "height"):
            if image.get(name):
                content.set(name, str(image[name]))
        # The caption (else the alternative text) as media:title: feed readers built on
        # feedparser take a media:description for the item's own content.
        title = image.get("caption") or image.get("alt_text")
        if title:
            xml_elem(f"{{{MEDIA_NS}}}title", content).text = title
        if image.get("credit"):
            xml_elem(f"{{{MEDIA_NS}}}credit", content).text = image["credit"]
        thumbnail = image.get("thumbnail")
        if thumbnail:
            element = xml_elem(f"{{{MEDIA_NS}}}thumbnail", item)
            for name in ("url", "width", "height"):
                if thumbnail.get(name):
                    element.set(name, str(thumbnail[name]))
        return item

    def extend_atom(self, entry: Any) -> Any:
        return self.extend_rss(entry)


def featured_image(card: dict[str, Any]) -> dict[str, Any] | None:
    """The card's featured image as feeds describe it, or None (no image, or an embed)."""
    media = card.get("featured_media")
    if not media or media.get("kind") != "image" or not media.get("url"):
        return None
    renditions = sorted(
        (r for r in (media.get("renditions") or {}).values() if r.get("url")),
        key=lambda r: r.get("width") or 0,
    )
    return {
        "url": media["url"],
        "type": media.get("mime_type"),
        "width": media.get("width"),
        "height": media.get("height"),
        "caption": media.get("caption"),
        "credit": media.get("credit"),
        "alt_text": media.get("alt_text"),
        "thumbnail": renditions[0] if renditions else None,
    }


def _generator(channel: Channel) -> FeedGenerator:
    feed = FeedGenerator()
    feed.register_extension("media", _Media, _MediaEntry)
    feed.load_extension("dc")
    feed.id(channel.feed_url)
    feed.title(channel.title)
    feed.description(channel.description)
    # RSS's <link> is the last non-self link given: the site, after the feed's own.
    feed.link(href=channel.feed_url, rel="self")
    feed.link(href=channel.site_url, rel="alternate")
    feed.language(channel.language)
    feed.author({"name": channel.title})
    feed.generator(GENERATOR)
    feed.updated(channel.updated)
    feed.lastBuildDate(channel.updated)
    return feed


def xml_feed(
    kind: Literal["rss", "atom"],
    channel: Channel,
    cards: Sequence[dict[str, Any]],
    bodies: dict[int, str] | None,
) -> bytes:
    """RSS 2.0 or Atom 1.0. ``bodies`` (article id → body HTML) puts full content in."""
    feed = _generator(channel)
    for card in cards:
        url = ascii_uri(card["url"])
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(card["title"])
        entry.link(href=url, rel="alternate")
        entry.published(from_rfc3339(card["published_at"]))
        entry.updated(from_rfc3339(card["updated_at"]))
        if card.get("summary"):
            entry.summary(card["summary"]) if kind == "atom" else entry.description(card["summary"])
        body = bodies.get(card["id"]) if bodies is not None else None
        if body:
            entry.content(body, type="html" if kind == "atom" else "CDATA")
        for author in card.get("authors") or []:
            entry.author({"name": author["name"]}) if kind == "atom" else None
            entry.dc.dc_creator(author["name"], replace=False)
        for term in _terms(card):
            entry.category(term=term["slug"], label=term["name"])
        entry.dc.dc_language(card["language"])
        entry.media.image = featured_image(card)
    if kind == "atom":
        return bytes(feed.atom_str(pretty=False))
    return bytes(feed.rss_str(pretty=False))


def json_feed(
    channel: Channel, cards: Sequence[dict[str, Any]], bodies: dict[int, str] | None
) -> dict[str, Any]:
    """JSON Feed 1.1: each item has ``content_html`` (the body when it is included, else the
    summary) and the article's language, tags, bylines and image."""
    items = []
    for card in cards:
        body = bodies.get(card["id"]) if bodies is not None else None
        image = featured_image(card)
        url = ascii_uri(card["url"])
        item: dict[str, Any] = {
            "id": url,
            "url": url,
            "title": card["title"],
            "content_html": body or _paragraph(card.get("summary") or card["title"]),
            "date_published": card["published_at"],
            "date_modified": card["updated_at"],
            "language": card["language"],
            "_khabar": {"id": card["id"], "direction": direction_of(card["language"])},
        }
        if card.get("summary"):
            item["summary"] = card["summary"]
        if image is not None:
            item["image"] = ascii_uri(image["url"])
        authors = [{"name": author["name"]} for author in card.get("authors") or []]
        if authors:
            item["authors"] = authors
        tags = [term["name"] for term in _terms(card)]
        if tags:
            item["tags"] = tags
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.site_url,
        "feed_url": channel.feed_url,
        "language": channel.language,
        "authors": [{"name": channel.title}],
        "items": items,
    }


def _terms(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The article's category, then its tags, each name once."""
    found = [card["category"]] if card.get("category") else []
    found += card.get("tags") or []
    once: dict[str, dict[str, Any]] = {}
    for term in found:
        once.setdefault(term["name"], term)
    return list(once.values())


def _paragraph(text: str) -> str:
    from html import escape

    return f"<p>{escape(text)}</p>"
