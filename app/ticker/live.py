"""Live ticker fan-out: one hub per worker, every stream client a subscription to it.

The event log (``app.ticker.events``) is the truth; brokers only say "there is news". A
worker's hub reads the events after the last id it delivered and puts each on the queue of
every subscription whose filters accept it, once for all of them (the JSON is encoded once).

- With one worker, the in-process broker: a commit that wrote events wakes the hub at once.
- With ``KHABAR_REDIS_URL``, the commit also publishes the newest id on a Redis channel, which
  every worker's hub listens to: a client on worker A hears of a line created through worker B.
- Whatever the broker, the hub also looks in the log every ``KHABAR_TICKER_POLL_SECONDS``: a
  worker without Redis still learns of other workers' events, and while Redis is away streams
  go on (from the log), then notice it is back and resubscribe.

A subscription whose client reads too slowly to keep up is closed rather than allowed to grow;
its client reconnects with ``Last-Event-ID`` and catches up from the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles.visibility import PUBLIC
from app.models import TickerEvent
from app.models.base import utcnow
from app.ops.metrics import TICKER_CLIENTS
from app.ticker import events, repository
from app.ticker.service import represent

log = logging.getLogger("khabar.ticker")

CHANNEL = "khabar:ticker"
RESET = "ticker.reset"
HEARTBEAT = "heartbeat"
#: Events a subscription may have waiting before its client counts as unable to keep up.
QUEUE_LIMIT = 256
_BATCH = 500


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One event, and its bytes on the wire for each transport, made once for every client:
    ``sse`` the Server-Sent Event, ``message`` the WebSocket message."""

    id: int
    type: str
    data: str
    language: str | None
    priority_rank: int
    item_id: int | None = None
    sse: bytes = b""
    message: str = ""

    @classmethod
    def make(
        cls,
        id: int,
        type: str,
        data: str,
        language: str | None = None,
        priority_rank: int = 0,
        item_id: int | None = None,
    ) -> LiveEvent:
        if type == HEARTBEAT:
            return cls(id, type, data, language, priority_rank, item_id, b": heartbeat\r\n\r\n")
        wire = f"id: {id}\r\nevent: {type}\r\ndata: {data}\r\n\r\n".encode()
        message = f'{{"id":{id},"type":"{type}","data":{data}}}'
        return cls(id, type, data, language, priority_rank, item_id, wire, message)


@dataclass(frozen=True, slots=True)
class Filters:
    """A client's ``language`` and lowest ``priority`` (as a rank: 0 breaking … 2 normal)."""

    language: str | None = None
    max_rank: int = 2

    def accepts(self, event: LiveEvent) -> bool:
        return event.priority_rank <= self.max_rank and (
            self.language is None or event.language == self.language
        )


@dataclass(eq=False)
class Subscription:
    filters: Filters
    queue: asyncio.Queue[LiveEvent | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )

    def close(self) -> None:
        """End the subscription's stream: the sentinel takes the place of what is waiting."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


def _live_event(row: Any) -> LiveEvent:
    # orjson writes no line breaks, so the JSON is one ``data:`` line.
    data = orjson.dumps(row.data).decode()
    return LiveEvent.make(
        int(row.id), row.type, data, row.language, int(row.priority_rank), int(row.item_id)
    )


class Broker(Protocol):
    """Tells every worker's hub that the log has news."""

    #: False while the broker's listener is cut off from its server (logged once per outage).
    healthy: bool

    async def start(self, wake: Callable[[], None]) -> None: ...

    async def ready(self) -> bool:
        """Whether the broker's server answers now (``/readyz``)."""

    def publish(self) -> None:
        """After a local commit that wrote events."""

    async def stop(self) -> None: ...


