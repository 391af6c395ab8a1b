from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.core.errors import problem_responses
from app.core.public import PublicReadDep
from app.core.text import LANGUAGE_PATTERN
from app.models.base import utcnow
from app.ticker import service
from app.ticker.schemas import TickerRead

router = APIRouter(prefix="/v1/ticker", tags=["ticker"])


@router.get(
    "",
    response_model=TickerRead,
    summary="The live breaking-news ticker, priority then newest first",
    responses=problem_responses(422),
)
async def get_ticker(
    read: PublicReadDep,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN, max_length=35)] = None,
    priority: Annotated[
        Literal["breaking", "urgent", "normal"],
        Query(description="Lowest priority to include."),
    ] = "normal",
) -> Response:
    items = await service.live_ticker(
        read.session, read.viewer, utcnow(), language=language, min_priority=priority
    )
    return read.cache.json(
        {"items": items}, surrogate_keys=["ticker", *(f"ticker-{item['id']}" for item in items)]
    )
