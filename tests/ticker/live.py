"""Reading live ticker streams in tests: a Server-Sent Events reader over real HTTP, and the
app served by a real uvicorn on a loopback port (ASGI test transports do not stream)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from tests.postgres import _free_port


@dataclass
class Event:
    type: str | None = None
    id: str | None = None
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.data)


class SSEReader:
    """Events of one open stream, as a browser's EventSource would parse them."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()
        self.comments: list[str] = []
        self.retry: int | None = None

    async def heartbeat(self, timeout: float = 5.0) -> None:
        """Wait for a heartbeat comment: heartbeats reach only subscribed streams, so the
        stream is then sure to hear of every new event."""
        seen = len(self.comments)

        async def wait() -> None:
            async for line in self.lines:
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                if len(self.comments) > seen and self.comments[-1] == "heartbeat":
                    return
            raise EOFError("the stream ended")

        await asyncio.wait_for(wait(), timeout)

    async def next(self, timeout: float = 5.0) -> Event:
        """The next event with data (comments and ``retry:`` are collected on the way)."""
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> Event:
        event = Event()
        async for line in self.lines:
            if line == "":
                if event.data or event.type:
                    return event
                event = Event()
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                self.comments.append(value)
            elif name == "retry":
                self.retry = int(value)
            elif name == "event":
                event.type = value
            elif name == "id":
                event.id = value
            elif name == "data":
                event.data += value
        raise EOFError("the stream ended")


@contextlib.asynccontextmanager
async def sse(
    client: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> AsyncIterator[SSEReader]:
    async with client.stream("GET", url, headers=headers, timeout=30) as response:
        assert response.status_code == 200, await response.aread()
        yield SSEReader(response)


@contextlib.asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """``app`` on a real uvicorn in this event loop; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]  # pytest's
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
