from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.articles import service
from app.articles.dependencies import (
    ArticleFields,
    ArticleListQuery,
    ArticleListQueryDep,
)
from app.articles.repository import ListFilter
from app.articles.schemas import ArticleList, ArticleRead
from app.authors import repository as authors_repository
from app.categories.service import load_tree
from app.core.errors import InvalidParameter, problem_responses
from app.core.http import IdPath, SlugPath
from app.core.pagination import next_link
from app.core.public import PublicRead, PublicReadDep
from app.core.query import openapi_parameters
from app.models.base import utcnow
from app.tags import repository as tags_repository

router = APIRouter(prefix="/v1/articles", tags=["articles"])


@router.get(
    "",
    response_model=ArticleList,
    summary="Published articles, newest first",
    responses=problem_responses(400, 422),
    openapi_extra=openapi_parameters(ArticleListQuery),
)
async def list_articles(
    request: Request,
    read: PublicReadDep,
    query: ArticleListQueryDep,
) -> Response:
    keys = ["articles"]
    section_id = tag_id = author_id = None
    if query.category is not None:
        tree = await load_tree(read, read.cache.revision)
        node = tree.by_slug.get(query.category)
        if node is None:
            raise InvalidParameter(["query", "category"], f"No category «{query.category}».")
        section_id = node.id
        keys.append(f"category-{node.id}")
    if query.tag is not None:
        tag_row = await tags_repository.by_slug(read.session, query.tag)
        if tag_row is None:
            raise InvalidParameter(["query", "tag"], f"No tag «{query.tag}».")
        tag_id = tag_row.id
        keys.append(f"tag-{tag_id}")
    if query.author is not None:
        author_row = await authors_repository.by_slug(read.session, query.author)
        if author_row is None:
            raise InvalidParameter(["query", "author"], f"No author «{query.author}».")
        author_id = author_row.id
        keys.append(f"author-{author_id}")
    filters = ListFilter(
        section_id=section_id,
        tag_id=tag_id,
        author_id=author_id,
        language=query.language,
        since=query.since,
        until=query.until,
        is_breaking=query.is_breaking,
    )
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


@router.get(
    "/by-slug/{slug}",
    response_model=ArticleRead,
    summary="One published article by its slug",
    responses=problem_responses(404, 422),
)
async def get_article_by_slug(
    slug: SlugPath, read: PublicReadDep, fields: ArticleFields
) -> Response:
    return await _one_article(read, fields, slug=slug)


@router.get(
    "/{article_id}",
    response_model=ArticleRead,
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