class InProcessBroker:
    """One process: the hub wakes itself after its worker's commits."""

    healthy = True

    async def start(self, wake: Callable[[], None]) -> None:
        return None

    async def ready(self) -> bool:
        return True

    def publish(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisBroker:
    """Redis pub/sub between workers. Losing Redis loses no event (they are in the log): the
    listener reconnects with backoff, and the hub's polling delivers meanwhile."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)
        self.healthy = False
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    async def start(self, wake: Callable[[], None]) -> None:
        self._task = asyncio.create_task(self._listen(wake), name="khabar-ticker-redis")

    async def _listen(self, wake: Callable[[], None]) -> None:
        from redis.exceptions import RedisError

        delay = 0.2
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.healthy, delay = True, 0.2
                    # Every message wakes the hub, the (re)subscription's confirmation too:
                    # after an outage the client may resubscribe by itself, and the hub must
                    # then catch up with what was written meanwhile.
                    async for _message in pubsub.listen():
                        wake()
            except (RedisError, OSError) as error:
                if self.healthy:
                    log.warning(
                        "ticker broker lost Redis (%s); reading the log until it returns", error
                    )
                self.healthy = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def ready(self) -> bool:
        from redis.exceptions import RedisError

        try:
            return bool(await asyncio.wait_for(self.redis.ping(), 1.0))
        except (RedisError, OSError, TimeoutError):
            return False

    def publish(self) -> None:
        task = asyncio.get_running_loop().create_task(self._publish())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self) -> None:
        from redis.exceptions import RedisError

        try:
            await self.redis.publish(CHANNEL, b"1")
        except (RedisError, OSError):
            self.healthy = False  # other workers find the events by polling the log

    async def stop(self) -> None:
        for task in (self._task, *self._pending):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await self.redis.aclose()


class TickerHub:
    """A worker's live ticker: reads new events from the log and fans them out."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        broker: Broker,
        poll_seconds: float,
        heartbeat_seconds: float,
    ) -> None:
        self.sessions = sessions
        self.broker = broker
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.subscriptions: set[Subscription] = set()
        self.delivered = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        #: Set when the server begins to shut down (the SSE library sets it on uvicorn's
        #: signal): every stream then ends cleanly, before the worker's exit waits on it.
        self.closing = anyio.Event()
        self._stop_listening: Callable[[], None] | None = None
        self._stopping = False

    async def start(self) -> None:
        await self.broker.start(self.wake)
        self._stop_listening = events.on_commit(self._committed)
        self._closer = asyncio.create_task(self._close_on_shutdown(), name="khabar-ticker-close")

    async def _close_on_shutdown(self) -> None:
        await self.closing.wait()
        self._stopping = True
        for subscription in list(self.subscriptions):
            subscription.close()

    def _committed(self) -> None:
        self.wake()
        self.broker.publish()

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """End every stream (so no client holds the worker's exit), then the hub's tasks."""
        self._stopping = True
        if self._stop_listening is not None:
            self._stop_listening()
        for subscription in list(self.subscriptions):
            subscription.close()
        for task in (self._task, self._heartbeat, self._closer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.broker.stop()

    # Subscriptions

    async def subscribe(self, filters: Filters) -> Subscription:
        """A queue of the events from now on. The hub starts delivering with its first
        subscriber (a worker nobody listens to reads no log)."""
        async with self._starting:  # many first subscribers at once start one hub
            if self._task is None and not self._stopping:
                self.delivered = await self.head()
                self._task = asyncio.create_task(self._run(), name="khabar-ticker-hub")
                self._heartbeat = asyncio.create_task(self._beat(), name="khabar-ticker-beat")
        subscription = Subscription(filters)
        if self._stopping:
            subscription.close()
        self.subscriptions.add(subscription)
        TICKER_CLIENTS.set(len(self.subscriptions))
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscriptions.discard(subscription)
        TICKER_CLIENTS.set(len(self.subscriptions))

    # The log

    async def head(self) -> int:
        async with self.sessions() as session:
            return int(
                await session.scalar(select(func.coalesce(func.max(TickerEvent.id), 0))) or 0
            )

    async def _read(self, after: int) -> list[LiveEvent]:
        query = (
            select(TickerEvent.id, TickerEvent.type, TickerEvent.data, TickerEvent.language,
                   TickerEvent.priority_rank, TickerEvent.item_id)
            .where(TickerEvent.id > after)
            .order_by(TickerEvent.id)
            .limit(_BATCH)
        )  # fmt: skip
        async with self.sessions() as session:
            return [_live_event(row) for row in await session.execute(query)]

    async def replay(self, after: int, filters: Filters) -> list[LiveEvent] | None:
        """What a client that saw ``after`` missed, as the latest event of each line (so a
        line since corrected or deleted is never replayed as it was), in id order; None
        when the log cannot say (``after`` older than what it keeps, or newer than anything
        in it) or the gap is too long to replay (a reset is then smaller)."""
        async with self.sessions() as session:
            oldest, newest = (
                await session.execute(select(func.min(TickerEvent.id), func.max(TickerEvent.id)))
            ).one()
        if oldest is None or after < oldest - 1 or after > newest:
            return None
        missed = await self._read(after)
        if len(missed) >= _BATCH:
            return None
        latest = {event.item_id: event for event in missed if filters.accepts(event)}
        return sorted(latest.values(), key=lambda event: event.id)

    async def snapshot(self, filters: Filters) -> LiveEvent:
        """``ticker.reset``: the lines live now, for a client whose place in the log is lost."""
        head = await self.head()
        async with self.sessions() as session:
            # Every live line, as the events announce them (``GET /v1/ticker`` shows the top 50).
            rows = await repository.live_items(
                session,
                PUBLIC,
                utcnow(),
                language=filters.language,
                max_rank=filters.max_rank,
                limit=None,
            )
        items = [represent(row) for row in rows]
        return LiveEvent.make(head, RESET, orjson.dumps({"items": items}).decode())

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                await self._deliver()
            except Exception:
                log.exception("reading the ticker's event log failed; retrying")
                await asyncio.sleep(self.poll_seconds)

    async def _beat(self) -> None:
        """One timer for every stream's heartbeat (a timer per connection would cost each
        connection a task)."""
        beat = LiveEvent.make(0, HEARTBEAT, "")
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            for subscription in list(self.subscriptions):
                with contextlib.suppress(asyncio.QueueFull):  # a full queue has news to send
                    subscription.queue.put_nowait(beat)

    async def _deliver(self) -> None:
        while True:
            batch = await self._read(self.delivered)
            for event in batch:
                for subscription in list(self.subscriptions):
                    if not subscription.filters.accepts(event):
                        continue
                    try:
                        subscription.queue.put_nowait(event)
                    except asyncio.QueueFull:
                        # Too slow to keep up: end its stream; it resumes from the log.
                        self.subscriptions.discard(subscription)
                        TICKER_CLIENTS.set(len(self.subscriptions))
                        subscription.close()
                self.delivered = event.id
            if len(batch) < _BATCH:
                return


def broker_from_url(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else InProcessBroker()


def parse_last_event_id(value: str | None) -> int | None:
    """A ``Last-Event-ID`` as a log position; anything unreadable counts as lost (-1)."""
    if value is None or value == "":
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else -1


async def follow(
    hub: TickerHub, filters: Filters, last_event_id: int | None
) -> AsyncGenerator[LiveEvent, None]:
    """The events one client receives: what it missed since ``last_event_id`` (from the
    log; a ``ticker.reset`` when the log cannot say), then each new one as it happens, with a
    ``heartbeat`` (not an event: transports send it as they keep connections alive) every
    ``heartbeat_seconds``."""
    subscription = await hub.subscribe(filters)
    try:
        seen = -1
        if last_event_id is not None:
            missed = None if last_event_id < 0 else await hub.replay(last_event_id, filters)
            if missed is None:
                reset = await hub.snapshot(filters)
                seen = reset.id
                yield reset
            else:
                seen = last_event_id
                for event in missed:
                    seen = event.id
                    yield event
        while True:
            news = await subscription.queue.get()
            if news is None:
                return
            if news.type == HEARTBEAT:
                yield news
            elif news.id > seen:
                seen = news.id
                yield news
    finally:
        hub.unsubscribe(subscription)
