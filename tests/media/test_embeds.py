"""Pasted media links become embeds from the link alone, and anything else is refused clearly."""

from __future__ import annotations

import dataclasses

import pytest

from app.media.embeds import MAX_URL_LENGTH, Embed, EmbedError, parse_duration, parse_embed

YT = "8IqWBHMtgyI"
YT_EMBED = f"https://www.youtube-nocookie.com/embed/{YT}"
YT_THUMBNAIL = f"https://i.ytimg.com/vi/{YT}/hqdefault.jpg"
YT_SOURCE = f"https://www.youtube.com/watch?v={YT}"
FB = "https://www.facebook.com"
FB_POST_PLUGIN = "https://www.facebook.com/plugins/post.php?href="
FB_VIDEO_PLUGIN = "https://www.facebook.com/plugins/video.php?href="
FB_ENCODED = "https%3A%2F%2Fwww.facebook.com%2F"


def youtube(start: int | None = None) -> Embed:
    """The embed of the test video, written out in full."""
    return Embed(
        provider="youtube",
        external_id=YT,
        start_seconds=start,
        embed_url=YT_EMBED if start is None else f"{YT_EMBED}?start={start}",
        thumbnail_url=YT_THUMBNAIL,
        source_url=YT_SOURCE if start is None else f"{YT_SOURCE}&t={start}s",
        kind="video",
    )


def refusal(url: str) -> str:
    with pytest.raises(EmbedError) as caught:
        parse_embed(url)
    return str(caught.value)


# YouTube


def test_youtube_time_continue_becomes_start_seconds() -> None:
    embed = parse_embed("https://www.youtube.com/watch?time_continue=33&v=8IqWBHMtgyI")
    assert embed == Embed(
        provider="youtube",
        external_id="8IqWBHMtgyI",
        start_seconds=33,
        embed_url="https://www.youtube-nocookie.com/embed/8IqWBHMtgyI?start=33",
        thumbnail_url="https://i.ytimg.com/vi/8IqWBHMtgyI/hqdefault.jpg",
        source_url="https://www.youtube.com/watch?v=8IqWBHMtgyI&t=33s",
        kind="video",
    )


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT}",
        f"https://youtube.com/watch?v={YT}",
        f"https://m.youtube.com/watch?v={YT}",
        f"https://music.youtube.com/watch?v={YT}",
        f"http://www.youtube.com/watch?v={YT}",
        f"https://www.youtube.com/watch/?v={YT}",
        f"https://www.youtube.com/watch?v={YT}&list=PL123&index=2",
        f"https://youtu.be/{YT}",
        f"https://youtu.be/{YT}/",
        f"https://www.youtube.com/shorts/{YT}",
        f"https://www.youtube.com/embed/{YT}",
        f"https://www.youtube-nocookie.com/embed/{YT}",
        f"https://youtube-nocookie.com/embed/{YT}",
        f"https://www.youtube.com/live/{YT}",
        f"https://www.youtube.com/v/{YT}",
    ],
)
def test_every_youtube_link_form_gives_the_same_video(url: str) -> None:
    assert parse_embed(url) == youtube()


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (f"https://www.youtube.com/watch?v={YT}&t=33", 33),
        (f"https://www.youtube.com/watch?v={YT}&t=33s", 33),
        (f"https://www.youtube.com/watch?v={YT}&t=1m5s", 65),
        (f"https://www.youtube.com/watch?v={YT}&t=1h2m3s", 3723),
        (f"https://www.youtube.com/watch?v={YT}&start=90", 90),
        (f"https://www.youtube.com/watch?v={YT}&time_continue=33", 33),
        (f"https://www.youtube.com/embed/{YT}?start=90", 90),
        (f"https://youtu.be/{YT}?t=33", 33),
        (f"https://youtu.be/{YT}#t=1h2m3s", 3723),
        (f"https://www.youtube.com/watch?v={YT}#t=1m5s", 65),
        (f"https://www.youtube.com/shorts/{YT}?t=20", 20),
    ],
)
def test_youtube_start_time_formats_become_start_seconds(url: str, start: int) -> None:
    assert parse_embed(url) == youtube(start)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT}&t=0",
        f"https://www.youtube.com/watch?v={YT}&t=0s",
        f"https://www.youtube.com/watch?v={YT}&t=later",
        f"https://www.youtube.com/watch?v={YT}&t=-5",
        f"https://www.youtube.com/watch?v={YT}&t=1.5",
        f"https://www.youtube.com/watch?v={YT}&t=",
        f"https://youtu.be/{YT}#t=0",
        f"https://youtu.be/{YT}#comments",
    ],
)
def test_youtube_zero_or_unparseable_start_is_no_start(url: str) -> None:
    assert parse_embed(url) == youtube()


