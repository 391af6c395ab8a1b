"""Articles in IPTC ninjs 2.2 and 3.1: valid against the schemas in ``../shared/standards``
(formats checked, URIs included, after the URL placeholders are resolved as a response would
be), and carrying the article's own text, times, subjects, bylines and media."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from app.core.urls import MEDIA, SITE, resolve
from app.syndication.ninjs import Version, to_ninjs, tombstone

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "ninjs" / "schemas"
SCHEMA_FILES: dict[Version, str] = {2: "ninjs-schema_2.2.json", 3: "ninjs-schema_3.1.json"}
GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"
VERSIONS: list[Version] = [2, 3]
URI = "https://api.example/v1/articles/41"

#: Each property the tests read whose name differs between the versions.
KEYS: dict[Version, dict[str, str]] = {
    2: {
        "firstcreated": "firstcreated",
        "versioncreated": "versioncreated",
        "embargoed": "embargoed",
        "pubstatus": "pubstatus",
        "contenttype": "contenttype",
        "altids": "altids",
        "infosources": "infosources",
    },
    3: {
        "firstcreated": "firstCreated",
        "versioncreated": "versionCreated",
        "embargoed": "embargoedUntil",
        "pubstatus": "pubStatus",
        "contenttype": "contentType",
        "altids": "altIds",
        "infosources": "infoSources",
    },
}

#: RFC 3986's absolute URI, ASCII only: jsonschema checks ``uri`` only with the optional
#: ``rfc3987`` package, so the suite brings its own check.
ABSOLUTE_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+"
)


@cache
def validator(version: Version) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / SCHEMA_FILES[version]).read_text())
    geojson = json.loads((SCHEMAS / "GeoJSON-schema.json").read_text())
    registry: Registry[Any] = Registry().with_resource(GEOJSON_ID, Resource.from_contents(geojson))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator  # what the schema's $schema names
    formats = jsonschema.FormatChecker(cls.FORMAT_CHECKER.checkers)
    formats.checks("uri")(
        lambda value: not isinstance(value, str) or bool(ABSOLUTE_URI.fullmatch(value))
    )
    return cls(schema, registry=registry, format_checker=formats)


def served(document: dict[str, Any]) -> Any:
    """The document as a partner receives it: serialised, placeholders replaced."""
    body = resolve(orjson.dumps(document))
    assert SITE.encode() not in body
    assert MEDIA.encode() not in body
    return orjson.loads(body)


def assert_valid(document: dict[str, Any], version: Version) -> None:
    errors = sorted(validator(version).iter_errors(served(document)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


# Articles as ``get_article(..., editorial=True)`` represents them


def media(media_id: int, kind: str, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": media_id,
        "kind": kind,
        "mime_type": None,
        "url": None,
        "width": None,
        "height": None,
        "duration_seconds": None,
        "caption": None,
        "credit": None,
        "alt_text": None,
        "language": "ar",
        "direction": "rtl",
        "renditions": {},
        "blurhash": None,
        "dominant_color": None,
        "embed": None,
    }
    return item | fields


def photo(media_id: int, folder: str, **fields: Any) -> dict[str, Any]:
    base = f"{MEDIA}/{folder}"
    return media(
        media_id,
        "image",
        mime_type="image/jpeg",
        url=f"{base}/original.jpg",
        width=3000,
        height=2000,
        renditions={
            "w640_webp": {
                "url": f"{base}/w640.webp",
                "width": 640,
                "height": 427,
                "mime_type": "image/webp",
            },
            "w640_jpeg": {
                "url": f"{base}/w640.jpg",
                "width": 640,
                "height": 427,
                "mime_type": "image/jpeg",
            },
        },
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        dominant_color="#336699",
        **fields,
    )


def featured_photo() -> dict[str, Any]:
    return photo(
        7,
        "a1/b2c3",
        caption="وزراء الخارجية العرب في القاهرة",
        credit="أحمد سمير / خبر",
        alt_text="وزراء حول طاولة اجتماع",
    )


def gallery_photo() -> dict[str, Any]:
    return photo(8, "d4/e5f6", caption="مؤتمر صحفي بعد الاجتماع", credit="رويترز") | {
        "role": "gallery",
        "position": 0,
    }


def youtube_embed() -> dict[str, Any]:
    return media(
        9,
        "embed",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=93s",
        caption="كلمة الأمين العام",
        embed={
            "provider": "youtube",
            "external_id": "dQw4w9WgXcQ",
            "start_seconds": 93,
            "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=93",
            "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        },
    ) | {"role": "video", "position": 1}


def arabic_article() -> dict[str, Any]:
    """A breaking Arabic story with a featured photo, a gallery photo and a YouTube video."""
    return {
        "id": 41,
        "slug": "اجتماع-وزراء-الخارجية-العرب",
        "url": f"{SITE}/news/41/اجتماع-وزراء-الخارجية-العرب",
        "title": "وزراء الخارجية العرب يجتمعون في القاهرة",
        "kicker": "عاجل",
        "summary": "عقد وزراء الخارجية العرب اجتماعاً طارئاً في القاهرة.",
        "subtitle": "الاجتماع يبحث الأوضاع الإقليمية",
        "language": "ar",
        "direction": "rtl",
        "published_at": "2026-11-28T09:30:00Z",
        "updated_at": "2026-11-28T10:15:00Z",
        "is_breaking": True,
        "category": {
            "id": 4,
            "slug": "شؤون-دولية",
            "name": "شؤون دولية",
            "path": [
                {"id": 1, "slug": "الرئيسية", "name": "الرئيسية"},
                {"id": 4, "slug": "شؤون-دولية", "name": "شؤون دولية"},
            ],
        },
        "tags": [
            {"slug": "الجامعة-العربية", "name": "الجامعة العربية"},
            {"slug": "القاهرة", "name": "القاهرة"},
        ],
        "authors": [
            {"id": 3, "slug": "سارة-حداد", "name": "سارة حداد"},
            {"id": 5, "slug": "عمر-خليل", "name": "عمر خليل"},
        ],
        "featured_media": featured_photo(),
        "reading_time_minutes": 1,
        "body_html": (
            "<p>عقد وزراء الخارجية العرب اجتماعاً طارئاً.</p>"
            f'<img src="{MEDIA}/a1/b2c3/w640.jpg" alt="">'
        ),
        "body_text": "عقد وزراء الخارجية العرب اجتماعاً طارئاً.",
        "body_blocks": [{"type": "paragraph", "text": "عقد وزراء الخارجية العرب اجتماعاً طارئاً."}],
        "word_count": 5,
        "media": [gallery_photo(), youtube_embed()],
        "related": [],
        "source": {"name": "وكالة الأنباء", "url": "https://agency.example/wire/123"},
        "status": "published",
        "version": 3,
        "publish_at": None,
        "embargo_until": None,
        "created_at": "2026-11-28T08:50:00Z",
        "created_by_id": 2,
    }


def english_article() -> dict[str, Any]:
    """An English brief: no media, no authors, no subtitle, kicker or source."""
    return {
        "id": 52,
        "slug": "markets-hold-steady",
        "url": f"{SITE}/news/52/markets-hold-steady",
        "title": "Markets hold steady",
        "kicker": None,
        "summary": None,
        "subtitle": None,
        "language": "en",
        "direction": "ltr",
        "published_at": "2026-11-27T16:00:00Z",
        "updated_at": "2026-11-27T16:00:00Z",
        "is_breaking": False,
        "category": {
            "id": 9,
            "slug": "economy",
            "name": "Economy",
            "path": [{"id": 9, "slug": "economy", "name": "Economy"}],
        },
        "tags": [],
        "authors": [],
        "featured_media": None,
        "reading_time_minutes": 1,
        "body_html": "<p>Shares closed flat.</p>",
        "body_text": "Shares closed flat.",
        "body_blocks": [{"type": "paragraph", "text": "Shares closed flat."}],
        "word_count": 3,
        "media": [],
        "related": [],
        "source": None,
        "status": "published",
        "version": 1,
        "publish_at": None,
        "embargo_until": None,
        "created_at": "2026-11-27T15:40:00Z",
        "created_by_id": None,
    }


EMBARGO = "2026-12-01T06:00:00Z"


def embargoed_article() -> dict[str, Any]:
    """Scheduled, under embargo: not published yet."""
    return english_article() | {
        "id": 63,
        "title": "Budget to be unveiled",
        "published_at": None,
        "status": "scheduled",
        "publish_at": EMBARGO,
        "embargo_until": EMBARGO,
        "authors": [
            {"id": 11, "slug": "jane-doe", "name": "Jane Doe"},
            {"id": 12, "slug": "john-roe", "name": "John Roe"},
        ],
    }


def ninjs(article: dict[str, Any], version: Version, **options: Any) -> dict[str, Any]:
    document = to_ninjs(
        article, version=version, uri=options.get("uri", URI), embargoed=options.get("embargoed")
    )
    assert_valid(document, version)
    return document


def association(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [i for i in document["associations"] if i["name"] == name]
    assert len(found) == 1, [item["name"] for item in document["associations"]]
    return found[0]


def rendition(item: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in item["renditions"] if r["name"] == name]
    assert len(found) == 1, [r["name"] for r in item["renditions"]]
    return found[0]


def description(item: dict[str, Any], role: str) -> str:
    return next(str(d["value"]) for d in item["descriptions"] if d["role"] == role)


# The article


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("build", "embargoed"),
    [(arabic_article, None), (english_article, None), (embargoed_article, EMBARGO)],
)
def test_every_article_validates_against_the_schema_of_its_version(
    build: Any, embargoed: str | None, version: Version
) -> None:
    document = ninjs(build(), version, embargoed=embargoed)
    assert document["standard"]["version"] == {2: "2.2", 3: "3.1"}[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_identity_times_and_language_come_from_the_article_and_the_caller(
    version: Version,
) -> None:
    keys = KEYS[version]
    article = arabic_article()
    document = ninjs(article, version, uri="https://partners.example/v1/articles/41")
    assert document["uri"] == "https://partners.example/v1/articles/41"
    assert document["type"] == "text"
    assert document["version"] == "3"
    assert document[keys["versioncreated"]] == "2026-11-28T10:15:00Z"
    assert document[keys["firstcreated"]] == "2026-11-28T09:30:00Z"
    assert document[keys["pubstatus"]] == "usable"
    assert document["language"] == "ar"
    assert document["slugline"] == article["slug"]
    altids = {a["role"]: a["value"] for a in document[keys["altids"]]}
    assert altids == {"cms-id": "41", "canonical-url": article["url"]}


@pytest.mark.parametrize("version", VERSIONS)
def test_first_created_is_the_creation_time_before_publication(version: Version) -> None:
    document = ninjs(embargoed_article(), version, embargoed=EMBARGO)
    assert document[KEYS[version]["firstcreated"]] == "2026-11-27T15:40:00Z"


@pytest.mark.parametrize("version", VERSIONS)
def test_headlines_summary_and_bodies_carry_the_article_text(version: Version) -> None:
    content_type = KEYS[version]["contenttype"]
    article = arabic_article()
    document = ninjs(article, version)
    headlines = {h["role"]: h["value"] for h in document["headlines"]}
    assert headlines == {
        "main": article["title"],
        "sub": article["subtitle"],
        "kicker": article["kicker"],
    }
    assert document["descriptions"] == [
        {"role": "summary", content_type: "text/plain", "value": article["summary"]}
    ]
    bodies = {b[content_type]: b for b in document["bodies"]}
    assert bodies["text/html"]["value"] == article["body_html"]
    assert bodies["text/plain"]["value"] == article["body_text"]
    word_count = "wordcount" if version == 2 else "wordCount"
    assert {b[word_count] for b in document["bodies"]} == {5}


@pytest.mark.parametrize("version", VERSIONS)
def test_missing_optional_text_is_left_out_rather_than_null(version: Version) -> None:
    document = ninjs(english_article(), version)
    assert document["headlines"] == [{"role": "main", "value": "Markets hold steady"}]
    for absent in ("descriptions", "by", "people", "associations", KEYS[version]["infosources"]):
        assert absent not in document


@pytest.mark.parametrize("version", VERSIONS)
def test_subjects_hold_every_category_of_the_path_then_every_tag(version: Version) -> None:
    document = ninjs(arabic_article(), version)
    assert document["subjects"] == [
        {"name": "الرئيسية", "rel": "category-ancestor", "literal": "الرئيسية"},
        {"name": "شؤون دولية", "rel": "category", "literal": "شؤون-دولية"},
        {"name": "الجامعة العربية", "rel": "tag", "literal": "الجامعة-العربية"},
        {"name": "القاهرة", "rel": "tag", "literal": "القاهرة"},
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_arabic_byline_joins_the_authors_with_the_arabic_comma(version: Version) -> None:
    document = ninjs(arabic_article(), version)
    assert document["by"] == "سارة حداد، عمر خليل"
    assert document["people"] == [
        {"name": "سارة حداد", "rel": "author", "literal": "سارة-حداد"},
        {"name": "عمر خليل", "rel": "author", "literal": "عمر-خليل"},
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_english_byline_joins_the_authors_with_a_comma(version: Version) -> None:
    document = ninjs(embargoed_article(), version, embargoed=EMBARGO)
    assert document["by"] == "Jane Doe, John Roe"


@pytest.mark.parametrize("version", VERSIONS)
def test_breaking_news_is_most_urgent_and_other_news_middling(version: Version) -> None:
    assert ninjs(arabic_article(), version)["urgency"] == 1
    assert ninjs(english_article(), version)["urgency"] == 5


@pytest.mark.parametrize("version", VERSIONS)
def test_embargo_is_set_only_when_the_caller_gives_one(version: Version) -> None:
    key = KEYS[version]["embargoed"]
    assert ninjs(embargoed_article(), version, embargoed=EMBARGO)[key] == EMBARGO
    # The article's own embargo_until is the caller's to judge (it may have passed).
    assert key not in ninjs(embargoed_article(), version)
    assert key not in ninjs(arabic_article(), version)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_source_is_an_info_source(version: Version) -> None:
    document = ninjs(arabic_article(), version)
    assert document[KEYS[version]["infosources"]] == [
        {"name": "وكالة الأنباء", "role": "source", "uri": "https://agency.example/wire/123"}
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_source_url_that_is_no_uri_stays_as_a_literal(version: Version) -> None:
    url = "https://agency.example/أخبار/123"
    article = arabic_article() | {"source": {"name": None, "url": url}}
    document = ninjs(article, version)
    assert document[KEYS[version]["infosources"]] == [{"role": "source", "literal": url}]


# Media


@pytest.mark.parametrize("version", VERSIONS)
def test_media_become_associations_named_by_their_place_in_the_article(
    version: Version,
) -> None:
    document = ninjs(arabic_article(), version)
    names = [item["name"] for item in document["associations"]]
    assert names == ["featureimage", "gallery-0", "video-1"]
    rels = [item.get("rel") for item in document["associations"]]
    # 3.1 lets an association say how it relates to the article; 2.2 has no such property.
    assert rels == ([None] * 3 if version == 2 else ["featured", "gallery", "video"])


@pytest.mark.parametrize("version", VERSIONS)
def test_featured_photo_carries_caption_credit_and_every_rendition(version: Version) -> None:
    content_type = KEYS[version]["contenttype"]
    photo = featured_photo()
    item = association(ninjs(arabic_article(), version), "featureimage")
    assert item["uri"] == photo["url"]
    assert item["type"] == "picture"
    assert item["by"] == "أحمد سمير / خبر"
    assert description(item, "caption") == "وزراء الخارجية العرب في القاهرة"
    assert description(item, "alt") == "وزراء حول طاولة اجتماع"
    assert item["renditions"] == [
        {
            "name": "original",
            "href": photo["url"],
            content_type: "image/jpeg",
            "width": 3000,
            "height": 2000,
        },
        {
            "name": "w640_webp",
            "href": f"{MEDIA}/a1/b2c3/w640.webp",
            content_type: "image/webp",
            "width": 640,
            "height": 427,
        },
        {
            "name": "w640_jpeg",
            "href": f"{MEDIA}/a1/b2c3/w640.jpg",
            content_type: "image/jpeg",
            "width": 640,
            "height": 427,
        },
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_media_urls_reach_the_partner_resolved_and_otherwise_unchanged(version: Version) -> None:
    item = association(served(ninjs(arabic_article(), version)), "gallery-0")
    assert item["uri"] == "https://api.example/media/d4/e5f6/original.jpg"
    assert rendition(item, "w640_jpeg")["href"] == "https://api.example/media/d4/e5f6/w640.jpg"
    assert item["by"] == "رويترز"


@pytest.mark.parametrize("version", VERSIONS)
def test_youtube_embed_is_a_video_with_its_player_thumbnail_id_and_start(
    version: Version,
) -> None:
    keys = KEYS[version]
    item = association(ninjs(arabic_article(), version), "video-1")
    assert item["type"] == "video"
    assert item["uri"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=93s"
    assert rendition(item, "embed") == {
        "name": "embed",
        "href": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=93",
        keys["contenttype"]: "text/html",
        "format": "youtube",
    }
    assert rendition(item, "thumbnail") == {
        "name": "thumbnail",
        "href": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
    }
    assert item[keys["altids"]] == [{"role": "youtube", "value": "dQw4w9WgXcQ"}]
    assert description(item, "start-seconds") == "93"
    assert description(item, "caption") == "كلمة الأمين العام"


@pytest.mark.parametrize("version", VERSIONS)
def test_embeds_that_are_no_video_keep_their_own_nature(version: Version) -> None:
    sound = media(
        20,
        "embed",
        url="https://soundcloud.com/artist/track",
        embed={
            "provider": "soundcloud",
            "external_id": "artist/track",
            "start_seconds": None,
            "embed_url": "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fartist%2Ftrack",
            "thumbnail_url": None,
        },
    ) | {"role": "inline", "position": 0}
    post = media(
        21,
        "embed",
        url="https://x.com/someone/status/123",
        embed={
            "provider": "x",
            "external_id": "123",
            "start_seconds": None,
            "embed_url": "https://platform.twitter.com/embed/Tweet.html?id=123&dnt=true",
            "thumbnail_url": None,
        },
    ) | {"role": "inline", "position": 1}
    document = ninjs(arabic_article() | {"media": [sound, post]}, version)
    audio, social = association(document, "inline-0"), association(document, "inline-1")
    assert (audio["type"], social["type"]) == ("audio", "composite")
    assert [r["name"] for r in audio["renditions"]] == ["embed"]
    assert "descriptions" not in audio  # no caption, no start time


@pytest.mark.parametrize("version", VERSIONS)
def test_featured_media_attached_again_as_featured_is_one_association(
    version: Version,
) -> None:
    again = featured_photo() | {"role": "featured", "position": 0, "caption": "تعليق المقال"}
    document = ninjs(arabic_article() | {"media": [again, gallery_photo()]}, version)
    assert [item["name"] for item in document["associations"]] == ["featureimage", "gallery-0"]
    assert description(association(document, "featureimage"), "caption") == "تعليق المقال"


@pytest.mark.parametrize("version", VERSIONS)
def test_items_given_the_same_position_are_both_kept_under_distinct_names(
    version: Version,
) -> None:
    first = gallery_photo()
    second = photo(10, "f7/a8b9") | {"role": "gallery", "position": 0}
    document = ninjs(english_article() | {"media": [first, second]}, version)
    assert [item["name"] for item in document["associations"]] == ["gallery-0", "gallery-0-2"]


@pytest.mark.parametrize("version", VERSIONS)
def test_media_with_unknown_sizes_and_types_omit_them(version: Version) -> None:
    clip = media(
        30, "video", url=f"{MEDIA}/c1/clip/original.mp4", duration_seconds=42.5, language="en"
    ) | {"role": "inline", "position": 0}
    svg = media(31, "image", mime_type="image/svg+xml", url=f"{MEDIA}/c2/chart/original.svg")
    article = english_article() | {"featured_media": svg, "media": [clip]}
    document = ninjs(article, version)
    assert association(document, "featureimage")["type"] == "graphic"
    video = association(document, "inline-0")
    assert video["type"] == "video"
    assert video["renditions"] == [
        {"name": "original", "href": f"{MEDIA}/c1/clip/original.mp4", "duration": 42.5}
    ]
    assert "by" not in video
    assert "descriptions" not in video


@pytest.mark.parametrize("version", VERSIONS)
def test_a_featured_video_is_featuremedia_not_featureimage(version: Version) -> None:
    article = english_article() | {"featured_media": youtube_embed()}
    document = ninjs(article, version)
    assert [item["name"] for item in document["associations"]] == ["featuremedia"]


# Withdrawn articles


@pytest.mark.parametrize("version", VERSIONS)
def test_tombstone_is_a_valid_canceled_item_with_nothing_of_the_story(version: Version) -> None:
    keys = KEYS[version]
    document = tombstone(
        version=version,
        uri=URI,
        article_version=4,
        versioncreated="2026-11-29T12:00:00Z",
        language="ar",
    )
    assert_valid(document, version)
    assert document[keys["pubstatus"]] == "canceled"
    assert document["uri"] == URI
    assert document["version"] == "4"
    assert document[keys["versioncreated"]] == "2026-11-29T12:00:00Z"
    assert (document["type"], document["language"]) == ("text", "ar")
    for content in ("headlines", "bodies", "descriptions", "subjects", "by", "associations"):
        assert content not in document


@pytest.mark.parametrize(("version", "other"), [(2, 3), (3, 2)])
def test_a_document_is_invalid_against_the_other_versions_schema(
    version: Version, other: Version
) -> None:
    # The spellings differ (versioncreated / versionCreated), and unknown properties are
    # refused: validation does tell the versions apart.
    document = ninjs(arabic_article(), version)
    assert not validator(other).is_valid(served(document))
