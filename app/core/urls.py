"""Absolute URLs are resolved at the edge.

Representations built per request name the site and the media store by a placeholder
character from Unicode's private use area; the response writer swaps in ``KHABAR_SITE_URL`` and
the media base URL. Article cards, which lists serve as stored bytes, are rendered with the
configured URLs instead (a per-request scan of every page would cost more than the rest of
the response), and re-rendered at start-up when those settings change
(``app.articles.listing.ensure_cards_current``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from app.core.settings import get_settings

SITE = "\ue000"
MEDIA = "\ue001"


@dataclass(frozen=True, slots=True)
class UrlBases:
    """The bases absolute URLs are built on: placeholders (``PLACEHOLDERS``), or the
    configured URLs for representations stored ready to serve (``configured()``)."""

    site: str
    media: str


PLACEHOLDERS = UrlBases(SITE, MEDIA)


def configured() -> UrlBases:
    settings = get_settings()
    return UrlBases(settings.site_base, settings.media_base)


_SITE_BYTES = SITE.encode()
_MEDIA_BYTES = MEDIA.encode()


@lru_cache(maxsize=4)
def _bases(site: str, media: str) -> tuple[bytes, bytes]:
    return site.encode(), media.encode()


def resolve(body: bytes) -> bytes:
    """Replace the placeholders in a serialised response (two C-level scans)."""
    if b"\xee\x80" not in body:
        return body
    settings = get_settings()
    site, media = _bases(settings.site_base, settings.media_base)
    return body.replace(_SITE_BYTES, site).replace(_MEDIA_BYTES, media)


def ascii_uri(url: str) -> str:
    """``url`` with its non-ASCII characters percent-encoded as UTF-8 (an Arabic slug becomes
    ``%D8%A7…``): what sitemaps and feed readers expect of a URL."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")
