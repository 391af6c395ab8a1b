from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request, WebSocket, WebSocketDisconnect
from sse_starlette import EventSourceResponse, ServerSentEvent
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
from app.models.ticker import TICKER_PRIORITIES
from app.ticker import service
from app.ticker.live import (
    HEARTBEAT,
    Filters,
    TickerHub,
    follow,
    parse_last_event_id,
)
from app.ticker.schemas import TickerItemCreate, TickerItemRead, TickerItemUpdate, TickerRead

router = APIRouter(prefix="/v1/ticker", tags=["ticker"])


def _filters(
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN, max_length=35)] = None,
    priority: Annotated[
        Literal["breaking", "urgent", "normal"],
        Query(description="Lowest priority to include."),
    ] = "normal",
) -> Filters:
    return Filters(language=language, max_rank=TICKER_PRIORITIES.index(priority))


#: ``language`` and lowest ``priority``, for the ticker and its live streams alike.
FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get(
    "",
    response_model=TickerRead,
    summary="The live breaking-news ticker, priority then newest first",
    responses=problem_responses(422),
)
async def get_ticker(read: PublicReadDep, filters: FiltersDep) -> Response:
    items = await service.live_ticker(
        read.session,
        read.viewer,
        utcnow(),
        language=filters.language,
        min_priority=TICKER_PRIORITIES[filters.max_rank],
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


# Live


def _hub(request: Request | WebSocket) -> TickerHub:
    hub: TickerHub = request.app.state.ticker_hub
    return hub


@router.get(
    "/stream",
    summary="The live ticker as Server-Sent Events",
    description=(
        "`ticker.created`, `ticker.updated` (data: the ticker item) and `ticker.deleted` "
        '(data: `{"id"}`) as the public ticker changes, each with an increasing `id:`. '
        "Send `Last-Event-ID` to receive what was missed (kept 24 hours); when it cannot be "
        'honoured the stream starts with `ticker.reset` (data: `{"items"}`, the live '
        "ticker). A comment heartbeat comes at least every 15 s."
    ),
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **problem_responses(422)},
)
async def stream_ticker(
    request: Request,
    filters: FiltersDep,
    last_event_id: Annotated[str | None, Header(max_length=100)] = None,
) -> EventSourceResponse:
    settings = request.app.state.settings
    live = follow(_hub(request), filters, parse_last_event_id(last_event_id))

    async def events() -> AsyncIterator[ServerSentEvent | bytes]:
        yield ServerSentEvent(comment="khabar ticker", retry=settings.ticker_retry_ms)
        async with contextlib.aclosing(live):  # unsubscribes as soon as the stream ends
            async for event in live:
                yield event.sse  # encoded once by the hub for every client

    hub = _hub(request)
    # ping=0: heartbeats come from the hub's one timer, not a task per connection. On shutdown
    # the hub ends every stream (``closing``) and each response completes within the grace.
    return EventSourceResponse(
        events(),
        ping=0,
        headers={"Access-Control-Allow-Origin": "*"},
        shutdown_event=hub.closing,
        shutdown_grace_period=2,
    )


@router.websocket("/ws")
async def ticker_websocket(
    websocket: WebSocket,
    filters: FiltersDep,
    last_event_id: Annotated[str | None, Query(max_length=100)] = None,
) -> None:
    """The same events as ``/stream``, one JSON message each: ``{"id", "type", "data"}``
    (``?last_event_id=`` resumes)."""
    await websocket.accept()
    live = follow(_hub(websocket), filters, parse_last_event_id(last_event_id))

    async def send() -> None:
        async with contextlib.aclosing(live):  # unsubscribes as soon as the socket ends
            async for event in live:
                if event.type != HEARTBEAT:  # the server's WebSocket pings keep it alive
                    await websocket.send_text(event.message)
        await websocket.close(code=1012)  # the worker is stopping: reconnect elsewhere

    async def receive() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass  # clients have nothing to say; their messages are ignored

    async with anyio.create_task_group() as tasks:
        for job in (send, receive):
            tasks.start_soon(_first_to_finish, job, tasks.cancel_scope)


async def _first_to_finish(job: Callable[[], Awaitable[None]], scope: anyio.CancelScope) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        await job()
    scope.cancel()


# Declared after every fixed path under /v1/ticker.
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
