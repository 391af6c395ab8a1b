"""Turn a media link an editor pastes into an embed the site can show.

Accepted are links to a single item on YouTube, Vimeo, X (Twitter), Facebook, Instagram, TikTok
and SoundCloud, in the forms their sites and share buttons produce (``youtube.com/watch?v=…``,
``youtu.be/…``, ``x.com/user/status/…``, ``instagram.com/reel/…`` and so on). Anything else is
refused with an :class:`EmbedError` whose message tells the editor what went wrong: a scheme other
than http(s), a user name or password in the link, a port, a host that is not one of the
providers (look-alikes such as ``youtube.com.evil.net`` included), or a provider page that is not a
single item.

Nothing is fetched. The embed is worked out from the link alone, so saving an article never waits
on a third party, nor tells one what the newsroom is preparing. Links that only the provider can
resolve (TikTok and SoundCloud short links) are therefore refused with a request for the full
link. The player URLs are the privacy-friendly ones (``youtube-nocookie.com``, Vimeo's ``dnt=1``,
X's ``dnt=true``), and every URL in the result is rebuilt from the parts that were understood, so
tracking parameters (``si``, ``utm_*``, ``fbclid``…) never reach readers and nothing of the pasted
text is echoed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

__all__ = ["MAX_URL_LENGTH", "Embed", "EmbedError", "parse_duration", "parse_embed"]

MAX_URL_LENGTH = 2048

_PROVIDER_NAMES = "YouTube, Vimeo, X, Facebook, Instagram, TikTok and SoundCloud"
_DEFAULT_PORTS = {"http": 80, "https": 443}

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_NUMERIC_ID = re.compile(r"[0-9]{1,25}")
_CODE = re.compile(r"[A-Za-z0-9_-]+")  # Instagram shortcodes and fb.watch codes
_X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
_FACEBOOK_PAGE = re.compile(r"[A-Za-z0-9._-]+")
_FACEBOOK_POST_ID = re.compile(r"[A-Za-z0-9]+")  # numeric, or the newer "pfbid…" form
_TIKTOK_USER = re.compile(r"@[A-Za-z0-9._]+")
_SOUNDCLOUD_NAME = re.compile(r"[a-z0-9_-]+")

#: "33", "33s", "1m5s", "1h2m3s", "01:05", "1:02:03"; digits are bounded so no value overflows.
_DURATION_FORMS = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?P<s>[0-9]{1,9})",
        r"(?=[0-9])(?:(?P<h>[0-9]{1,5})h)?(?:(?P<m>[0-9]{1,7})m)?(?:(?P<s>[0-9]{1,9})s)?",
        r"(?P<m>[0-9]{1,7}):(?P<s>[0-5][0-9])",
        r"(?P<h>[0-9]{1,5}):(?P<m>[0-5][0-9]):(?P<s>[0-5][0-9])",
    )
)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}

#: Instagram path word → (path word of the canonical link, kind of item).
_INSTAGRAM_PATHS = {
    "p": ("p", "post"),
    "tv": ("p", "video"),
    "reel": ("reel", "video"),
    "reels": ("reel", "video"),
}
#: SoundCloud pages under an artist that list items rather than being one.
_SOUNDCLOUD_LISTS = frozenset(
    {"albums", "comments", "followers", "following", "likes", "popular-tracks", "reposts",
     "sets", "spotlight", "tracks"}
)  # fmt: skip
#: SoundCloud's own pages, which are not artists.
_SOUNDCLOUD_PAGES = frozenset(
    {"charts", "discover", "messages", "notifications", "pages", "people", "search",
     "settings", "stream", "upload", "you"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Embed:
    """A third-party item ready to be shown in an ``<iframe>`` and linked to."""

    provider: str
    external_id: str
    start_seconds: int | None
    embed_url: str
    thumbnail_url: str | None
    source_url: str
    kind: str

    def as_json(self) -> dict[str, object]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


class EmbedError(ValueError):
    """The URL is not one we can embed; ``str(error)`` says why, in a sentence for the editor."""


def parse_duration(value: str) -> int | None:
    """Seconds in ``"33"``, ``"33s"``, ``"1m5s"``, ``"1h2m3s"``, ``"01:05"`` or ``"1:02:03"``.

    Anything else (empty, negative, fractional, other units) gives ``None``.
    """
    text = value.strip().lower()
    for form in _DURATION_FORMS:
        match = form.fullmatch(text)
        if match:
            return sum(
                int(amount) * _UNIT_SECONDS[unit]
                for unit, amount in match.groupdict().items()
                if amount is not None
            )
    return None


def parse_embed(url: str) -> Embed:
    """The embed for a pasted link, or :class:`EmbedError` saying why there is none."""
    link = _split(url)
    provider = _HOSTS.get(link.host)
    if provider is None:
        raise EmbedError(f"Only {_PROVIDER_NAMES} links can be embedded; got host {link.host}.")
    embed = provider.parse(link)
    if embed is None:
        raise EmbedError(
            f"This {provider.name} link is not one we can embed; "
            f"paste a link of the form {provider.forms}."
        )
    return embed


@dataclass(frozen=True, slots=True)
class _Link:
    """The parts of a pasted link a provider's parser reads."""

    host: str
    segments: tuple[str, ...]
    query: Mapping[str, str]
    fragment: Mapping[str, str]


