"""The delivery worker: sends what the outbox holds, signed, until it is delivered or expires.

Each app process runs one (``KHABAR_WEBHOOK_DELIVERY``). A worker *claims* due messages in
one statement that moves their ``next_attempt_at`` past the attempt's timeout (the lease) and
marks them with its claim token: ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`` on
PostgreSQL, so concurrent workers take disjoint sets without waiting on each other; on SQLite
the statement runs under the database's single write lock, which gives the same. So a message
is attempted by one worker at a time; one whose worker dies mid-attempt becomes due again when
its lease ends, and is sent again under the same ``webhook-id`` (at least once, never lost).

An attempt is signed with the ``standardwebhooks`` library (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``), must resolve the name, connect and have the
answer's status and first kilobyte within ``KHABAR_WEBHOOK_TIMEOUT_SECONDS``, follows no
redirect, and succeeds on a 2xx. Each attempt is logged (``webhook_deliveries``: outcome,
status, latency, the start of the answer); finished messages and their log are kept a week. A
failure is retried after about base × 2^(attempt − 1) seconds, with jitter so that
endpoints recovering together are not hit together, capped at
``KHABAR_WEBHOOK_RETRY_MAX_SECONDS`` (24 h); a message still undelivered after
``KHABAR_WEBHOOK_EXPIRE_HOURS`` expires. An endpoint that has failed every attempt for
``KHABAR_WEBHOOK_DISABLE_AFTER_HOURS`` (and at least ``…_FAILURES`` times in a row) is
disabled; its messages wait for its owner to re-enable it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from cryptography.fernet import InvalidToken
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook as Signer

from app.core.settings import Settings
from app.models import Webhook, WebhookDelivery, WebhookMessage
from app.models.base import utcnow
from app.ops.metrics import WEBHOOK_ATTEMPTS, WEBHOOK_DURATION
from app.webhooks import outbox
from app.webhooks.service import DELIVERED, EXPIRED, PENDING, disabled, unseal
from app.webhooks.targets import Pinned, TargetRefused, check_url, pinned, resolve_public

log = logging.getLogger("khabar.webhooks")

#: The lease is the attempt's timeout plus as much again, at most this: time to write down
#: the outcome.
LEASE_MARGIN_SECONDS = 5.0
EXCERPT_BYTES = 1024
#: Delivered, expired and superseded messages, and their delivery log, are kept this long.
RETENTION = timedelta(days=7)
USER_AGENT = "Khabar-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    msg_id: str
    webhook_id: int
    event_type: str
    payload: str
    created_at: datetime
    attempt: int
    url: str
    secret: str  # sealed, as stored; unsealed for each attempt
    previous_secret: str | None
    previous_until: datetime | None
    claim: str


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str  # delivered | failed | timeout | error | refused
    status_code: int | None
    latency_ms: int
    excerpt: str | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.outcome == DELIVERED


def lease_seconds(settings: Settings) -> float:
    """How long a claimed message is left to its worker before another may attempt it."""
    timeout = settings.webhook_timeout_seconds
    return timeout + min(LEASE_MARGIN_SECONDS, timeout)


def retry_delay(attempt: int, settings: Settings) -> float:
    """Seconds before retrying after failed attempt ``attempt`` (1, 2, …): exponential,
    capped, with "equal jitter" (between half and all of the step)."""
    step = min(
        settings.webhook_retry_max_seconds,
        settings.webhook_retry_base_seconds * 2.0 ** min(attempt - 1, 60),
    )
    return step / 2 + random.uniform(0, step / 2)


def _due(now: datetime) -> Any:
    return (
        select(WebhookMessage.id)
        .join(Webhook, Webhook.id == WebhookMessage.webhook_id)
        .where(
            WebhookMessage.status == PENDING,
            WebhookMessage.next_attempt_at <= now,
            Webhook.is_active.is_(True),
        )
        .order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
    )


async def any_due(reads: async_sessionmaker[AsyncSession]) -> bool:
    """A read (no write lock, on SQLite) before claiming: most polls find nothing."""
    async with reads() as session:
        return (await session.scalar(_due(utcnow()).limit(1))) is not None


async def claim(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, limit: int
) -> list[Claimed]:
    """Take up to ``limit`` due messages of active endpoints for this worker."""
    now = utcnow()
    token = secrets.token_hex(8)
    lease = now + timedelta(seconds=lease_seconds(settings))
    due = _due(now).limit(limit).with_for_update(of=WebhookMessage, skip_locked=True)
    async with sessions() as session, session.begin():
        taken = (
            await session.execute(
                update(WebhookMessage)
                .where(WebhookMessage.id.in_(due.scalar_subquery()))
                .values(next_attempt_at=lease, attempts=WebhookMessage.attempts + 1, claim=token)
                .returning(
                    WebhookMessage.id,
                    WebhookMessage.msg_id,
                    WebhookMessage.webhook_id,
                    WebhookMessage.event_type,
                    WebhookMessage.payload,
                    WebhookMessage.created_at,
                    WebhookMessage.attempts,
                )
                .execution_options(synchronize_session=False)
            )
        ).all()
        if not taken:
            return []
        endpoints = {
            row.id: row
            for row in await session.execute(
                select(
                    Webhook.id,
                    Webhook.url,
                    Webhook.secret,
                    Webhook.previous_secret,
                    Webhook.previous_secret_until,
                ).where(Webhook.id.in_({row.webhook_id for row in taken}))
            )
        }
    claimed = [
        Claimed(
            row.id,
            row.msg_id,
            row.webhook_id,
            row.event_type,
            row.payload,
            row.created_at,
            row.attempts,
            endpoints[row.webhook_id].url,
            endpoints[row.webhook_id].secret,
            endpoints[row.webhook_id].previous_secret,
            endpoints[row.webhook_id].previous_secret_until,
            token,
        )
        for row in taken
    ]
    return sorted(claimed, key=lambda message: message.id)


def signature(message: Claimed, sent_at: datetime) -> str:
    """``webhook-signature``: signed with the endpoint's secret, and during a rotation's
    overlap with the one before it too (receivers accept either)."""
    secrets_now = [message.secret]
    if message.previous_secret and message.previous_until and message.previous_until > sent_at:
        secrets_now.append(message.previous_secret)
    return " ".join(
        Signer(unseal(sealed)).sign(message.msg_id, sent_at, message.payload)
        for sealed in secrets_now
    )


async def attempt(client: httpx.AsyncClient, message: Claimed, settings: Settings) -> Outcome:
    """One signed POST of the message, resolution of the name included, within the timeout;
    never raises: whatever goes wrong is the attempt's outcome."""
    started = time.perf_counter()
    status: int | None = None
    excerpt: str | None = None

    def done(outcome: str, error: str | None = None) -> Outcome:
        latency = round((time.perf_counter() - started) * 1000)
        return Outcome(outcome, status, latency, excerpt, error and error[:500])

    try:
        async with asyncio.timeout(settings.webhook_timeout_seconds):
            url = check_url(message.url)
            target = Pinned(url)
            if settings.webhook_blocks_private_targets:
                target = pinned(url, await resolve_public(url))
            sent_at = utcnow()
            headers = {
                **target.headers,
                "webhook-id": message.msg_id,
                "webhook-timestamp": str(int(sent_at.timestamp())),
                "webhook-signature": signature(message, sent_at),
                "content-type": "application/json",
                "user-agent": USER_AGENT,
            }
            async with client.stream(
                "POST",
                target.url,
                content=message.payload.encode(),
                headers=headers,
                extensions=target.extensions,
            ) as response:
                status = response.status_code
                head = b""
                async for chunk in response.aiter_bytes():
                    head += chunk
                    if len(head) >= EXCERPT_BYTES:
                        break
                # Text for the log; a NUL is not text (and PostgreSQL refuses it).
                text = head[:EXCERPT_BYTES].decode("utf-8", "replace").replace("\x00", "")
                excerpt = text or None
    except TargetRefused as refused:
        return done("refused", str(refused))
    except TimeoutError:
        return done("timeout", f"No complete answer within {settings.webhook_timeout_seconds} s.")
    except InvalidToken:
        return done("error", "The signing secret cannot be read: was KHABAR_SECRET_KEY changed?")
    except Exception as error:  # the network's, the receiver's or the URL's: all an outcome
        return done("error", f"{type(error).__name__}: {error}")
    return done(DELIVERED if 200 <= status < 300 else "failed")


