"""An article as an IPTC ninjs document, version 2.2 or 3.1, for partners pulling changes.

The two versions hold the same model spelled differently (``versioncreated`` in 2.2 is
``versionCreated`` in 3.1, ``embargoed`` is ``embargoedUntil``), so a document is built once in
2.2's spelling and respelled for 3.1 (:data:`_SPELLED_3`). In both, ``renditions`` and
``associations`` are arrays whose items carry a ``name`` (the keyed objects belong to ninjs 1.x),
and the article's text goes in ``bodies`` (``body_html``/``body_text`` are 1.x too). Every
property is optional but ``uri``; one with no value is left out, never sent as ``null``.

The article:

- ``uri`` is the caller's (the API's address of the article, stable across versions), ``type``
  is ``text``, ``representationtype`` ``full``, ``standard`` names the version and its schema;
- ``version`` is the article's version as a string; ``versioncreated`` its ``updated_at``;
  ``firstcreated`` its ``published_at`` (``created_at`` before publication); ``embargoed``
  only when the caller gives one; ``pubstatus`` ``usable``; ``slugline`` the slug;
- ``urgency`` 1 for breaking news, else 5, the middle of ninjs's 1 (most urgent) to 9 scale:
  partners then rank our ordinary news with anyone else's ordinary news;
- ``headlines``: the title (``main``), the subtitle (``sub``) and the kicker (``kicker``);
  ``descriptions``: the summary (``summary``); ``bodies``: the HTML (``main``, ``text/html``)
  and the plain text (``text``, ``text/plain``), each with the word count;
- ``subjects``: each category of the breadcrumb, root first, the article's own with ``rel``
  ``category`` and those above it ``category-ancestor``, then each tag (``rel`` ``tag``); the
  ``literal`` is the slug (unique per kind, and what our own API filters by);
- ``by``: the authors' names joined as the language writes lists (``،`` in Arabic script,
  else ``,``), and each author in ``people`` (``rel`` ``author``, ``literal`` the slug);
- ``infosources``: the article's source (``role`` ``source``); ``altids``: the CMS id and the
  page on the site (``canonical-url``: a string, as its Arabic slug is no ASCII ``uri``).

Media are ``associations``: the featured item named ``featureimage`` (``featuremedia`` when it
is not an image), then each attached item as ``<role>-<position>`` (``gallery-0``), in 3.1 with
its role as ``rel`` too (2.2 has no ``rel`` there). Each is a ninjs object: ``uri`` its own URL,
so the same photo has the same identity in every article; ``type`` picture (``graphic`` for
SVG), video, audio, or text for a document; the caption (``caption``) and alternative text
(``alt``) in ``descriptions``, the credit in ``by``; ``renditions`` the file itself
(``original``) then every stored rendition under its own name. An embed is a video, audio or
(for a social post) composite item whose ``uri`` is its page at the provider, with the player
(``embed``, ``text/html``, ``format`` the provider) and ``thumbnail`` as renditions, the
provider's id in ``altids`` (``role`` the provider) and the start time in ``descriptions``
(``start-seconds``; the player URL starts there already).

URLs are passed through as they are: they may hold the placeholders of :mod:`app.core.urls`,
which the response writer replaces in the serialised bytes.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from app.media.embeds import embed_kind

Version = Literal[2, 3]

STANDARD_VERSIONS: dict[Version, str] = {2: "2.2", 3: "3.1"}
SCHEMAS: dict[Version, str] = {
    2: "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
    3: "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
}
URGENCY_BREAKING = 1
URGENCY_NORMAL = 5
ORIGINAL = "original"

#: Languages that separate the names in a list with the Arabic comma.
_ARABIC_COMMA_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})
#: 2.2's spelling → 3.1's, for every property this module writes whose spelling differs.
_SPELLED_3 = {
    "firstcreated": "firstCreated",
    "versioncreated": "versionCreated",
    "embargoed": "embargoedUntil",
    "pubstatus": "pubStatus",
    "representationtype": "representationType",
    "contenttype": "contentType",
    "wordcount": "wordCount",
    "altids": "altIds",
    "infosources": "infoSources",
}
_NATURES = {"image": "picture", "video": "video", "audio": "audio", "document": "text"}
_EMBED_NATURES = {"video": "video", "audio": "audio", "post": "composite"}
#: An absolute URI as RFC 3986 spells it: a scheme, then ASCII from its allowed set only.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def to_ninjs(
    article: dict[str, Any], *, version: Version, uri: str, embargoed: str | None
) -> dict[str, Any]:
    """The full article (as ``get_article(..., editorial=True)`` represents it) in ninjs."""
    language = article["language"]
    document = _fields(
        uri=uri,
        standard=_standard(version),
        type="text",
        representationtype="full",
        version=str(article["version"]),
        firstcreated=article.get("published_at") or article.get("created_at"),
        versioncreated=article["updated_at"],
        embargoed=embargoed,
        pubstatus="usable",
        urgency=URGENCY_BREAKING if article.get("is_breaking") else URGENCY_NORMAL,
        language=language,
        slugline=article.get("slug"),
        headlines=_texts(
            ("main", None, article.get("title")),
            ("sub", None, article.get("subtitle")),
            ("kicker", None, article.get("kicker")),
        ),
        descriptions=_texts(("summary", "text/plain", article.get("summary"))),
        bodies=[
            _fields(role=role, contenttype=kind, wordcount=article.get("word_count"), value=body)
            for role, kind, body in (
                ("main", "text/html", article.get("body_html")),
                ("text", "text/plain", article.get("body_text")),
            )
            if body
        ],
        by=byline(article.get("authors") or [], language),
        people=[
            _fields(name=author["name"], rel="author", literal=author.get("slug"))
            for author in article.get("authors") or []
        ],
        subjects=_subjects(article),
        infosources=_sources(article.get("source")),
        altids=_texts(
            ("cms-id", None, str(article["id"])), ("canonical-url", None, article.get("url"))
        ),
        associations=_associations(article, version),
    )
    return _respelled(document) if version == 3 else document


def tombstone(
    *, version: Version, uri: str, article_version: int, versioncreated: str, language: str
) -> dict[str, Any]:
    """A withdrawn article: who it was and that it is canceled, and nothing of what it said
    (it may have been withdrawn for legal reasons)."""
    document = {
        "uri": uri,
        "standard": _standard(version),
        "type": "text",
        "version": str(article_version),
        "versioncreated": versioncreated,
        "pubstatus": "canceled",
        "language": language,
    }
    return _respelled(document) if version == 3 else document


def byline(authors: list[dict[str, Any]], language: str) -> str:
    """The authors' names as one line, joined as ``language`` writes a list."""
    primary = language.split("-", 1)[0].lower()
    separator = "، " if primary in _ARABIC_COMMA_LANGUAGES else ", "
    return separator.join(author["name"] for author in authors if author.get("name"))


