from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.categories.service import load_tree
from app.core.errors import problem_responses
from app.core.public import PublicReadDep
from app.core.text import LANGUAGE_PATTERN
from app.home import service
from app.home.schemas import HomeFeed
from app.models.base import utcnow

router = APIRouter(prefix="/v1/feed", tags=["feed"])


@router.get(
    "",
    response_model=HomeFeed,
    summary="A mobile home screen in one call",
    responses=problem_responses(422),
)
async def home_feed(
    read: PublicReadDep,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN, max_length=35)] = None,
    top: Annotated[int, Query(ge=1, le=50, description="How many top stories.")] = 10,
    per_section: Annotated[int, Query(ge=1, le=20, description="Articles per section.")] = 5,
) -> Response:
    tree = await load_tree(read, read.cache.revision)
    feed = await service.home_feed(
        read.session,
        tree,
        read.viewer,
        utcnow(),
        language=language,
        top_limit=top,
        per_section=per_section,
    )
    keys = ["feed", "articles", "ticker"]
    keys += [f"article-{item['id']}" for item in feed["top"]]
    keys += [f"article-{i['id']}" for section in feed["sections"] for i in section["items"]]
    return read.cache.json(feed, surrogate_keys=keys)
