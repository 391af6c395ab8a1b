from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.auth.dependencies import EditorDep
from app.authors import service
from app.authors.schemas import AuthorCreate, AuthorList, AuthorRead, AuthorUpdate
from app.core.database import WriteSession
from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json

router = APIRouter(prefix="/v1/authors", tags=["authors"])


@router.get("", response_model=AuthorList, responses=problem_responses(400, 422))
async def list_authors(
    request: Request,
    read: PublicReadDep,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    items, next_cursor = await service.list_authors(read.session, codec, cursor, limit)
    link = next_link(request, next_cursor)
    return read.cache.json(
        {"items": items, "next_cursor": next_cursor},
        surrogate_keys=["authors"],
        headers={"Link": link} if link else None,
    )


@router.get("/{slug}", response_model=AuthorRead, responses=problem_responses(404))
async def get_author(slug: SlugPath, read: PublicReadDep) -> Response:
    author = await service.get_author(read.session, slug)
    return read.cache.json(author, surrogate_keys=["authors", f"author-{author['id']}"])


# Writing


@router.post(
    "",
    response_model=AuthorRead,
    status_code=201,
    summary="Create a byline (editors)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_author(
    data: AuthorCreate, editor: EditorDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    author = await service.create_author(session, editor, data)
    body = await service.get_author(session, author.slug)
    return idempotency.remember(created(body, service.location(author.slug)))


@router.patch(
    "/{slug}",
    response_model=AuthorRead,
    summary="Change a byline (editors)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_author(
    slug: SlugPath, data: AuthorUpdate, editor: EditorDep, session: WriteSession
) -> Response:
    author = await service.author_for_write(session, slug)
    await service.update_author(session, editor, author, data)
    return private_json(await service.get_author(session, author.slug))


@router.delete(
    "/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete a byline and its links to articles (editors)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_author(slug: SlugPath, editor: EditorDep, session: WriteSession) -> Response:
    author = await service.author_for_write(session, slug)
    await service.delete_author(session, editor, author)
    return no_content()
