from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from app.core.errors import problem_responses
from app.core.http import IdPath
from app.core.public import PublicReadDep
from app.media import service
from app.media.schemas import MediaRead
from app.models.base import utcnow

router = APIRouter(prefix="/v1/media", tags=["media"])


@router.get(
    "/{media_id}",
    response_model=MediaRead,
    summary="One media item shown by published content",
    responses=problem_responses(404, 422),
)
async def get_media(media_id: IdPath, read: PublicReadDep) -> Response:
    media = await service.get_media(read.session, media_id, read.viewer, utcnow())
    return read.cache.json(media, surrogate_keys=["media", f"media-{media_id}"])
