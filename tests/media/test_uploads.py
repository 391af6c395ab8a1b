"""Uploading media: a phone photo becomes EXIF-free renditions with a blurhash, the type is
judged from the bytes, identical bytes are stored once, and bad uploads are refused without
changing anything. Tests that take ``stored`` run on local disk and on S3."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.media.storage import S3Storage
from app.models import AuditEntry, Media
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.media import samples
from tests.media.conftest import Stored, media_with
from tests.s3 import ACCESS_KEY, SECRET_KEY

KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}/")


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
    **fields: str,
) -> httpx.Response:
    return await client.post(
        "/v1/media",
        files={"file": (filename, content, content_type)},
        data=fields,
        headers=headers,
    )


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_an_editor_uploads_a_phone_photo_and_gets_exif_free_renditions_with_a_blurhash(
    client: httpx.AsyncClient, staff: Staff, stored: Stored
) -> None:
    response = await upload(
        client,
        staff.headers(staff.editor),
        samples.photo(1600, 1200, orientation=6, gps=True),
        caption="وزراء الخارجية في الدوحة",
        credit="رويترز",
        alt_text="وزراء يجلسون حول طاولة",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/media/{body['id']}"
    assert response.headers["cache-control"] == "private, no-store"
    assert body["kind"] == "image"
    assert body["mime_type"] == "image/jpeg"
    # EXIF orientation 6 turns the 1600×1200 sensor image upright: 1200 wide, 1600 high.
    assert (body["width"], body["height"]) == (1200, 1600)
    assert body["caption"] == "وزراء الخارجية في الدوحة"
    assert body["credit"] == "رويترز"
    assert body["direction"] == "rtl"
    assert body["created_by"] == {"id": staff.editor.id, "username": staff.editor.username}
    assert body["original_filename"] == "photo.jpg"
    assert re.fullmatch(r"[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,}", body["blurhash"])
    assert re.fullmatch(r"#[0-9a-f]{6}", body["dominant_color"])
    # Never upscaled: 1200 wide gets 320, 640 and 1024, in WebP and JPEG.
    assert sorted(body["renditions"]) == [
        "w1024_jpeg", "w1024_webp", "w320_jpeg", "w320_webp", "w640_jpeg", "w640_webp",
    ]  # fmt: skip
    base = stored.settings.media_base
    assert body["url"].startswith(base + "/")
    original = _image(stored.read(body["url"].removeprefix(base + "/")))
    assert original.size == (1200, 1600)
    assert not original.getexif(), "EXIF (orientation, GPS) must be stripped"
    assert "exif" not in original.info
    for name, rendition in body["renditions"].items():
        key = rendition["url"].removeprefix(base + "/")
        assert KEY.match(key), key
        image = _image(stored.read(key))
        assert image.size == (rendition["width"], rendition["height"]), name
        assert image.format == ("WEBP" if name.endswith("webp") else "JPEG")
        assert rendition["mime_type"] == Image.MIME[image.format]
        assert not image.getexif()
        assert abs(image.height / image.width - 1600 / 1200) < 0.01


async def test_identical_bytes_are_stored_once_with_each_items_own_caption(
    client: httpx.AsyncClient, staff: Staff, stored: Stored, session: AsyncSession
) -> None:
    data = samples.photo(800, 600, orientation=None)
    first = await upload(client, staff.headers(staff.editor), data, caption="الأولى")
    keys = stored.keys()
    second = await upload(client, staff.headers(staff.writer), data, caption="الثانية")
    assert first.status_code == second.status_code == 201
    one, two = first.json(), second.json()
    assert one["id"] != two["id"]
    assert one["url"] == two["url"]
    assert one["renditions"] == two["renditions"]
    assert (one["caption"], two["caption"]) == ("الأولى", "الثانية")
    assert stored.keys() == keys, "the second upload stored nothing new"
    entry = await session.scalar(select(AuditEntry).where(AuditEntry.resource_id == str(two["id"])))
    assert entry is not None
    assert entry.details["shared"] is True


async def test_the_type_is_judged_from_the_bytes_not_the_name_or_header(
    client: httpx.AsyncClient, staff: Staff, stored: Stored
) -> None:
    editor = staff.headers(staff.editor)
    png = await upload(
        client, editor, samples.png(), filename="notes.txt", content_type="text/plain"
    )
    assert png.status_code == 201, png.text
    assert png.json()["mime_type"] == "image/png"
    assert png.json()["url"].endswith("/original.png")
    claimed = await upload(client, editor, b"<html><body>not a photo</body></html>" * 20)
    assert claimed.status_code == 415
    assert claimed.headers["content-type"] == "application/problem+json"
    svg = await upload(
        client,
        editor,
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
        b"</script></svg>",
        filename="logo.svg",
        content_type="image/svg+xml",
    )
    assert svg.status_code == 415


async def test_audio_and_documents_are_stored_as_uploaded_with_their_duration(
    client: httpx.AsyncClient, staff: Staff, stored: Stored
) -> None:
    editor = staff.headers(staff.editor)
    audio = await upload(client, editor, samples.mp3(), filename="نشرة.mp3", content_type="x/y")
    assert audio.status_code == 201, audio.text
    body = audio.json()
    assert (body["kind"], body["mime_type"]) == ("audio", "audio/mpeg")
    assert body["duration_seconds"] == pytest.approx(2.0, abs=0.1)
    assert body["renditions"] == {}
    assert body["original_filename"] == "نشرة.mp3"
    base = stored.settings.media_base
    assert stored.read(body["url"].removeprefix(base + "/")) == samples.mp3()
    document = await upload(client, editor, samples.pdf(), filename="report.pdf")
    assert document.status_code == 201, document.text
    assert (document.json()["kind"], document.json()["mime_type"]) == (
        "document",
        "application/pdf",
    )


async def test_a_path_traversal_file_name_is_stored_under_a_generated_name(
    client: httpx.AsyncClient, staff: Staff, stored: Stored
) -> None:
    before = stored.keys()
    response = await upload(
        client, staff.headers(staff.editor), samples.png(), filename="../../../etc/passwd.png"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["original_filename"] == "passwd.png"
    new = stored.keys() - before
    assert new
    assert all(KEY.match(key) for key in new), new
    assert not any("passwd" in key or ".." in key for key in new)


async def test_a_truncated_image_is_422_and_changes_nothing(
    client: httpx.AsyncClient, staff: Staff, stored: Stored, session: AsyncSession
) -> None:
    data = samples.photo(800, 600)
    before, keys = await database_state(session), stored.keys()
    response = await upload(client, staff.headers(staff.editor), data[: len(data) // 2])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await database_state(session) == before
    assert stored.keys() == keys


async def test_an_upload_over_the_kinds_limit_is_413_as_it_streams(
    app: FastAPI, client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    small = app.state.media.settings.model_copy(update={"media_max_image_mb": 1})
    before = await database_state(session)
    scratch = small.upload_dir
    with media_with(app, small):
        big = samples.photo(200, 200) + bytes(2 * 1024 * 1024)
        response = await upload(client, staff.headers(staff.editor), big)
        # A small audio file is under its own, larger limit.
        audio = await upload(client, staff.headers(staff.editor), samples.mp3())
    assert response.status_code == 413, response.text
    assert "at most 1 MB" in response.json()["detail"]
    assert audio.status_code == 201
    assert (await database_state(session))["media"][:-1] == before["media"]
    assert not any(scratch.iterdir()), "the scratch file is removed"


async def test_a_60_mb_upload_is_refused_without_holding_it_in_memory(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    """The body streams in 64 KB chunks with no Content-Length (so the early check cannot
    answer); the app must stop at 25 MB having held only a chunk at a time."""
    import tracemalloc

    boundary = "khabar-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode() + samples.photo(64, 64, orientation=None)
    chunk = bytes(64 * 1024)

    async def body() -> Any:
        yield head
        for _ in range(60 * 16):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    before = await database_state(session)
    tracemalloc.start()
    try:
        response = await client.post(
            "/v1/media",
            content=body(),
            headers={
                **staff.headers(staff.editor),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413, response.text
    assert peak < 4 * 1024 * 1024, f"peak Python allocation {peak / 1e6:.1f} MB"
    assert await database_state(session) == before


async def test_a_declared_length_over_every_limit_is_refused_before_reading(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    response = await client.post(
        "/v1/media",
        content=b"x",
        headers={
            **staff.headers(staff.editor),
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(10 * 1024**3),
        },
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("files", "data", "content_type", "status", "field"),
    [
        (None, {"caption": "x"}, None, 422, "file"),
        ({"file": ("a.png", samples.png(), "image/png")}, {"colour": "red"}, None, 422, "colour"),
        ({"file": ("a.png", samples.png(), "image/png")}, {"id": "7"}, None, 422, "id"),
        ({"file": ("a.png", samples.png(), "image/png")}, {"language": "not a tag"}, None, 422,
         "language"),
        ({"file": ("a.png", b"", "image/png")}, {}, None, 422, "file"),
        (None, None, "application/json", 415, None),
    ],
    ids=["no-file", "unknown-field", "server-kept-field", "bad-language", "empty", "not-multipart"],
)  # fmt: skip
async def test_malformed_uploads_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    staff: Staff,
    session: AsyncSession,
    files: dict[str, Any] | None,
    data: dict[str, str] | None,
    content_type: str | None,
    status: int,
    field: str | None,
) -> None:
    before = await database_state(session)
    if content_type is not None:
        response = await client.post(
            "/v1/media",
            content=b'{"file": "x"}',
            headers={**staff.headers(staff.editor), "Content-Type": content_type},
        )
    elif files is None:
        # Only text parts: a form that forgot its file.
        response = await client.post(
            "/v1/media",
            content=b'--b\r\nContent-Disposition: form-data; name="caption"\r\n\r\nx\r\n--b--\r\n',
            headers={
                **staff.headers(staff.editor),
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
    else:
        response = await client.post(
            "/v1/media", files=files, data=data, headers=staff.headers(staff.editor)
        )
    assert response.status_code == status, response.text
    problem = response.json()
    if field is not None:
        assert problem["errors"][0]["loc"][-1] == field
    assert await database_state(session) == before


async def test_two_files_in_one_upload_are_refused(client: httpx.AsyncClient, staff: Staff) -> None:
    response = await client.post(
        "/v1/media",
        files=[("file", ("a.png", samples.png(), "image/png")),
               ("file", ("b.png", samples.png(), "image/png"))],
        headers=staff.headers(staff.editor),
    )  # fmt: skip
    assert response.status_code == 422
    assert "one file" in response.json()["detail"]


async def test_uploads_need_a_newsroom_account(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    from tests.accounts import api_key

    anonymous = await upload(client, {}, samples.png())
    assert anonymous.status_code == 401
    partner = await upload(client, await api_key(session, staff.admin, "syndication:read"), b"x")
    assert partner.status_code == 403
    assert await session.scalar(select(func.count()).select_from(Media)) == 0


async def test_a_retried_upload_with_the_same_idempotency_key_is_answered_once(
    client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    headers = {**staff.headers(staff.editor), "Idempotency-Key": "upload-1"}
    data = samples.png()
    first = await upload(client, headers, data, caption="صورة")
    again = await upload(client, headers, data, caption="صورة")
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = await upload(client, headers, data, caption="أخرى")
    assert other.status_code == 422
    assert await session.scalar(select(func.count()).select_from(Media)) == 1


async def test_a_store_that_refuses_the_files_is_503_and_records_nothing(
    app: FastAPI, client: httpx.AsyncClient, staff: Staff, session: AsyncSession, s3_endpoint: str
) -> None:
    broken = app.state.media.settings.model_copy(
        update={
            "media_storage": "s3",
            "s3_bucket": "no-such-bucket",
            "s3_endpoint_url": s3_endpoint,
            "s3_access_key_id": ACCESS_KEY,
            "s3_secret_access_key": SECRET_KEY,
        }
    )
    before = await database_state(session)
    with media_with(app, broken, S3Storage(broken)):
        response = await upload(client, staff.headers(staff.editor), samples.png())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"
    assert await database_state(session) == before


async def test_a_boundary_longer_than_rfc_2046_allows_is_415(
    client: httpx.AsyncClient, staff: Staff
) -> None:
    response = await client.post(
        "/v1/media",
        content=b"x",
        headers={
            **staff.headers(staff.editor),
            "Content-Type": "multipart/form-data; boundary=" + "b" * 300,
        },
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


async def test_bytes_around_the_form_count_toward_the_limit(
    app: FastAPI, client: httpx.AsyncClient, staff: Staff, session: AsyncSession
) -> None:
    """A preamble or epilogue cannot carry more than the form may: past the largest limit
    the upload is 413 whatever part the bytes are in; what follows the closing boundary is
    not read."""
    small = app.state.media.settings.model_copy(
        update={f"media_max_{kind}_mb": 1 for kind in ("image", "video", "audio", "document")}
    )
    form = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        + samples.png()
        + b"\r\n--b--\r\n"
    )
    headers = {**staff.headers(staff.editor), "Content-Type": "multipart/form-data; boundary=b"}

    async def body(before: bytes, after: bytes) -> Any:
        yield before
        yield form
        yield after

    with media_with(app, small):
        preamble = await client.post(
            "/v1/media", content=body(bytes(2 * 1024 * 1024), b""), headers=headers
        )
        epilogue = await client.post(
            "/v1/media", content=body(b"", bytes(2 * 1024 * 1024)), headers=headers
        )
    assert preamble.status_code == 413
    assert epilogue.status_code == 201, epilogue.text
    assert await session.scalar(select(func.count()).select_from(Media)) == 1