@pytest.mark.parametrize(
    ("url", "start"),
    [
        (f"https://www.youtube.com/watch?v={YT}&time_continue=3&start=2&t=1", 1),
        (f"https://www.youtube.com/watch?v={YT}&time_continue=3&start=2", 2),
        (f"https://youtu.be/{YT}?t=1#t=9", 1),
        (f"https://youtu.be/{YT}?time_continue=3#t=9", 3),
    ],
)
def test_youtube_start_prefers_t_then_start_then_time_continue_then_fragment(
    url: str, start: int
) -> None:
    assert parse_embed(url).start_seconds == start


def test_youtube_start_uses_the_first_present_parameter_even_when_it_is_unparseable() -> None:
    assert (
        parse_embed(f"https://www.youtube.com/watch?v={YT}&t=soon&start=90").start_seconds is None
    )


def test_youtube_tracking_parameters_never_reach_the_source_url() -> None:
    url = f"https://youtu.be/{YT}?si=AbCdEf&feature=shared&utm_source=x&fbclid=IwAR0&t=33"
    assert parse_embed(url) == youtube(33)


# Vimeo


def vimeo(start: int | None = None) -> Embed:
    at = "" if start is None else f"#t={start}s"
    return Embed(
        provider="vimeo",
        external_id="76979871",
        start_seconds=start,
        embed_url=f"https://player.vimeo.com/video/76979871?dnt=1{at}",
        thumbnail_url=None,
        source_url=f"https://vimeo.com/76979871{at}",
        kind="video",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/76979871",
        "https://www.vimeo.com/76979871/",
        "https://vimeo.com/channels/staffpicks/76979871",
        "https://vimeo.com/groups/shortfilms/videos/76979871",
        "https://player.vimeo.com/video/76979871",
        "https://player.vimeo.com/video/76979871?h=abc123&badge=0",
    ],
)
def test_every_vimeo_link_form_gives_the_same_video(url: str) -> None:
    assert parse_embed(url) == vimeo()


@pytest.mark.parametrize(
    ("url", "start"),
    [
        ("https://vimeo.com/76979871#t=65", 65),
        ("https://vimeo.com/76979871#t=65s", 65),
        ("https://vimeo.com/76979871#t=1m5s", 65),
        ("https://player.vimeo.com/video/76979871#t=1h2m3s", 3723),
        ("https://vimeo.com/channels/staffpicks/76979871#t=1m5s", 65),
    ],
)
def test_vimeo_fragment_start_becomes_start_seconds(url: str, start: int) -> None:
    assert parse_embed(url) == vimeo(start)


def test_vimeo_zero_start_is_no_start() -> None:
    assert parse_embed("https://vimeo.com/76979871#t=0") == vimeo()


# X (Twitter)

X_EMBED = "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000001&dnt=true"


