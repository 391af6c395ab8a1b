"""``Idempotency-Key`` on POSTs: the same key and body within 24 hours returns the first
response instead of doing the work twice (a client retrying after a timeout creates one
article, not two).

The record is written in the request's own transaction, before the work, and filled with the
response when the route succeeds: a change and its record commit together or not at all. A
failed request leaves no record, so retrying it runs it again. Two requests with the same key
at the same moment: the second waits on the record's unique index and is answered 409 (retry
it to get the replay). Keys belong to the caller: another account's key is another record.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.auth.dependencies import AuthenticatedDep
from app.auth.principal import Principal
from app.core.database import WriteSession
from app.core.errors import KhabarError
from app.models import IdempotencyRecord
from app.models.base import utcnow

RETENTION = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("location", "etag", "content-type", "cache-control")


class IdempotencyKeyReused(KhabarError):
    status = 422
    code = "idempotency-key-reused"
    title = "Idempotency key reused"


class Replay(Exception):
    """Raised by the dependency to answer with the stored first response."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        # Copied out: the session is rolled back (and the row expired) before the handler runs.
        self.status_code = record.status_code
        self.headers = dict(record.headers)
        self.body = bytes(record.body)


class Idempotency:
    __slots__ = ("record",)

    def __init__(self, record: IdempotencyRecord | None) -> None:
        self.record = record

    def remember(self, response: Response) -> Response:
        """Store ``response`` as the answer to this key (no-op without a key)."""
        if self.record is not None:
            self.record.status_code = response.status_code
            self.record.headers = {
                name: value for name, value in response.headers.items() if name in _KEPT_HEADERS
            }
            self.record.body = bytes(response.body)
        return response


def fingerprint(request: Request, body: bytes) -> str:
    """What "the same request" means: method, path, query and the body (or its digest)."""
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\x00")
    digest.update(body)
    return digest.hexdigest()


#: The ``Idempotency-Key`` request header.
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Replays the first response to the same key and body for 24 hours.",
    ),
]


async def replay_if_seen(session: AsyncSession, who: str, key: str, request_hash: str) -> None:
    """Raise ``Replay`` when this caller used ``key`` for the same request in the last 24
    hours; 422 when it used it for another."""
    existing = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal == who,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at >= utcnow() - RETENTION,
        )
    )
    if existing is not None:
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request in the last 24 hours; "
                "use a new key for a new request."
            )
        raise Replay(existing)


async def begin_idempotent(
    session: AsyncSession, principal: Principal, key: str | None, request_hash: str
) -> Idempotency:
    """In the write's own transaction: replay a seen key, or record this one."""
    if key is None:
        return Idempotency(None)
    who = principal.actor
    now = utcnow()
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.principal == who,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < now - RETENTION,
        )
    )
    await replay_if_seen(session, who, key, request_hash)
    record = IdempotencyRecord(principal=who, key=key, request_hash=request_hash, created_at=now)
    session.add(record)
    await session.flush()
    return Idempotency(record)


async def _idempotency(
    request: Request,
    principal: AuthenticatedDep,
    session: WriteSession,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Idempotency:
    if idempotency_key is None:
        return Idempotency(None)
    request_hash = fingerprint(request, await request.body())
    return await begin_idempotent(session, principal, idempotency_key, request_hash)


IdempotencyDep = Annotated[Idempotency, Depends(_idempotency)]


async def replay_response(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    headers: dict[str, Any] = {**exc.headers, REPLAYED_HEADER: "true"}
    media_type = headers.pop("content-type", None)
    return Response(exc.body, status_code=exc.status_code, headers=headers, media_type=media_type)


async def purge_expired(session: Any) -> None:
    """Drop records older than the retention (run by the app's clock)."""
    await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - RETENTION)
    )
