"""A webhook receiver for the syndication benchmark: a bare ASGI app (served by uvicorn, in a
process of its own) that answers every POST with 204 and notes its ``webhook-id`` and when it
arrived, with the event's type and the article's id. ``GET /received`` returns
``[[webhook-id, type, article id, unix time], …]``; ``DELETE /received`` forgets them."""

from __future__ import annotations

import time
from typing import Any

import orjson

received: list[tuple[str, str, Any, float]] = []


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    chunks = []
    more = True
    while more:  # the body is read whole, as a real receiver would before answering
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    method = scope["method"]
    body = b""
    if method == "POST":
        arrived = time.time()
        headers = dict(scope["headers"])
        event = orjson.loads(b"".join(chunks))
        data = event.get("data") or {}
        received.append(
            (headers.get(b"webhook-id", b"").decode(), event["type"], data.get("id"), arrived)
        )
        status = 204
    elif method == "GET":
        status, body = 200, orjson.dumps(received)
    else:
        received.clear()
        status = 204
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": body})
