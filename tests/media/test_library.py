"""The media library around uploads: embeds, attaching media to articles, captions, who may
touch what, alt text before publishing, and deleting media that articles still use."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import get_settings
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.media import samples
from tests.media.conftest import Stored
from tests.media.test_uploads import upload
from tests.newsroom import Newsroom

YOUTUBE = "https://www.youtube.com/watch?time_continue=33&v=8IqWBHMtgyI"


async def _draft(
    client: httpx.AsyncClient, headers: dict[str, str], newsroom: Newsroom, **fields: object
) -> dict[str, object]:
    body = {"title": "قمة الدوحة", "category_id": newsroom.world.id, **fields}
    response = await client.post("/v1/articles", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], article_id: object, **fields: object
) -> httpx.Response:
    url = f"/v1/articles/{article_id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.patch(url, json=fields, headers={**headers, "If-Match": etag})


async def test_a_youtube_link_with_time_continue_becomes_a_video_attachment_at_33_seconds(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    editor = staff.headers(staff.editor)
    created = await client.post(
        "/v1/media/embeds", json={"url": YOUTUBE, "caption": "المؤتمر الصحفي"}, headers=editor
    )
    assert created.status_code == 201, created.text
    embed = created.json()
    assert embed["kind"] == "embed"
    assert embed["embed"] == {
        "provider": "youtube",
        "external_id": "8IqWBHMtgyI",
        "start_seconds": 33,
        "embed_url": "https://www.youtube-nocookie.com/embed/8IqWBHMtgyI?start=33",
        "thumbnail_url": "https://i.ytimg.com/vi/8IqWBHMtgyI/hqdefault.jpg",
    }
    article = await _draft(
        client, editor, newsroom, media=[{"media_id": embed["id"], "role": "video"}]
    )
    published = await client.post(f"/v1/articles/{article['id']}/publish", headers=editor)
    assert published.status_code == 200, published.text
    public = (await client.get(f"/v1/articles/{article['id']}")).json()
    (video,) = public["media"]
    assert (video["role"], video["id"], video["caption"]) == (
        "video",
        embed["id"],
        "المؤتمر الصحفي",
    )
    assert video["embed"]["start_seconds"] == 33
    # Now shown by a published article, the embed is public too.
    assert (await client.get(f"/v1/media/{embed['id']}")).json()["embed"]["start_seconds"] == 33


async def test_links_from_other_hosts_are_422_and_nothing_is_fetched(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    before = await database_state(session)
    for url in ("https://example.com/watch?v=8IqWBHMtgyI", "javascript:alert(1)",
                "https://youtube.com.evil.example/watch?v=8IqWBHMtgyI"):  # fmt: skip
        response = await client.post(
            "/v1/media/embeds", json={"url": url}, headers=staff.headers(staff.editor)
        )
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["loc"] == ["body", "url"]
    assert await database_state(session) == before


async def test_attachments_keep_role_and_order_and_their_own_caption_and_credit(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, stored: Stored
) -> None:
    editor = staff.headers(staff.editor)
    first = (await upload(client, editor, samples.png(), caption="أصل", credit="أ")).json()
    second = (await upload(client, editor, samples.png(), caption="ثانية")).json()
    article = await _draft(
        client,
        editor,
        newsroom,
        featured_media_id=first["id"],
        media=[
            {"media_id": first["id"], "role": "gallery", "caption": "تعليق المقال", "credit": "ب"},
            {"media_id": second["id"], "role": "gallery"},
        ],
    )
    assert [(m["id"], m["position"], m["caption"], m["credit"]) for m in article["media"]] == [
        (first["id"], 0, "تعليق المقال", "ب"),
        (second["id"], 1, "ثانية", None),
    ]
    # The order is replaced in one call.
    response = await _patch(
        client,
        editor,
        article["id"],
        media=[{"media_id": second["id"], "role": "gallery"},
               {"media_id": first["id"], "role": "inline"}],
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert [(m["id"], m["role"], m["position"]) for m in response.json()["media"]] == [
        (second["id"], "gallery", 0),
        (first["id"], "inline", 1),
    ]
    assert response.json()["featured_media"]["id"] == first["id"]


async def test_a_video_attachment_must_be_a_video(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    editor = staff.headers(staff.editor)
    photo = (await upload(client, editor, samples.png())).json()
    response = await client.post(
        "/v1/articles",
        json={
            "title": "خبر",
            "category_id": newsroom.world.id,
            "media": [{"media_id": photo["id"], "role": "video"}],
        },
        headers=editor,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "media", 0, "role"]


async def test_deleting_media_an_article_uses_is_409_naming_the_article(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, stored: Stored
) -> None:
    editor = staff.headers(staff.editor)
    photo = (await upload(client, editor, samples.photo(700, 500, orientation=None))).json()
    article = await _draft(client, editor, newsroom, featured_media_id=photo["id"])
    refused = await client.delete(f"/v1/media/{photo['id']}", headers=editor)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["articles"] == [{"id": article["id"], "title": "قمة الدوحة", "status": "draft"}]
    assert str(article["id"]) in problem["detail"]
    keys = stored.keys()
    assert (await _patch(client, editor, article["id"], featured_media_id=None)).status_code == 200
    deleted = await client.delete(f"/v1/media/{photo['id']}", headers=editor)
    assert deleted.status_code == 204
    assert (await client.get(f"/v1/media/{photo['id']}", headers=editor)).status_code == 404
    base = stored.settings.media_base
    gone = {photo["url"].removeprefix(base + "/")} | {
        r["url"].removeprefix(base + "/") for r in photo["renditions"].values()
    }
    assert stored.keys() == keys - gone, "the files went with the last item that used them"


async def test_deleting_one_of_two_items_sharing_bytes_keeps_the_files(
    client: httpx.AsyncClient, staff: Staff, stored: Stored
) -> None:
    editor = staff.headers(staff.editor)
    data = samples.png()
    one = (await upload(client, editor, data)).json()
    two = (await upload(client, editor, data)).json()
    keys = stored.keys()
    assert (await client.delete(f"/v1/media/{one['id']}", headers=editor)).status_code == 204
    assert stored.keys() == keys
    assert (await client.get(f"/v1/media/{two['id']}", headers=editor)).status_code == 200


async def test_writers_use_their_own_uploads_and_cannot_touch_others(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    writer, other = staff.headers(staff.writer), staff.headers(staff.other_writer)
    mine = (await upload(client, writer, samples.png(), caption="لي")).json()
    theirs = (await upload(client, other, samples.png())).json()
    # A writer attaches an upload of their own to their own draft.
    draft = await _draft(client, writer, newsroom, featured_media_id=mine["id"])
    assert draft["featured_media"]["id"] == mine["id"]
    # Another writer's unpublished upload is not theirs to see, attach, change or delete.
    assert (await client.get(f"/v1/media/{theirs['id']}", headers=writer)).status_code == 404
    refused = await _patch(client, writer, draft["id"], featured_media_id=theirs["id"])
    assert refused.status_code == 422
    change = {"caption": "x"}
    url = f"/v1/media/{theirs['id']}"
    assert (await client.patch(url, json=change, headers=writer)).status_code == 404
    assert (await client.delete(url, headers=writer)).status_code == 404
    # The library lists a writer's own uploads; an editor's lists everything.
    listed = (await client.get("/v1/media", headers=writer)).json()["items"]
    assert [item["id"] for item in listed] == [mine["id"]]
    everything = (await client.get("/v1/media", headers=staff.headers(staff.editor))).json()
    assert {item["id"] for item in everything["items"]} >= {mine["id"], theirs["id"]}
    # Unpublished uploads are not public.
    assert (await client.get(f"/v1/media/{mine['id']}")).status_code == 404


async def test_caption_credit_and_alt_text_are_edited_and_server_fields_refused(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    photo = (await upload(client, editor, samples.png(), caption="قديم")).json()
    url = f"/v1/media/{photo['id']}"
    changed = await client.patch(
        url, json={"caption": "جديد", "alt_text": "شعار", "credit": None}, headers=editor
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["caption"], changed.json()["alt_text"]) == ("جديد", "شعار")
    before = await database_state(session)
    for body in ({"width": 10}, {"url": "https://x.example/a.jpg"}, {"language": None},
                 {"caption": "x" * 2001}, {"unknown": 1}):  # fmt: skip
        refused = await client.patch(url, json=body, headers=editor)
        assert refused.status_code == 422, body
    assert await database_state(session) == before


async def test_media_listing_pages_by_cursor_and_filters_by_kind(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    ids = [(await upload(client, editor, samples.png())).json()["id"] for _ in range(3)]
    await client.post("/v1/media/embeds", json={"url": YOUTUBE}, headers=editor)
    page = (await client.get("/v1/media?kind=image&limit=2", headers=editor)).json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    rest = (
        await client.get(
            f"/v1/media?kind=image&limit=2&cursor={page['next_cursor']}", headers=editor
        )
    ).json()
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None


@pytest.fixture
def alt_text_required() -> Iterator[None]:
    settings = get_settings()
    settings.require_alt_text = True
    try:
        yield
    finally:
        settings.require_alt_text = False


@pytest.mark.usefixtures("alt_text_required")
async def test_with_alt_text_required_publishing_images_without_it_is_422_listing_them(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom, session: AsyncSession
) -> None:
    editor = staff.headers(staff.editor)
    bare = (await upload(client, editor, samples.png())).json()
    described = (await upload(client, editor, samples.png(), alt_text="خريطة")).json()
    article = await _draft(
        client,
        editor,
        newsroom,
        featured_media_id=bare["id"],
        media=[{"media_id": described["id"], "role": "gallery"}],
    )
    before = await database_state(session)
    refused = await client.post(f"/v1/articles/{article['id']}/publish", headers=editor)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["media_ids"] == [bare["id"]]
    assert problem["errors"] == [
        {"loc": ["media", bare["id"], "alt_text"], "msg": "An image needs alt text."}
    ]
    assert await database_state(session) == before
    await client.patch(f"/v1/media/{bare['id']}", json={"alt_text": "صورة"}, headers=editor)
    published = await client.post(f"/v1/articles/{article['id']}/publish", headers=editor)
    assert published.status_code == 200, published.text
    # A live article's image cannot lose its alt text, nor gain an image without one.
    cleared = await client.patch(f"/v1/media/{bare['id']}", json={"alt_text": None}, headers=editor)
    assert cleared.status_code == 422
    another = (await upload(client, editor, samples.png())).json()
    added = await _patch(
        client, editor, article["id"], media=[{"media_id": another["id"], "role": "gallery"}]
    )
    assert added.status_code == 422
    assert added.json()["media_ids"] == [another["id"]]


async def test_a_writer_refused_a_deletion_is_not_told_of_drafts_it_cannot_see(
    client: httpx.AsyncClient, staff: Staff, newsroom: Newsroom
) -> None:
    writer, editor = staff.headers(staff.writer), staff.headers(staff.editor)
    mine = (await upload(client, writer, samples.png())).json()
    secret = await _draft(
        client, editor, newsroom, title="سر التحقيق", featured_media_id=mine["id"]
    )
    refused = await client.delete(f"/v1/media/{mine['id']}", headers=writer)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["articles"] == []
    assert problem["other_articles"] == 1
    assert "سر التحقيق" not in refused.text
    assert str(secret["id"]) not in problem["detail"]
    # An editor is told which.
    told = (await client.delete(f"/v1/media/{mine['id']}", headers=editor)).json()
    assert [a["id"] for a in told["articles"]] == [secret["id"]]
