from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.responses import Response

from app.auth.dependencies import UserDep
from app.core.database import PrimaryReadSession, WriteSession, get_database
from app.core.errors import InvalidParameter, problem_responses
from app.core.http import CodecDep, IdPath
from app.core.idempotency import (
    IdempotencyDep,
    IdempotencyKeyHeader,
    fingerprint,
    replay_if_seen,
)
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, keyset_page
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json, private_page
from app.media import editing, service
from app.media.editing import media_services
from app.media.schemas import (
    EmbedCreate,
    MediaEditorialRead,
    MediaList,
    MediaRead,
    MediaUpdate,
    MediaUploadFields,
)
from app.media.upload import FILE_FIELD, TEXT_FIELDS, receive_upload
from app.models.base import utcnow

router = APIRouter(prefix="/v1/media", tags=["media"])

MediaKind = Literal["image", "video", "audio", "document", "embed"]

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {"type": "string", "format": "binary"},
                        **{
                            name: {"type": "string", "maxLength": limit}
                            for name, limit in TEXT_FIELDS.items()
                        },
                    },
                }
            }
        },
    }
}


@router.get(
    "",
    response_model=MediaList,
    summary="The media library, newest first (newsroom accounts; writers see their own)",
    responses=problem_responses(400, 401, 403, 422),
)
async def list_media(
    request: Request,
    user: UserDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    kind: Annotated[MediaKind | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    async def fetch(after: int | None, count: int) -> list[dict[str, object]]:
        return await editing.editorial_rows(session, user, kind, after, count)

    items, next_cursor = await keyset_page(
        codec, "media", cursor, limit, fetch, lambda item: item["id"]
    )
    return private_page(request, list(items), next_cursor)


@router.post(
    "",
    response_model=MediaEditorialRead,
    status_code=201,
    summary="Upload a photo, video, audio file or PDF (newsroom accounts)",
    description=(
        "Multipart form: `file` and optionally `caption`, `credit`, `alt_text`, `language`. "
        "The type is judged from the bytes. Images are verified, re-encoded without EXIF and "
        "rendered into `renditions` with a `blurhash`. Identical bytes are stored once."
    ),
    responses=problem_responses(401, 403, 409, 413, 415, 422, 503),
    openapi_extra=_UPLOAD_BODY,
)
async def upload_media(
    request: Request, user: UserDep, idempotency_key: IdempotencyKeyHeader = None
) -> Response:
    services = media_services(request)
    database = get_database(request)
    settings = services.settings
    async with receive_upload(request, settings.upload_limits, settings.upload_dir) as upload:
        try:
            fields = MediaUploadFields.model_validate(upload.fields)
        except ValidationError as error:
            first = error.errors()[0]
            raise InvalidParameter(["body", *first["loc"]], first["msg"]) from None
        request_hash = fingerprint(
            request,
            orjson.dumps(
                {"sha256": upload.sha256, "filename": upload.filename, **upload.fields},
                option=orjson.OPT_SORT_KEYS,
            ),
        )
        if idempotency_key is not None:
            # A retried upload is answered before it is processed again.
            async with database.primary_read_sessions() as session:
                await replay_if_seen(session, user.actor, idempotency_key, request_hash)
        return await editing.create_from_upload(
            database, services, user, upload, fields, idempotency_key, request_hash
        )


@router.post(
    "/embeds",
    response_model=MediaEditorialRead,
    status_code=201,
    summary="Turn a YouTube, Vimeo, X, Facebook, Instagram, TikTok or SoundCloud link into "
    "an embed (nothing is fetched)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_embed(
    data: EmbedCreate, user: UserDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    media = await editing.create_embed(session, user, data)
    body = editing.editorial(media, user.name)
    return idempotency.remember(created(body, editing.location(media.id)))


@router.get(
    "/{media_id}",
    response_model=MediaRead | MediaEditorialRead,
    summary="One media item shown by published content (newsroom accounts: any they may use)",
    responses=problem_responses(404, 422),
)
async def get_media(media_id: IdPath, read: PublicReadDep) -> Response:
    principal = read.principal
    if principal is not None and principal.is_user:
        async with get_database(read.request).primary_read_sessions() as session:
            return private_json(await editing.editorial_item(session, principal, media_id))
    media = await service.get_media(read.session, media_id, read.viewer, utcnow())
    return read.cache.json(media, surrogate_keys=["media", f"media-{media_id}"])


@router.patch(
    "/{media_id}",
    response_model=MediaEditorialRead,
    summary="Change caption, credit, alt text or language (editors; writers their uploads)",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_media(
    media_id: IdPath, data: MediaUpdate, user: UserDep, session: WriteSession
) -> Response:
    media = await editing.media_for_write(session, user, media_id)
    await editing.update_media(session, user, media, data)
    return private_json(await editing.editorial_item(session, user, media_id))


@router.delete(
    "/{media_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a media item no article or byline uses (editors; writers their uploads)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def delete_media(
    request: Request, media_id: IdPath, user: UserDep, session: WriteSession
) -> Response:
    media = await editing.media_for_write(session, user, media_id)
    await editing.delete_media(session, media_services(request), user, media)
    return no_content()