def _standard(version: Version) -> dict[str, str]:
    return {"name": "ninjs", "version": STANDARD_VERSIONS[version], "schema": SCHEMAS[version]}


def _fields(**values: Any) -> dict[str, Any]:
    """The properties that have a value: ``None``, empty strings and empty lists are left out
    (ninjs allows no ``null``, and an empty headline says nothing)."""
    return {name: value for name, value in values.items() if value not in (None, "", [], {})}


def _texts(*items: tuple[str, str | None, str | None]) -> list[dict[str, Any]]:
    """Headlines, descriptions or altids from ``(role, content type, value)``; empty values
    are left out."""
    return [
        _fields(role=role, contenttype=content_type, value=value)
        for role, content_type, value in items
        if value
    ]


def _subjects(article: dict[str, Any]) -> list[dict[str, Any]]:
    category = article.get("category") or {}
    path = category.get("path") or ([category] if category.get("slug") else [])
    subjects = [
        _fields(
            name=node.get("name"),
            rel="category" if index == len(path) - 1 else "category-ancestor",
            literal=node.get("slug"),
        )
        for index, node in enumerate(path)
    ]
    subjects += [
        _fields(name=tag.get("name"), rel="tag", literal=tag.get("slug"))
        for tag in article.get("tags") or []
    ]
    return subjects