async def record(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    message: Claimed,
    result: Outcome,
) -> None:
    """Log the attempt and move the message on: delivered, due again later, or expired; keep
    the endpoint's failure count, and disable it when it has failed for too long."""
    now = utcnow()
    async with sessions() as session, session.begin():
        await session.execute(
            insert(WebhookDelivery).values(
                webhook_id=message.webhook_id,
                message_id=message.id,
                msg_id=message.msg_id,
                event_type=message.event_type,
                attempt=message.attempt,
                attempted_at=now - timedelta(milliseconds=result.latency_ms),
                outcome=result.outcome,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                response_excerpt=result.excerpt,
                error=result.error,
            )
        )
        # Only while this worker still holds the claim (its lease may have run out).
        # The attempt is logged whatever happened since; the message and the endpoint are
        # moved on only by the worker that still holds the claim (its lease may have run out
        # and another worker taken it; it may have been superseded or swept as expired).
        mine = (WebhookMessage.id == message.id, WebhookMessage.claim == message.claim)
        if result.delivered:
            moved = await session.execute(
                update(WebhookMessage)
                .where(*mine)
                .values(status=DELIVERED, delivered_at=now, claim=None)
            )
            if not _matched(moved):
                return
            await session.execute(
                update(Webhook)
                .where(Webhook.id == message.webhook_id)
                .values(failing_since=None, consecutive_failures=0)
            )
            return
        expired = message.created_at <= now - timedelta(hours=settings.webhook_expire_hours)
        retry_at = now + timedelta(seconds=retry_delay(message.attempt, settings))
        moved = await session.execute(
            update(WebhookMessage)
            .where(*mine)
            .values(
                status=EXPIRED if expired else PENDING,
                next_attempt_at=retry_at,
                claim=None,
            )
        )
        if not _matched(moved):
            return
        failing = (
            await session.execute(
                update(Webhook)
                .where(Webhook.id == message.webhook_id)
                .values(
                    consecutive_failures=Webhook.consecutive_failures + 1,
                    failing_since=func.coalesce(Webhook.failing_since, now),
                )
                .returning(Webhook.failing_since, Webhook.consecutive_failures, Webhook.is_active)
            )
        ).one_or_none()
        if failing is None or not failing.is_active:
            return
        since: datetime = failing.failing_since or now
        count: int = failing.consecutive_failures
        long_enough = since <= now - timedelta(hours=settings.webhook_disable_after_hours)
        if long_enough and count >= settings.webhook_disable_after_failures:
            await session.execute(
                update(Webhook)
                .where(Webhook.id == message.webhook_id)
                .values(
                    disabled(
                        f"Every attempt failed since {since:%Y-%m-%dT%H:%M:%SZ} "
                        f"({count} in a row); the last: {result.outcome}"
                        + (f" {result.status_code}" if result.status_code else "")
                        + ". Re-enable it with PATCH is_active: true.",
                        now,
                    )
                )
            )
            log.warning("webhook %s disabled after %s failures", message.webhook_id, count)