@pytest.mark.parametrize(
    ("url", "source_url"),
    [
        (
            "https://x.com/AJArabic/status/1790000000000000001",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://twitter.com/AJArabic/status/1790000000000000001?s=20&t=abc",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://www.twitter.com/AJArabic/status/1790000000000000001",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://mobile.twitter.com/AJArabic/status/1790000000000000001",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://www.x.com/AJArabic/status/1790000000000000001/",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://mobile.x.com/AJArabic/status/1790000000000000001",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://x.com/AJArabic/status/1790000000000000001/photo/1",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://x.com/AJArabic/status/1790000000000000001/video/1",
            "https://x.com/AJArabic/status/1790000000000000001",
        ),
        (
            "https://x.com/i/status/1790000000000000001",
            "https://x.com/i/status/1790000000000000001",
        ),
    ],
)
def test_x_and_twitter_status_links_become_posts(url: str, source_url: str) -> None:
    assert parse_embed(url) == Embed(
        provider="x",
        external_id="1790000000000000001",
        start_seconds=None,
        embed_url=X_EMBED,
        thumbnail_url=None,
        source_url=source_url,
        kind="post",
    )


# Facebook


@pytest.mark.parametrize(
    ("url", "external_id", "embed_url", "source_url", "kind"),
    [
        (
            "https://www.facebook.com/aljazeera/posts/10161234567890123",
            "10161234567890123",
            f"{FB_POST_PLUGIN}{FB_ENCODED}aljazeera%2Fposts%2F10161234567890123",
            f"{FB}/aljazeera/posts/10161234567890123",
            "post",
        ),
        (
            "https://m.facebook.com/aljazeera/posts/pfbid02AbCdEf?fbclid=IwAR0",
            "pfbid02AbCdEf",
            f"{FB_POST_PLUGIN}{FB_ENCODED}aljazeera%2Fposts%2Fpfbid02AbCdEf",
            f"{FB}/aljazeera/posts/pfbid02AbCdEf",
            "post",
        ),
        (
            "https://web.facebook.com/aljazeera/videos/987654321012345/",
            "987654321012345",
            f"{FB_VIDEO_PLUGIN}{FB_ENCODED}aljazeera%2Fvideos%2F987654321012345",
            f"{FB}/aljazeera/videos/987654321012345",
            "video",
        ),
        (
            "https://www.facebook.com/watch/?v=987654321012345&ref=sharing",
            "987654321012345",
            f"{FB_VIDEO_PLUGIN}{FB_ENCODED}watch%2F%3Fv%3D987654321012345",
            f"{FB}/watch/?v=987654321012345",
            "video",
        ),
        (
            "https://facebook.com/watch?v=987654321012345",
            "987654321012345",
            f"{FB_VIDEO_PLUGIN}{FB_ENCODED}watch%2F%3Fv%3D987654321012345",
            f"{FB}/watch/?v=987654321012345",
            "video",
        ),
        (
            "https://www.facebook.com/reel/1234567890123456",
            "1234567890123456",
            f"{FB_VIDEO_PLUGIN}{FB_ENCODED}reel%2F1234567890123456",
            f"{FB}/reel/1234567890123456",
            "video",
        ),
        (
            "https://www.facebook.com/permalink.php?id=100064&story_fbid=pfbid0xYz&mibextid=1",
            "pfbid0xYz",
            f"{FB_POST_PLUGIN}{FB_ENCODED}permalink.php%3Fstory_fbid%3Dpfbid0xYz%26id%3D100064",
            f"{FB}/permalink.php?story_fbid=pfbid0xYz&id=100064",
            "post",
        ),
        (
            "https://fb.watch/aBc-12_Z/",
            "aBc-12_Z",
            f"{FB_VIDEO_PLUGIN}https%3A%2F%2Ffb.watch%2FaBc-12_Z%2F",
            "https://fb.watch/aBc-12_Z/",
            "video",
        ),
    ],
)
def test_facebook_links_embed_through_the_official_plugin(
    url: str, external_id: str, embed_url: str, source_url: str, kind: str
) -> None:
    assert parse_embed(url) == Embed(
        provider="facebook",
        external_id=external_id,
        start_seconds=None,
        embed_url=embed_url,
        thumbnail_url=None,
        source_url=source_url,
        kind=kind,
    )


