from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.authors import service
from app.authors.schemas import AuthorList, AuthorRead
from app.core.errors import problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicReadDep

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