def _matched(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))


async def sweep(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Give up messages older than the expiry that are still waiting (a disabled endpoint's;
    not one an attempt holds), and forget finished messages, with their delivery log, after
    :data:`RETENTION`. How many were given up."""
    now = utcnow()
    cutoff = now - timedelta(hours=settings.webhook_expire_hours)
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(WebhookMessage)
            .where(
                WebhookMessage.status == PENDING,
                WebhookMessage.created_at < cutoff,
                or_(WebhookMessage.claim.is_(None), WebhookMessage.next_attempt_at <= now),
            )
            .values(status=EXPIRED, claim=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            delete(WebhookMessage).where(
                WebhookMessage.status != PENDING, WebhookMessage.created_at < now - RETENTION
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)


class DeliveryWorker:
    """Claims and sends due messages, up to ``KHABAR_WEBHOOK_CONCURRENCY`` at once. Woken at
    once by a commit in this process that wrote messages; otherwise looks every
    ``KHABAR_WEBHOOK_POLL_SECONDS`` (retries coming due, other processes' events)."""

    EXPIRY_SWEEP_SECONDS = 300.0

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reads: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        self._sessions = sessions
        self._reads = reads
        self._settings = settings
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._stop_listening: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=settings.webhook_timeout_seconds,
            limits=httpx.Limits(max_connections=settings.webhook_concurrency),
        )

    def wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_listening = outbox.on_commit(self.wake)
        self._task = asyncio.create_task(self._run(), name="khabar-webhook-delivery")

    async def stop(self) -> None:
        """Stop claiming and abandon attempts in flight: their leases run out and another
        worker (or this one, restarted) sends them again under the same ``webhook-id``."""
        if self._stop_listening is not None:
            self._stop_listening()
        tasks = [task for task in (self._task, *self._inflight) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._client.aclose()

    async def _run(self) -> None:
        last_sweep = float("-inf")
        while True:
            try:
                if time.monotonic() - last_sweep > self.EXPIRY_SWEEP_SECONDS:
                    last_sweep = time.monotonic()
                    await sweep(self._sessions, self._settings)
                self._wake.clear()
                free = self._settings.webhook_concurrency - len(self._inflight)
                due = free > 0 and await any_due(self._reads)
                claimed = await claim(self._sessions, self._settings, free) if due else []
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("claiming webhook messages failed; retrying")
                claimed = []
            for message in claimed:
                task = asyncio.create_task(self._send(message))
                self._inflight.add(task)
                task.add_done_callback(self._finished)
            if claimed and len(claimed) == free:
                await asyncio.sleep(0)  # more may be due: claim again when a slot frees
                if len(self._inflight) >= self._settings.webhook_concurrency:
                    await self._wait(self._settings.webhook_poll_seconds)
                continue
            await self._wait(self._settings.webhook_poll_seconds)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._wake.set()  # a slot is free

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _send(self, message: Claimed) -> None:
        result = await attempt(self._client, message, self._settings)
        WEBHOOK_ATTEMPTS.labels(result.outcome).inc()
        WEBHOOK_DURATION.observe(result.latency_ms / 1000)
        try:
            await record(self._sessions, self._settings, message, result)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease runs out and the message is attempted again: at least once.
            log.exception("recording the attempt of %s failed", message.msg_id)
