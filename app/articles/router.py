from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.articles import editing, service, workflow
from app.articles.dependencies import (
    ArticleFields,
    ArticleListQuery,
    ArticleListQueryDep,
)
from app.articles.filters import list_filter
from app.articles.schemas import (
    ArticleCreate,
    ArticleEditorialRead,
    ArticleList,
    ArticleRead,
    ArticleUpdate,
    PublishRequest,
    RevisionList,
    RevisionRead,
)
from app.auth.dependencies import UserDep
from app.auth.principal import Principal
from app.categories.service import load_tree
from app.core.database import PrimaryReadSession, WriteSession, get_database
from app.core.errors import (
    Forbidden,
    InvalidParameter,
    NotFound,
    Unauthorized,
    problem_responses,
)
from app.core.http import CodecDep, IdPath, SlugPath
from app.core.idempotency import IdempotencyDep
from app.core.pagination import Cursor, Limit, keyset_page, next_link
from app.core.public import PublicRead, PublicReadDep
from app.core.query import openapi_parameters
from app.core.responses import private_json, private_page
from app.core.schemas import MAX_ID
from app.models import Article
from app.models.base import utcnow

router = APIRouter(prefix="/v1/articles", tags=["articles"])
REVISIONS_CURSOR = "revisions"
RevisionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "",
    response_model=ArticleList,
    summary="Published articles, newest first (with `status`: the newsroom's list)",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=openapi_parameters(ArticleListQuery),
)
async def list_articles(
    request: Request,
    read: PublicReadDep,
    query: ArticleListQueryDep,
) -> Response:
    if query.status is not None:
        return await _editorial_list(request, read, query)
    filters, keys = await list_filter(read, query)
    rows, next_cursor = await service.list_articles(
        read, read.viewer, utcnow(), filters, cursor=query.cursor, limit=query.limit
    )
    keys += service.surrogate_keys(rows)
    link = next_link(request, next_cursor)
    return read.cache.json(
        service.page_body(rows, next_cursor, query.fields),
        surrogate_keys=keys,
        headers={"Link": link} if link else None,
        url_placeholders=False,
    )


async def _editorial_list(request: Request, read: PublicRead, query: ArticleListQuery) -> Response:
    """``?status=``: the newsroom's list of its articles in any status, last changed first."""
    principal = read.principal
    if principal is None:
        raise Unauthorized("Listing articles by status is for newsroom accounts.")
    if not principal.is_user:
        raise Forbidden("Listing articles by status is for newsroom accounts, not API keys.")
    for name in ("since", "until", "fields"):
        if getattr(query, name) is not None:
            raise InvalidParameter(
                ["query", name], f"{name} cannot be combined with status (lists by last change)."
            )
    filters, _keys = await list_filter(read, query)
    async with get_database(request).primary_read_sessions() as session:
        items, next_cursor = await service.editorial_page(
            session,
            query.status or [],
            filters,
            owner_id=None if principal.is_editor else principal.user_id,
            cursor=query.cursor,
            limit=query.limit,
        )
    return private_page(request, items, next_cursor)


@router.get(
    "/by-slug/{slug}",
    response_model=ArticleRead | ArticleEditorialRead,
    summary="One published article by its slug",
    responses=problem_responses(404, 422),
)
async def get_article_by_slug(
    slug: SlugPath, read: PublicReadDep, fields: ArticleFields
) -> Response:
    return await _one_article(read, fields, slug=slug)


@router.get(
    "/{article_id}",
    response_model=ArticleRead | ArticleEditorialRead,
    summary="One published article",
    responses=problem_responses(404, 422),
)
async def get_article(article_id: IdPath, read: PublicReadDep, fields: ArticleFields) -> Response:
    return await _one_article(read, fields, article_id=article_id)


async def _one_article(
    read: PublicRead,
    fields: list[str] | None,
    *,
    article_id: int | None = None,
    slug: str | None = None,
) -> Response:
    principal = read.principal
    if principal is not None and principal.is_user:
        editorial = await _editorial_article(read, principal, article_id=article_id, slug=slug)
        if editorial is not None:
            return editorial_response(editorial, fields=fields)
    tree = await load_tree(read, read.cache.revision)
    article = await service.get_article(
        read.session, tree, read.viewer, utcnow(), article_id=article_id, slug=slug
    )
    category = article["category"]
    keys = [
        "articles",
        f"article-{article['id']}",
        *(f"category-{c['id']}" for c in category["path"]),
        *service.surrogate_keys(article["related"]),
    ]
    return read.cache.json(service.project(article, fields), surrogate_keys=keys)


async def _editorial_article(
    read: PublicRead, principal: Principal, *, article_id: int | None, slug: str | None
) -> dict[str, Any] | None:
    """The article as the newsroom sees it, when this account may see it so: editors any
    article, writers their own. None sends the caller down the public path."""
    async with get_database(read.request).primary_read_sessions() as session:
        try:
            found = await editing.article_for_read(session, principal, article_id, slug=slug)
            return await service.get_editorial_article(session, found, principal.viewer)
        except NotFound:
            return None


def editorial_response(
    article: dict[str, Any],
    *,
    status_code: int = 200,
    fields: list[str] | None = None,
    location: bool = False,
) -> Response:
    """An article for the newsroom: private, with the strong ETag ``If-Match`` needs."""
    headers = {"ETag": editing.article_etag(article["id"], article["version"])}
    if location:
        headers["Location"] = f"/v1/articles/{article['id']}"
    return private_json(service.project(article, fields), status_code=status_code, headers=headers)


