from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.auth.dependencies import EditorDep
from app.core.database import WriteSession
from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json
from app.tags import service
from app.tags.schemas import TagCreate, TagList, TagRead, TagUpdate

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


# Writing


@router.post(
    "",
    response_model=TagRead,
    status_code=201,
    summary="Create a tag (editors)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_tag(
    data: TagCreate, editor: EditorDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    tag = await service.create_tag(session, editor, data)
    body = await service.get_tag(session, tag.slug)
    return idempotency.remember(created(body, service.location(tag.slug)))


@router.patch(
    "/{slug}",
    response_model=TagRead,
    summary="Change or rename a tag (editors)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_tag(
    slug: SlugPath, data: TagUpdate, editor: EditorDep, session: WriteSession
) -> Response:
    tag = await service.tag_for_write(session, slug)
    await service.update_tag(session, editor, tag, data)
    return private_json(await service.get_tag(session, tag.slug))


@router.delete(
    "/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete a tag and its links to articles (editors)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_tag(slug: SlugPath, editor: EditorDep, session: WriteSession) -> Response:
    tag = await service.tag_for_write(session, slug)
    await service.delete_tag(session, editor, tag)
    return no_content()
