from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.articles.service import surrogate_keys
from app.collections import service
from app.collections.schemas import CollectionRead
from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep
from app.models.base import utcnow

router = APIRouter(prefix="/v1/collections", tags=["collections"])


@router.get(
    "/{slug}",
    response_model=CollectionRead,
    summary="An editor-curated, ordered list of articles",
    responses=problem_responses(400, 404, 422),
)
async def get_collection(
    request: Request,
    slug: SlugPath,
    read: PublicReadDep,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    collection = await service.get_collection(
        read.session, read.viewer, utcnow(), slug, codec=codec, cursor=cursor, limit=limit
    )
    link = next_link(request, collection["next_cursor"])
    return read.cache.json(
        collection,
        surrogate_keys=[
            "collections",
            f"collection-{collection['id']}",
            *surrogate_keys(collection["items"]),
        ],
        headers={"Link": link} if link else None,
    )
