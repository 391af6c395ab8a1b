from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.articles.filters import list_filter
from app.core.errors import problem_responses
from app.core.pagination import next_link
from app.core.public import PublicReadDep
from app.core.query import openapi_parameters, query_dependency
from app.models.base import utcnow
from app.search import service
from app.search.query import parse, suggestion
from app.search.schemas import SearchPage, SearchQuery, SuggestionList, SuggestQuery

router = APIRouter(prefix="/v1/search", tags=["search"])

SearchQueryDep = Annotated[SearchQuery, Depends(query_dependency(SearchQuery))]
SuggestQueryDep = Annotated[SuggestQuery, Depends(query_dependency(SuggestQuery))]


@router.get(
    "",
    response_model=SearchPage,
    summary="Full-text search of published articles, Arabic-aware",
    description="Only what the public may see is searched. Words are matched after the same "
    "analysis as the articles: Unicode and Arabic spelling variants folded (أ إ آ ا, ة ه, "
    "ى ي, tashkeel, tatweel, Arabic-Indic digits), the Arabic definite article and its "
    "prefixes removed, and words reduced to their stems (Snowball), so that `احمد` finds "
    "`أحمد`, `الرئيس` finds `رئيس` and `elections` finds `election`. Every word must match; "
    '`"…"` asks for an exact phrase and `-word` excludes; any other character is text.',
    responses=problem_responses(400, 422),
    openapi_extra=openapi_parameters(SearchQuery),
)
async def search(request: Request, read: PublicReadDep, query: SearchQueryDep) -> Response:
    filters, keys = await list_filter(read, query)
    items, next_cursor = await service.search(
        read.session,
        parse(query.q, query.language),
        filters,
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
        now=utcnow(),
    )
    link = next_link(request, next_cursor)
    body = b'{"items":[' + b",".join(items) + b'],"next_cursor":'
    body += b"null}" if next_cursor is None else b'"' + next_cursor.encode() + b'"}'
    return read.cache.json(
        body,
        surrogate_keys=[*keys, "search"],
        headers={"Link": link} if link else None,
        url_placeholders=False,
    )


@router.get(
    "/suggest",
    response_model=SuggestionList,
    summary="Titles for a query being typed",
    description="Published titles containing every word typed so far, the last one possibly "
    "unfinished (`الانتخا` finds «الانتخابات»), best match first with recent stories lifted. "
    "A single word needs two letters.",
    responses=problem_responses(422),
    openapi_extra=openapi_parameters(SuggestQuery),
)
async def suggest(read: PublicReadDep, query: SuggestQueryDep) -> Response:
    items = await service.suggest(
        read.session,
        suggestion(query.q),
        language=query.language,
        limit=query.limit,
        now=utcnow(),
    )
    return read.cache.json({"items": items}, surrogate_keys=["articles", "search"])
