from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep
from app.tags import service
from app.tags.schemas import TagList, TagRead

router = APIRouter(prefix="/v1/tags", tags=["tags"])


@router.get("", response_model=TagList, responses=problem_responses(400, 422))
async def list_tags(
    request: Request,
    read: PublicReadDep,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    items, next_cursor = await service.list_tags(read.session, codec, cursor, limit)
    link = next_link(request, next_cursor)
    return read.cache.json(
        {"items": items, "next_cursor": next_cursor},
        surrogate_keys=["tags"],
        headers={"Link": link} if link else None,
    )


@router.get("/{slug}", response_model=TagRead, responses=problem_responses(404))
async def get_tag(slug: SlugPath, read: PublicReadDep) -> Response:
    tag = await service.get_tag(read.session, slug)
    return read.cache.json(tag, surrogate_keys=["tags", f"tag-{tag['id']}"])