# Instagram


@pytest.mark.parametrize(
    ("url", "path", "kind"),
    [
        ("https://www.instagram.com/p/C1a_b-2/", "p", "post"),
        ("https://instagram.com/p/C1a_b-2?igshid=MzRlODBiNWFlZA==", "p", "post"),
        ("https://www.instagram.com/natgeo/p/C1a_b-2/", "p", "post"),
        ("https://www.instagram.com/reel/C1a_b-2/?utm_source=ig_web_copy_link", "reel", "video"),
        ("https://www.instagram.com/reels/C1a_b-2/", "reel", "video"),
        ("https://www.instagram.com/natgeo/reel/C1a_b-2/", "reel", "video"),
        ("https://www.instagram.com/tv/C1a_b-2/", "p", "video"),
    ],
)
def test_instagram_posts_reels_and_tv_links_embed(url: str, path: str, kind: str) -> None:
    assert parse_embed(url) == Embed(
        provider="instagram",
        external_id="C1a_b-2",
        start_seconds=None,
        embed_url=f"https://www.instagram.com/{path}/C1a_b-2/embed/",
        thumbnail_url=None,
        source_url=f"https://www.instagram.com/{path}/C1a_b-2/",
        kind=kind,
    )


# TikTok


@pytest.mark.parametrize(
    ("url", "source_url"),
    [
        (
            "https://www.tiktok.com/@aljazeera/video/7312345678901234567?is_from_webapp=1",
            "https://www.tiktok.com/@aljazeera/video/7312345678901234567",
        ),
        (
            "https://tiktok.com/@al.jazeera_ar/video/7312345678901234567/",
            "https://www.tiktok.com/@al.jazeera_ar/video/7312345678901234567",
        ),
        (
            "https://m.tiktok.com/@aljazeera/video/7312345678901234567",
            "https://www.tiktok.com/@aljazeera/video/7312345678901234567",
        ),
        (
            "https://www.tiktok.com/embed/v2/7312345678901234567",
            "https://www.tiktok.com/embed/v2/7312345678901234567",
        ),
    ],
)
def test_tiktok_video_links_embed(url: str, source_url: str) -> None:
    assert parse_embed(url) == Embed(
        provider="tiktok",
        external_id="7312345678901234567",
        start_seconds=None,
        embed_url="https://www.tiktok.com/embed/v2/7312345678901234567",
        thumbnail_url=None,
        source_url=source_url,
        kind="video",
    )


# SoundCloud


@pytest.mark.parametrize(
    ("url", "path", "start"),
    [
        ("https://soundcloud.com/forss/flickermood", "forss/flickermood", None),
        ("https://www.soundcloud.com/forss/flickermood/", "forss/flickermood", None),
        (
            "https://m.soundcloud.com/Forss/FlickerMood?si=abc&utm_medium=text",
            "forss/flickermood",
            None,
        ),
        ("https://soundcloud.com/forss/flickermood#t=1:05", "forss/flickermood", 65),
        ("https://soundcloud.com/forss/flickermood#t=65", "forss/flickermood", 65),
        ("https://soundcloud.com/forss/flickermood#t=0:00", "forss/flickermood", None),
        ("https://soundcloud.com/forss/sets/soulhack", "forss/sets/soulhack", None),
    ],
)
def test_soundcloud_tracks_and_sets_embed_as_audio(url: str, path: str, start: int | None) -> None:
    assert parse_embed(url) == Embed(
        provider="soundcloud",
        external_id=path,
        start_seconds=start,
        embed_url="https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2F"
        + path.replace("/", "%2F"),
        thumbnail_url=None,
        source_url=f"https://soundcloud.com/{path}",
        kind="audio",
    )


# Hosts and the link as a whole


