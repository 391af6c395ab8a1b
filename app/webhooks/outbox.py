"""The webhook outbox: events become messages in the transaction that made them.

An event (``article.published``, ``ticker.created``…) is written as one ``webhook_messages``
row per endpoint subscribed to it, by the same transaction as the change: if the change
commits, its messages exist; if it rolls back, they never did. Nothing is sent here. The
delivery worker (``app.webhooks.delivery``) sends what is due; after a commit that wrote
messages, the worker of this process is woken at once, so a healthy receiver hears of a
publication within milliseconds, and other processes' workers find it at their next poll.

The body is fixed here, once: every attempt sends the same bytes under the same
``webhook-id``, so a receiver can de-duplicate retries.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, insert, or_, select, update
from sqlalchemy.orm import Session

from app.core.text import rfc3339
from app.models import ApiKey, Webhook, WebhookMessage

WRITTEN = "khabar_webhooks_written"

#: Called after every commit in this process that wrote messages (each running worker).
_commit_listeners: set[Callable[[], None]] = set()


def on_commit(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` after every commit in this process that wrote webhook messages; the
    returned function stops that."""
    _commit_listeners.add(listener)
    return lambda: _commit_listeners.discard(listener)


def new_message_id() -> str:
    """``msg_`` then the time in milliseconds (so ids sort by age) and 64 random bits."""
    return f"msg_{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


def body(kind: str, data: bytes, at: datetime) -> str:
    """The Standard Webhooks body: ``{"type", "timestamp", "data"}``; ``data`` is JSON."""
    head = f'{{"type":"{kind}","timestamp":"{rfc3339(at)}","data":'
    return head + data.decode() + "}"


SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Event:
    """What happened: its type, its ``data`` (JSON), what it is about (``article:42``), and
    the types of waiting messages about the same subject it takes back (a withdrawal takes
    back the publication and updates not yet delivered: they carry the story)."""

    type: str
    data: bytes
    subject: str | None = None
    supersedes: tuple[str, ...] = ()


Endpoints = Sequence[tuple[int, list[str]]]


def endpoints(session: Session) -> Endpoints:
    """Every endpoint's id and subscribed event types: disabled ones included (their messages
    wait for them to be re-enabled, or expire), not those of a revoked partner key."""
    revoked = select(ApiKey.id).where(ApiKey.revoked_at.is_not(None))
    query = select(Webhook.id, Webhook.events).where(
        or_(Webhook.owner_key_id.is_(None), Webhook.owner_key_id.not_in(revoked))
    )
    return [(row.id, row.events) for row in session.execute(query)]


def enqueue(
    session: Session,
    events: Sequence[Event],
    now: datetime,
    subscribers: Endpoints | None = None,
) -> list[str]:
    """Write a message for each event to each endpoint subscribed to its type
    (``subscribers``, when the caller has read them already); the ``webhook-id`` of each."""
    if not events:
        return []
    for taken_back in (e for e in events if e.supersedes):
        session.execute(
            update(WebhookMessage)
            .where(
                WebhookMessage.subject == taken_back.subject,
                WebhookMessage.event_type.in_(taken_back.supersedes),
                WebhookMessage.status == "pending",
            )
            .values(status=SUPERSEDED, claim=None)
            .execution_options(synchronize_session=False)
        )
    if subscribers is None:
        subscribers = endpoints(session)
    rows = [
        {
            "webhook_id": endpoint_id,
            "msg_id": new_message_id(),
            "event_type": event.type,
            "subject": event.subject,
            "payload": payload,
            "created_at": now,
            "next_attempt_at": now,
        }
        for event in events
        for payload in (body(event.type, event.data, now),)
        for endpoint_id, subscribed in subscribers
        if event.type in subscribed
    ]
    if rows:
        session.execute(insert(WebhookMessage), rows)
        session.info[WRITTEN] = True
    return [str(row["msg_id"]) for row in rows]


def _after_commit(session: Session) -> None:
    if session.info.pop(WRITTEN, False):
        for listener in list(_commit_listeners):
            listener()


def _after_rollback(session: Session) -> None:
    session.info.pop(WRITTEN, None)


def install_outbox_hooks() -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