def _sources(source: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The article's source as an info source. Its URL (typed by an editor) is a ``uri`` only
    if it is one; otherwise it stays, unchanged, as the free-text ``literal``."""
    if not source or not (source.get("name") or source.get("url")):
        return []
    url = source.get("url")
    is_uri = url is not None and _URI.fullmatch(url) is not None
    return [
        _fields(
            name=source.get("name"),
            role="source",
            uri=url if is_uri else None,
            literal=None if is_uri else url,
        )
    ]


def _associations(article: dict[str, Any], version: Version) -> list[dict[str, Any]]:
    """The featured item first, then the attached ones in their order. The featured item
    attached again as ``featured`` is one association, with the attachment's caption and
    credit."""
    featured = article.get("featured_media")
    attached = list(article.get("media") or [])
    if featured is not None:
        again = next(
            (m for m in attached if m.get("role") == "featured" and m["id"] == featured["id"]),
            None,
        )
        if again is not None:
            attached.remove(again)
            featured = again
    associations = []
    if featured is not None:
        name = "featureimage" if featured.get("kind") == "image" else "featuremedia"
        associations.append(_association(featured, name, "featured", version))
    seen: dict[str, int] = {}
    for media in attached:
        role = media.get("role") or "attached"
        name = f"{role}-{media.get('position', 0)}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # two items given the same position: both kept, named apart
            name = f"{name}-{seen[name]}"
        associations.append(_association(media, name, role, version))
    return associations


def _association(media: dict[str, Any], name: str, role: str, version: Version) -> dict[str, Any]:
    embed = media.get("embed")
    nature: str | None
    extra: list[tuple[str, str | None, str | None]] = []
    if embed:
        nature = _EMBED_NATURES.get(embed_kind(embed), "composite")
        if role == "video":
            # The representation has lost the embed's stored kind, and the provider alone
            # cannot tell a Facebook video from a post; an item attached as a video is one.
            nature = "video"
        uri = media.get("url") or embed["embed_url"]
        renditions = _embed_renditions(media, embed)
        altids = _texts((embed["provider"], None, embed.get("external_id")))
        start = embed.get("start_seconds")
        extra.append(("start-seconds", "text/plain", str(start) if start else None))
    else:
        nature = _NATURES.get(media.get("kind") or "")
        if nature == "picture" and media.get("mime_type") == "image/svg+xml":
            nature = "graphic"
        # Every item stored has a URL; one without would still need a ninjs uri.
        uri = media.get("url") or f"urn:khabar:media:{media['id']}"
        renditions = _file_renditions(media)
        altids = []
    return _fields(
        name=name,
        rel=role if version == 3 else None,
        uri=uri,
        type=nature,
        language=media.get("language"),
        by=media.get("credit"),
        descriptions=_texts(
            ("caption", "text/plain", media.get("caption")),
            ("alt", "text/plain", media.get("alt_text")),
            *extra,
        ),
        altids=altids,
        renditions=renditions,
    )


def _file_renditions(media: dict[str, Any]) -> list[dict[str, Any]]:
    renditions = []
    if media.get("url"):
        renditions.append(
            _fields(
                name=ORIGINAL,
                href=media["url"],
                contenttype=media.get("mime_type"),
                width=media.get("width"),
                height=media.get("height"),
                duration=media.get("duration_seconds"),
            )
        )
    for name, rendition in (media.get("renditions") or {}).items():
        if name != ORIGINAL and rendition.get("url"):
            renditions.append(
                _fields(
                    name=name,
                    href=rendition["url"],
                    contenttype=rendition.get("mime_type"),
                    width=rendition.get("width"),
                    height=rendition.get("height"),
                )
            )
    return renditions


def _embed_renditions(media: dict[str, Any], embed: dict[str, Any]) -> list[dict[str, Any]]:
    renditions = [
        _fields(
            name="embed",
            href=embed["embed_url"],
            contenttype="text/html",
            format=embed["provider"],
            width=media.get("width"),
            height=media.get("height"),
            duration=media.get("duration_seconds"),
        )
    ]
    if embed.get("thumbnail_url"):
        renditions.append({"name": "thumbnail", "href": embed["thumbnail_url"]})
    return renditions


def _respelled(value: Any) -> Any:
    """A 2.2-spelled document (or part of one) in 3.1's spelling; values are left alone."""
    if isinstance(value, dict):
        return {_SPELLED_3.get(key, key): _respelled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_respelled(item) for item in value]
    return value