@pytest.mark.parametrize(
    "url",
    [
        f"https://WWW.YouTube.COM/watch?v={YT}",
        f"https://www.youtube.com./watch?v={YT}",
        f"HTTPS://YOUTU.BE./{YT}",
        f"  https://youtu.be/{YT}\n",
        f"https://www.youtube.com:443/watch?v={YT}",
        f"http://www.youtube.com:80/watch?v={YT}",
    ],
)
def test_hosts_are_case_insensitive_may_end_with_a_dot_and_whitespace_is_stripped(
    url: str,
) -> None:
    assert parse_embed(url) == youtube()


def test_case_and_trailing_dot_are_accepted_for_every_provider() -> None:
    assert (
        parse_embed("https://X.COM./AJArabic/status/1").source_url
        == "https://x.com/AJArabic/status/1"
    )
    assert parse_embed("https://Player.Vimeo.Com./video/76979871") == vimeo()


def test_a_link_of_exactly_the_maximum_length_is_accepted() -> None:
    url = f"https://youtu.be/{YT}?utm_campaign="
    url += "a" * (MAX_URL_LENGTH - len(url))
    assert len(url) == MAX_URL_LENGTH
    assert parse_embed(url) == youtube()


def test_as_json_gives_every_field_as_a_plain_dict() -> None:
    assert parse_embed(f"https://youtu.be/{YT}?t=33").as_json() == {
        "provider": "youtube",
        "external_id": YT,
        "start_seconds": 33,
        "embed_url": f"{YT_EMBED}?start=33",
        "thumbnail_url": YT_THUMBNAIL,
        "source_url": f"{YT_SOURCE}&t=33s",
        "kind": "video",
    }


def test_an_embed_cannot_be_changed_once_parsed() -> None:
    embed = parse_embed(f"https://youtu.be/{YT}")
    with pytest.raises(dataclasses.FrozenInstanceError):
        embed.embed_url = "https://evil.example/"  # type: ignore[misc]


# Refusals


def test_a_host_of_no_provider_is_refused_naming_the_providers_and_the_host() -> None:
    assert refusal("https://example.com/watch?v=8IqWBHMtgyI") == (
        "Only YouTube, Vimeo, X, Facebook, Instagram, TikTok and SoundCloud links can be "
        "embedded; got host example.com."
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        (f"https://evilyoutube.com/watch?v={YT}", "evilyoutube.com"),
        (f"https://youtube.com.evil.net/watch?v={YT}", "youtube.com.evil.net"),
        (f"https://notyoutu.be/{YT}", "notyoutu.be"),
        (f"https://youtu.be.evil.net/{YT}", "youtu.be.evil.net"),
        ("https://x.com.evil.net/AJArabic/status/1", "x.com.evil.net"),
        ("https://fakex.com/AJArabic/status/1", "fakex.com"),
        ("https://myvimeo.com/76979871", "myvimeo.com"),
        ("https://facebook.com.evil.net/reel/1", "facebook.com.evil.net"),
        ("https://evilinstagram.com/p/C1a/", "evilinstagram.com"),
        ("https://tiktok.com.evil.net/@a/video/1", "tiktok.com.evil.net"),
        ("https://soundcloud.com.evil.net/forss/flickermood", "soundcloud.com.evil.net"),
        (f"https://www.youtube.com../watch?v={YT}", "www.youtube.com."),
        (f"https://gaming.youtube.com/watch?v={YT}", "gaming.youtube.com"),
        (f"https://127.0.0.1/watch?v={YT}", "127.0.0.1"),
    ],
)
def test_lookalike_and_unlisted_hosts_are_refused(url: str, host: str) -> None:
    assert refusal(url).endswith(f"; got host {host}.")


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(document.cookie)", "javascript"),
        ("JavaScript://www.youtube.com/%0Aalert(1)", "javascript"),
        (f"ftp://www.youtube.com/watch?v={YT}", "ftp"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("file:///etc/passwd", "file"),
    ],
)
def test_schemes_other_than_http_and_https_are_refused(url: str, scheme: str) -> None:
    assert refusal(url) == (
        f"Only http and https links can be embedded; this one starts with {scheme}:."
    )


