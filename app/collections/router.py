from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.articles.service import surrogate_keys
from app.auth.dependencies import EditorDep
from app.collections import service
from app.collections.schemas import (
    CollectionCreate,
    CollectionEditorialRead,
    CollectionRead,
    CollectionUpdate,
)
from app.core.database import WriteSession
from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json
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


# Writing


@router.post(
    "",
    response_model=CollectionEditorialRead,
    status_code=201,
    summary="Create a collection (editors)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_collection(
    data: CollectionCreate,
    editor: EditorDep,
    session: WriteSession,
    codec: CodecDep,
    idempotency: IdempotencyDep,
) -> Response:
    collection = await service.create_collection(session, editor, data)
    body = await service.editorial_collection(session, collection, codec)
    return idempotency.remember(created(body, service.location(collection.slug)))


@router.patch(
    "/{slug}",
    response_model=CollectionEditorialRead,
    summary="Change a collection; article_ids replaces the whole order (editors)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_collection(
    slug: SlugPath,
    data: CollectionUpdate,
    editor: EditorDep,
    session: WriteSession,
    codec: CodecDep,
) -> Response:
    collection = await service.collection_for_write(session, slug)
    await service.update_collection(session, editor, collection, data)
    return private_json(await service.editorial_collection(session, collection, codec))


@router.delete(
    "/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete a collection; its articles stay (editors)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_collection(slug: SlugPath, editor: EditorDep, session: WriteSession) -> Response:
    collection = await service.collection_for_write(session, slug)
    await service.delete_collection(session, editor, collection)
    return no_content()
