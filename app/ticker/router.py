from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.auth.dependencies import EditorDep
from app.core.database import WriteSession
from app.core.errors import problem_responses
from app.core.http import IdPath
from app.core.idempotency import IdempotencyDep
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json
from app.core.text import LANGUAGE_PATTERN
from app.models.base import utcnow
from app.ticker import service
from app.ticker.schemas import TickerItemCreate, TickerItemRead, TickerItemUpdate, TickerRead

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


# Writing


@router.post(
    "",
    response_model=TickerItemRead,
    status_code=201,
    summary="Add a line to the ticker (editors)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_ticker_item(
    data: TickerItemCreate, editor: EditorDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    item = await service.create_ticker_item(session, editor, data)
    return idempotency.remember(created(service.represent(item), service.location(item.id)))


@router.patch(
    "/{item_id}",
    response_model=TickerItemRead,
    summary="Change a ticker line (editors)",
    responses=problem_responses(401, 403, 404, 422),
)
async def update_ticker_item(
    item_id: IdPath, data: TickerItemUpdate, editor: EditorDep, session: WriteSession
) -> Response:
    item = await service.ticker_item_for_write(session, item_id)
    await service.update_ticker_item(session, editor, item, data)
    return private_json(service.represent(item))


@router.delete(
    "/{item_id}",
    status_code=204,
    response_class=Response,
    summary="Take a line off the ticker (editors)",
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_ticker_item(item_id: IdPath, editor: EditorDep, session: WriteSession) -> Response:
    item = await service.ticker_item_for_write(session, item_id)
    await service.delete_ticker_item(session, editor, item)
    return no_content()


# Declared after every fixed path under /v1/ticker (a later ``/stream`` must come before it).
@router.get(
    "/{item_id}",
    response_model=TickerItemRead,
    summary="One ticker line: while it is live, or any line for editors",
    responses=problem_responses(404, 422),
)
async def get_ticker_item(item_id: IdPath, read: PublicReadDep) -> Response:
    editor = read.principal is not None and read.principal.is_editor
    item = await service.get_item(
        read.session, item_id, live_for=None if editor else read.viewer, now=utcnow()
    )
    return read.cache.json(item, surrogate_keys=["ticker", f"ticker-{item_id}"])
