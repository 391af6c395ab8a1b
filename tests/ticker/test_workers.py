"""Two real uvicorn workers (``khabar serve`` processes) sharing a database and a real
``redis-server``: a line written through one reaches a client of the other through Redis,
streams outlive a Redis outage and catch up from the log, and a worker stops promptly with
streams open."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from app.core.database import make_engine
from tests.accounts import bearer, user
from tests.conftest import _TMP
from tests.postgres import _free_port
from tests.redis import RedisServer, redis_server
from tests.ticker.live import sse

KHABAR = Path(sys.executable).parent / "khabar"


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@asynccontextmanager
async def worker(
    database_url: str, redis_url: str
) -> AsyncIterator[tuple[str, subprocess.Popen[bytes]]]:
    """``khabar serve`` in a process of its own. Polling the log is slowed to 30 s, so that
    only the broker can explain an event arriving within seconds."""
    port = _free_port()
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": database_url,
        "KHABAR_REDIS_URL": redis_url,
        "KHABAR_TICKER_POLL_SECONDS": "30",
        "KHABAR_TICKER_HEARTBEAT_SECONDS": "0.2",
        "KHABAR_MEDIA_DIR": str(_TMP / "worker-media"),
        "KHABAR_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [str(KHABAR), "serve", "--port", str(port), "--no-access-log"], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            for _ in range(200):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, "the worker exited"
                await asyncio.sleep(0.05)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


async def _editor(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    async with async_sessionmaker(engine)() as session, session.begin():
        headers = bearer(await user(session, "editor", "editor"))
    await engine.dispose()
    return headers


async def test_a_line_written_through_one_worker_reaches_a_client_of_the_other(
    own_database: str, redis: RedisServer
) -> None:
    editor = await _editor(own_database)
    async with worker(own_database, redis.url) as (a, _), worker(own_database, redis.url) as (b, _):
        async with httpx.AsyncClient(base_url=a) as reader, httpx.AsyncClient(base_url=b) as writer:
            async with sse(reader, "/v1/ticker/stream") as stream:
                await stream.heartbeat()  # the stream's subscription is in place
                started = time.monotonic()
                created = await writer.post(
                    "/v1/ticker", json={"text": "عاجل من العامل ب"}, headers=editor
                )
                assert created.status_code == 201, created.text
                event = await stream.next(timeout=5)
                assert (event.type, event.json) == ("ticker.created", created.json())
                assert time.monotonic() - started < 3, "through Redis, not the 30 s poll"
            ready = await reader.get("/readyz")
            assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_streams_outlive_a_redis_outage_and_catch_up_when_it_returns(
    own_database: str, redis: RedisServer
) -> None:
    editor = await _editor(own_database)
    async with worker(own_database, redis.url) as (a, _), worker(own_database, redis.url) as (b, _):
        async with httpx.AsyncClient(base_url=a) as reader, httpx.AsyncClient(base_url=b) as writer:
            async with sse(reader, "/v1/ticker/stream") as stream:
                await stream.heartbeat()
                redis.stop()
                ready = await reader.get("/readyz")
                assert ready.status_code == 503
                assert ready.json()["checks"]["redis"] == "unreachable"
                # Written while Redis is away: in the log, announced to nobody.
                created = await writer.post(
                    "/v1/ticker", json={"text": "أثناء الانقطاع"}, headers=editor
                )
                assert created.status_code == 201, created.text
                await asyncio.sleep(1)
                redis.start()
                event = await stream.next(timeout=15)
                assert (event.type, event.json) == ("ticker.created", created.json())
            assert (await reader.get("/readyz")).status_code == 200


async def test_a_worker_stops_promptly_with_streams_open(
    own_database: str, redis: RedisServer
) -> None:
    async with worker(own_database, redis.url) as (a, process):
        async with httpx.AsyncClient(base_url=a) as reader:
            async with sse(reader, "/v1/ticker/stream") as stream:
                await stream.heartbeat()
                started = time.monotonic()
                process.send_signal(signal.SIGTERM)
                with pytest.raises((EOFError, httpx.HTTPError)):
                    await stream.next(timeout=10)
                await asyncio.to_thread(process.wait, 10)
                assert time.monotonic() - started < 10
                # uvicorn shuts down gracefully, then re-raises the signal it caught.
                assert process.returncode in (0, -signal.SIGTERM)