@pytest.mark.parametrize(
    "url",
    [f"www.youtube.com/watch?v={YT}", f"//www.youtube.com/watch?v={YT}"],
)
def test_a_link_without_a_scheme_is_refused_asking_for_the_full_link(url: str) -> None:
    assert refusal(url) == "Paste the full link, starting with https://."


@pytest.mark.parametrize(
    "url",
    [
        f"https://user:pass@www.youtube.com/watch?v={YT}",
        f"https://user@www.youtube.com/watch?v={YT}",
        f"https://@www.youtube.com/watch?v={YT}",
        f"https://www.youtube.com@evil.net/watch?v={YT}",
    ],
)
def test_links_with_user_info_are_refused(url: str) -> None:
    assert refusal(url) == "Links with a user name or password in them cannot be embedded."


@pytest.mark.parametrize(
    ("url", "port"),
    [
        (f"https://www.youtube.com:8080/watch?v={YT}", 8080),
        (f"https://www.youtube.com:80/watch?v={YT}", 80),
        (f"http://www.youtube.com:443/watch?v={YT}", 443),
        ("https://x.com:8443/AJArabic/status/1", 8443),
    ],
)
def test_links_with_a_non_default_port_are_refused(url: str, port: int) -> None:
    assert refusal(url) == f"Links with a port number (:{port}) cannot be embedded."


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com:99999/watch?v={YT}",
        f"https://www.youtube.com:https/watch?v={YT}",
        "https://[::1/watch",
    ],
)
def test_malformed_links_are_refused(url: str) -> None:
    assert refusal(url) == "This is not a valid link."


@pytest.mark.parametrize("url", ["", "   ", "\n"])
def test_an_empty_link_is_refused(url: str) -> None:
    assert refusal(url) == "Paste a link to embed."


def test_a_link_without_a_host_is_refused() -> None:
    assert refusal("https:///watch?v=8IqWBHMtgyI") == "This link has no host."


def test_a_link_longer_than_the_maximum_is_refused() -> None:
    url = f"https://youtu.be/{YT}?utm_campaign="
    url += "a" * (MAX_URL_LENGTH + 1 - len(url))
    assert refusal(url) == "This link is longer than 2,048 characters."


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=8IqWBHMtgy",
        "https://www.youtube.com/watch?v=8IqWBHMtgyI1",
        "https://www.youtube.com/watch?v=8IqWBHMtg%21I",
        "https://www.youtube.com/watch?v=8IqWBHMtg I",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?list=PL123",
        "https://youtu.be/short",
        "https://youtu.be/8IqWBHMtgy%C3%A9",
        "https://www.youtube.com/shorts/abc",
    ],
)
def test_youtube_links_without_a_valid_eleven_character_id_are_refused(url: str) -> None:
    assert refusal(url) == (
        "This YouTube link has no valid video id (11 letters, digits, '-' or '_')."
    )