def _split(url: str) -> _Link:
    text = url.strip()
    if not text:
        raise EmbedError("Paste a link to embed.")
    if len(text) > MAX_URL_LENGTH:
        raise EmbedError(f"This link is longer than {MAX_URL_LENGTH:,} characters.")
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            raise EmbedError(
                f"Only http and https links can be embedded; this one starts with {scheme}:."
                if scheme
                else "Paste the full link, starting with https://."
            )
        if "@" in parts.netloc:
            raise EmbedError("Links with a user name or password in them cannot be embedded.")
        port = parts.port
    except EmbedError:
        raise
    except ValueError as error:
        raise EmbedError("This is not a valid link.") from error
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        raise EmbedError(f"Links with a port number (:{port}) cannot be embedded.")
    host = (parts.hostname or "").removesuffix(".")
    if not host:
        raise EmbedError("This link has no host.")
    return _Link(
        host=host,
        segments=tuple(segment for segment in parts.path.split("/") if segment),
        query=_first_values(parts.query),
        fragment=_first_values(parts.fragment),
    )


def _first_values(params: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(params).items()}


def _start_seconds(link: _Link, *query_names: str) -> int | None:
    """The start time in the first of ``query_names`` present, else in ``#t=``; 0 means none."""
    for params, name in [*((link.query, name) for name in query_names), (link.fragment, "t")]:
        if name in params:
            return parse_duration(params[name]) or None
    return None


def _short_link_error(provider: str, full_link: str) -> EmbedError:
    return EmbedError(
        f"{provider} short links cannot be embedded without opening them; open the link and "
        f"paste the full {full_link} instead."
    )


# YouTube


def _youtube_embed(video_id: str, link: _Link) -> Embed:
    if not _YOUTUBE_ID.fullmatch(video_id):
        raise EmbedError(
            "This YouTube link has no valid video id (11 letters, digits, '-' or '_')."
        )
    start = _start_seconds(link, "t", "start", "time_continue")
    embed_at, source_at = (f"?start={start}", f"&t={start}s") if start else ("", "")
    return Embed(
        provider="youtube",
        external_id=video_id,
        start_seconds=start,
        embed_url=f"https://www.youtube-nocookie.com/embed/{video_id}{embed_at}",
        thumbnail_url=f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
        source_url=f"https://www.youtube.com/watch?v={video_id}{source_at}",
        kind="video",
    )


def _youtube(link: _Link) -> Embed | None:
    match link.segments:
        case ["watch"]:
            return _youtube_embed(link.query.get("v", ""), link)
        case ["embed", "videoseries"]:  # a playlist player, not a video
            return None
        case ["shorts" | "embed" | "live" | "v", video_id]:
            return _youtube_embed(video_id, link)
    return None


def _youtu_be(link: _Link) -> Embed | None:
    match link.segments:
        case [video_id]:
            return _youtube_embed(video_id, link)
    return None


# Vimeo


def _vimeo_embed(video_id: str, link: _Link) -> Embed | None:
    if not _NUMERIC_ID.fullmatch(video_id):
        return None
    start = _start_seconds(link)
    at = f"#t={start}s" if start else ""
    return Embed(
        provider="vimeo",
        external_id=video_id,
        start_seconds=start,
        embed_url=f"https://player.vimeo.com/video/{video_id}?dnt=1{at}",
        thumbnail_url=None,
        source_url=f"https://vimeo.com/{video_id}{at}",
        kind="video",
    )


def _vimeo(link: _Link) -> Embed | None:
    match link.segments:
        case [video_id] | ["channels", _, video_id] | ["groups", _, "videos", video_id]:
            return _vimeo_embed(video_id, link)
    return None


def _vimeo_player(link: _Link) -> Embed | None:
    match link.segments:
        case ["video", video_id]:
            return _vimeo_embed(video_id, link)
    return None


# X (Twitter)