# Writing

IfMatch = Annotated[
    str | None,
    Header(
        max_length=500,
        description="The ETag of the version being changed (from an authenticated GET).",
    ),
]
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.post(
    "",
    response_model=ArticleEditorialRead,
    status_code=201,
    summary="Create a draft",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_article(
    data: ArticleCreate, actor: UserDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    article = await editing.create_article(session, actor, data)
    body = await service.get_editorial_article(session, article.id, actor.viewer)
    return idempotency.remember(editorial_response(body, status_code=201, location=True))


@router.patch(
    "/{article_id}",
    response_model=ArticleEditorialRead,
    summary="Change an article (If-Match required)",
    responses=WRITE_PROBLEMS,
)
async def update_article(
    article_id: IdPath,
    data: ArticleUpdate,
    actor: UserDep,
    session: WriteSession,
    if_match: IfMatch = None,
) -> Response:
    async def change(session: AsyncSession, actor: Principal, article: Article) -> None:
        await editing.update_article(session, actor, article, data)

    return await _save(session, actor, article_id, if_match, change, if_match_required=True)


@router.delete(
    "/{article_id}",
    response_model=ArticleEditorialRead,
    summary="Archive an article (If-Match required; undo with /restore)",
    responses=WRITE_PROBLEMS,
)
async def archive_article(
    article_id: IdPath, actor: UserDep, session: WriteSession, if_match: IfMatch = None
) -> Response:
    return await _save(
        session, actor, article_id, if_match, workflow.archive, if_match_required=True
    )


@router.post(
    "/{article_id}/restore",
    response_model=ArticleEditorialRead,
    summary="Return an archived article to the status it had",
    responses=WRITE_PROBLEMS,
)
async def restore_article(
    article_id: IdPath,
    actor: UserDep,
    session: WriteSession,
    idempotency: IdempotencyDep,
    if_match: IfMatch = None,
) -> Response:
    return idempotency.remember(await _save(session, actor, article_id, if_match, workflow.restore))


@router.post(
    "/{article_id}/publish",
    response_model=ArticleEditorialRead,
    summary="Publish now, or schedule with a future publish_at (editors)",
    responses=WRITE_PROBLEMS,
)
async def publish_article(
    article_id: IdPath,
    actor: UserDep,
    session: WriteSession,
    idempotency: IdempotencyDep,
    data: Annotated[PublishRequest | None, Body()] = None,
    if_match: IfMatch = None,
) -> Response:
    publish_at = data.publish_at if data else None
    return idempotency.remember(
        await _save(session, actor, article_id, if_match, workflow.publish, publish_at)
    )


@router.post(
    "/{article_id}/unpublish",
    response_model=ArticleEditorialRead,
    summary="Take an article back to draft (editors)",
    responses=WRITE_PROBLEMS,
)
async def unpublish_article(
    article_id: IdPath,
    actor: UserDep,
    session: WriteSession,
    idempotency: IdempotencyDep,
    if_match: IfMatch = None,
) -> Response:
    return idempotency.remember(
        await _save(session, actor, article_id, if_match, workflow.unpublish)
    )


async def _save(
    session: AsyncSession,
    actor: Principal,
    article_id: int,
    if_match: str | None,
    change: Callable[..., Awaitable[Any]],
    *args: Any,
    if_match_required: bool = False,
) -> Response:
    """Every article write: the article locked and the caller's access checked, ``If-Match``
    (required for PATCH and DELETE, honoured when sent elsewhere), the change, and the saved
    article with its new ETag."""
    article = await editing.article_for_write(session, actor, article_id)
    editing.check_if_match(if_match, article, required=if_match_required)
    await change(session, actor, article, *args)
    return editorial_response(
        await service.get_editorial_article(session, article_id, actor.viewer)
    )


@router.get(
    "/{article_id}/revisions",
    response_model=RevisionList,
    summary="Every save of an article, newest first",
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_revisions(
    request: Request,
    article_id: IdPath,
    actor: UserDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> Response:
    await editing.article_for_read(session, actor, article_id)
    rows, next_cursor = await keyset_page(
        codec,
        REVISIONS_CURSOR,
        cursor,
        limit,
        partial(editing.list_revisions, session, article_id),
        key=lambda row: row[0].number,
    )
    items = [editing.represent_revision(*row) for row in rows]
    return private_page(request, items, next_cursor)


@router.get(
    "/{article_id}/revisions/{number}",
    response_model=RevisionRead,
    summary="One save of an article",
    responses=problem_responses(401, 403, 404, 422),
)
async def get_revision(
    article_id: IdPath, number: RevisionNumber, actor: UserDep, session: PrimaryReadSession
) -> Response:
    await editing.article_for_read(session, actor, article_id)
    revision, username = await editing.get_revision(session, article_id, number)
    return private_json(editing.represent_revision(revision, username))


@router.post(
    "/{article_id}/revisions/{number}/restore",
    response_model=ArticleEditorialRead,
    summary="Save the article again with that revision's content",
    responses=WRITE_PROBLEMS,
)
async def restore_revision(
    article_id: IdPath,
    number: RevisionNumber,
    actor: UserDep,
    session: WriteSession,
    idempotency: IdempotencyDep,
    if_match: IfMatch = None,
) -> Response:
    return idempotency.remember(
        await _save(session, actor, article_id, if_match, editing.restore_revision, number)
    )