@pytest.mark.parametrize(
    ("url", "provider", "form"),
    [
        ("https://www.youtube.com/feed/trending", "YouTube", "youtube.com/watch?v=…"),
        ("https://www.youtube.com/", "YouTube", "youtube.com/watch?v=…"),
        ("https://www.youtube.com/@AlJazeeraArabic", "YouTube", "youtube.com/watch?v=…"),
        (f"https://www.youtube.com/{YT}", "YouTube", "youtube.com/watch?v=…"),
        ("https://youtu.be/", "YouTube", "youtu.be/…"),
        (
            "https://www.youtube.com/embed/videoseries?list=PL123",
            "YouTube",
            "youtube.com/embed/…",
        ),
        ("https://vimeo.com/about", "Vimeo", "vimeo.com/123456"),
        ("https://vimeo.com/channels/staffpicks", "Vimeo", "vimeo.com/channels/…/123456"),
        ("https://player.vimeo.com/76979871", "Vimeo", "player.vimeo.com/video/123456"),
        ("https://x.com/home", "X", "x.com/user/status/…"),
        ("https://x.com/AJArabic", "X", "x.com/user/status/…"),
        ("https://twitter.com/AJArabic/status/notanumber", "X", "x.com/user/status/…"),
        ("https://www.facebook.com/aljazeera", "Facebook", "facebook.com/page/posts/…"),
        ("https://www.facebook.com/watch/?v=abc", "Facebook", "facebook.com/watch/?v=…"),
        ("https://www.facebook.com/permalink.php?story_fbid=1", "Facebook", "permalink.php"),
        ("https://fb.watch/", "Facebook", "fb.watch/…"),
        ("https://www.instagram.com/natgeo/", "Instagram", "instagram.com/p/…"),
        ("https://www.instagram.com/explore/", "Instagram", "instagram.com/reel/…"),
        ("https://www.tiktok.com/@aljazeera", "TikTok", "tiktok.com/@user/video/…"),
        ("https://www.tiktok.com/@aljazeera/video/abc", "TikTok", "tiktok.com/@user/video/…"),
        ("https://soundcloud.com/forss", "SoundCloud", "soundcloud.com/artist/track"),
        ("https://soundcloud.com/forss/likes", "SoundCloud", "soundcloud.com/artist/track"),
        ("https://soundcloud.com/forss/sets", "SoundCloud", "soundcloud.com/artist/sets/playlist"),
        ("https://soundcloud.com/discover/new", "SoundCloud", "soundcloud.com/artist/track"),
    ],
)
def test_provider_pages_that_are_not_an_item_are_refused_naming_the_accepted_forms(
    url: str, provider: str, form: str
) -> None:
    message = refusal(url)
    assert message.startswith(
        f"This {provider} link is not one we can embed; paste a link of the form "
    )
    assert form in message


@pytest.mark.parametrize(
    "url",
    [
        "https://vm.tiktok.com/ZMabc123/",
        "https://vt.tiktok.com/ZSabc123/",
        "https://www.tiktok.com/t/ZTabc123/",
    ],
)
def test_tiktok_short_links_are_refused_asking_for_the_full_video_link(url: str) -> None:
    assert refusal(url) == (
        "TikTok short links cannot be embedded without opening them; open the link and paste "
        "the full video link (tiktok.com/@user/video/…) instead."
    )


def test_soundcloud_short_links_are_refused_asking_for_the_full_track_link() -> None:
    assert refusal("https://on.soundcloud.com/AbC123") == (
        "SoundCloud short links cannot be embedded without opening them; open the link and "
        "paste the full track link (soundcloud.com/artist/track) instead."
    )


def test_embed_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"got host example\.com\.$"):
        parse_embed("https://example.com/")


# Durations


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("33", 33),
        ("33s", 33),
        ("90s", 90),
        ("2m", 120),
        ("1h", 3600),
        ("1m5s", 65),
        ("1h2m3s", 3723),
        ("1h3s", 3603),
        ("1H2M3S", 3723),
        ("01:05", 65),
        ("1:05", 65),
        ("1:02:03", 3723),
        (" 33 ", 33),
        ("0", 0),
    ],
)
def test_parse_duration_reads_seconds_units_and_clock_forms(value: str, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "",
        "s",
        "-5",
        "1.5",
        "1m5",
        "5s1m",
        "1m1m",
        "1d",
        "1:5",
        "1:60",
        "1:2:3",
        "1:02:03:04",
        ":05",
        "٣٣",
        "1" * 20,
        "later",
    ],
)
def test_parse_duration_gives_none_for_anything_else(value: str) -> None:
    assert parse_duration(value) is None