def _x(link: _Link) -> Embed | None:
    match link.segments:
        case [user, "status", status_id, *_] if _X_USER.fullmatch(user) and _NUMERIC_ID.fullmatch(
            status_id
        ):
            return Embed(
                provider="x",
                external_id=status_id,
                start_seconds=None,
                embed_url=f"https://platform.twitter.com/embed/Tweet.html?id={status_id}&dnt=true",
                thumbnail_url=None,
                source_url=f"https://x.com/{user}/status/{status_id}",
                kind="post",
            )
    return None


# Facebook


def _facebook_embed(item_id: str, source_url: str, kind: str) -> Embed:
    plugin = "video" if kind == "video" else "post"
    href = quote(source_url, safe="")
    return Embed(
        provider="facebook",
        external_id=item_id,
        start_seconds=None,
        embed_url=f"https://www.facebook.com/plugins/{plugin}.php?href={href}",
        thumbnail_url=None,
        source_url=source_url,
        kind=kind,
    )


def _facebook(link: _Link) -> Embed | None:
    site = "https://www.facebook.com"
    watch_id = link.query.get("v", "")
    story_id, page_id = link.query.get("story_fbid", ""), link.query.get("id", "")
    match link.segments:
        case [page, "posts", post_id] if _FACEBOOK_PAGE.fullmatch(
            page
        ) and _FACEBOOK_POST_ID.fullmatch(post_id):
            return _facebook_embed(post_id, f"{site}/{page}/posts/{post_id}", "post")
        case [page, "videos", video_id] if _FACEBOOK_PAGE.fullmatch(page) and _NUMERIC_ID.fullmatch(
            video_id
        ):
            return _facebook_embed(video_id, f"{site}/{page}/videos/{video_id}", "video")
        case ["watch"] if _NUMERIC_ID.fullmatch(watch_id):
            return _facebook_embed(watch_id, f"{site}/watch/?v={watch_id}", "video")
        case ["reel", reel_id] if _NUMERIC_ID.fullmatch(reel_id):
            return _facebook_embed(reel_id, f"{site}/reel/{reel_id}", "video")
        case ["permalink.php"] if _FACEBOOK_POST_ID.fullmatch(story_id) and _NUMERIC_ID.fullmatch(
            page_id
        ):
            source = f"{site}/permalink.php?story_fbid={story_id}&id={page_id}"
            return _facebook_embed(story_id, source, "post")
    return None


def _fb_watch(link: _Link) -> Embed | None:
    match link.segments:
        case [code] if _CODE.fullmatch(code):
            return _facebook_embed(code, f"https://fb.watch/{code}/", "video")
    return None


# Instagram


def _instagram(link: _Link) -> Embed | None:
    match link.segments:
        case [_, word, code] | [word, code] if word in _INSTAGRAM_PATHS and _CODE.fullmatch(code):
            path, kind = _INSTAGRAM_PATHS[word]
            return Embed(
                provider="instagram",
                external_id=code,
                start_seconds=None,
                embed_url=f"https://www.instagram.com/{path}/{code}/embed/",
                thumbnail_url=None,
                source_url=f"https://www.instagram.com/{path}/{code}/",
                kind=kind,
            )
    return None


# TikTok

_TIKTOK_FULL_LINK = "video link (tiktok.com/@user/video/…)"


def _tiktok_embed(video_id: str, source_url: str) -> Embed:
    return Embed(
        provider="tiktok",
        external_id=video_id,
        start_seconds=None,
        embed_url=f"https://www.tiktok.com/embed/v2/{video_id}",
        thumbnail_url=None,
        source_url=source_url,
        kind="video",
    )


def _tiktok(link: _Link) -> Embed | None:
    match link.segments:
        case [user, "video", video_id] if _TIKTOK_USER.fullmatch(user) and _NUMERIC_ID.fullmatch(
            video_id
        ):
            return _tiktok_embed(video_id, f"https://www.tiktok.com/{user}/video/{video_id}")
        case ["embed", "v2", video_id] if _NUMERIC_ID.fullmatch(video_id):
            return _tiktok_embed(video_id, f"https://www.tiktok.com/embed/v2/{video_id}")
        case ["t", *_]:
            raise _short_link_error("TikTok", _TIKTOK_FULL_LINK)
    return None


def _tiktok_short(link: _Link) -> Embed | None:
    raise _short_link_error("TikTok", _TIKTOK_FULL_LINK)


# SoundCloud

_SOUNDCLOUD_FULL_LINK = "track link (soundcloud.com/artist/track)"


def _soundcloud(link: _Link) -> Embed | None:
    segments = tuple(segment.lower() for segment in link.segments)
    match segments:
        case [artist, "sets", _] | [artist, _] if (
            artist not in _SOUNDCLOUD_PAGES
            and segments[-1] not in _SOUNDCLOUD_LISTS
            and all(_SOUNDCLOUD_NAME.fullmatch(segment) for segment in segments)
        ):
            path = "/".join(segments)
            source = f"https://soundcloud.com/{path}"
            return Embed(
                provider="soundcloud",
                external_id=path,
                start_seconds=_start_seconds(link),
                embed_url=f"https://w.soundcloud.com/player/?url={quote(source, safe='')}",
                thumbnail_url=None,
                source_url=source,
                kind="audio",
            )
    return None


def _soundcloud_short(link: _Link) -> Embed | None:
    raise _short_link_error("SoundCloud", _SOUNDCLOUD_FULL_LINK)


@dataclass(frozen=True, slots=True)
class _Provider:
    name: str
    forms: str  # the accepted link forms, as told to the editor
    parse: Callable[[_Link], Embed | None]  # None: a page of the provider that is not an item


_YOUTUBE_FORMS = (
    "youtube.com/watch?v=…, youtu.be/…, youtube.com/shorts/…, youtube.com/embed/…, "
    "youtube.com/live/… or youtube.com/v/…"
)
_VIMEO_FORMS = (
    "vimeo.com/123456, vimeo.com/channels/…/123456, vimeo.com/groups/…/videos/123456 "
    "or player.vimeo.com/video/123456"
)
_FACEBOOK_FORMS = (
    "facebook.com/page/posts/…, facebook.com/page/videos/…, facebook.com/watch/?v=…, "
    "facebook.com/reel/…, facebook.com/permalink.php?story_fbid=…&id=… or fb.watch/…"
)
_YOUTUBE = _Provider("YouTube", _YOUTUBE_FORMS, _youtube)
_VIMEO = _Provider("Vimeo", _VIMEO_FORMS, _vimeo)
_X = _Provider("X", "x.com/user/status/… or twitter.com/user/status/…", _x)
_FACEBOOK = _Provider("Facebook", _FACEBOOK_FORMS, _facebook)
_INSTAGRAM = _Provider(
    "Instagram", "instagram.com/p/…, instagram.com/reel/… or instagram.com/tv/…", _instagram
)
_TIKTOK = _Provider("TikTok", "tiktok.com/@user/video/… or tiktok.com/embed/v2/…", _tiktok)
_SOUNDCLOUD = _Provider(
    "SoundCloud", "soundcloud.com/artist/track or soundcloud.com/artist/sets/playlist", _soundcloud
)

#: Every host we embed from, exactly (lower-case, no trailing dot); any other host is refused.
_HOSTS: dict[str, _Provider] = {
    **dict.fromkeys(
        ["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
         "youtube-nocookie.com", "www.youtube-nocookie.com"],
        _YOUTUBE,
    ),
    "youtu.be": _Provider(_YOUTUBE.name, _YOUTUBE.forms, _youtu_be),
    **dict.fromkeys(["vimeo.com", "www.vimeo.com"], _VIMEO),
    "player.vimeo.com": _Provider(_VIMEO.name, _VIMEO.forms, _vimeo_player),
    **dict.fromkeys(
        ["x.com", "www.x.com", "mobile.x.com",
         "twitter.com", "www.twitter.com", "mobile.twitter.com"],
        _X,
    ),
    **dict.fromkeys(
        ["facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com"], _FACEBOOK
    ),
    "fb.watch": _Provider(_FACEBOOK.name, _FACEBOOK.forms, _fb_watch),
    **dict.fromkeys(["instagram.com", "www.instagram.com"], _INSTAGRAM),
    **dict.fromkeys(["tiktok.com", "www.tiktok.com", "m.tiktok.com"], _TIKTOK),
    **dict.fromkeys(
        ["vm.tiktok.com", "vt.tiktok.com"],
        _Provider(_TIKTOK.name, _TIKTOK.forms, _tiktok_short),
    ),
    **dict.fromkeys(["soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"], _SOUNDCLOUD),
    "on.soundcloud.com": _Provider(_SOUNDCLOUD.name, _SOUNDCLOUD.forms, _soundcloud_short),
}  # fmt: skip


#: What each provider's links usually are, for embeds stored before ``kind`` was.
_PROVIDER_KINDS = {"youtube": "video", "vimeo": "video", "tiktok": "video", "soundcloud": "audio"}


def embed_kind(embed: dict[str, Any]) -> str:
    """A stored embed's kind: ``video``, ``audio`` or ``post``."""
    return str(embed.get("kind") or _PROVIDER_KINDS.get(embed.get("provider", ""), "post"))
