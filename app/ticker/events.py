"""The live ticker's events: what the public ticker gained, changed or lost, in a durable log.

Events are not written by each ticker write path. They are derived: ``announce`` compares the
lines the public sees now (``visibility.live_ticker_items``) with what was last announced
(``ticker_announced``) and writes ``ticker.created``, ``ticker.updated`` and
``ticker.deleted`` for the difference (a line whose language or priority changes leaves and
enters again, so that filtered streams see it go or arrive). So everything that changes what
the public sees makes its events the same way: a line written, changed or deleted; a line whose
``starts_at`` arrives or whose ``expires_at`` passes (the content clock); an article behind a
line published, unpublished, archived or embargoed.

It runs at the commit (after flushing) of every transaction that touched a ticker line or an
article's status or embargo, and of every clock transition, inside the content writers' lock:
event ids therefore commit in increasing order, which is what lets readers follow the log by
id. After such a commit the worker's hub is told (``on_commit``) and, through the broker, every
other worker's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.articles.visibility import PUBLIC, VISIBILITY_FIELDS
from app.core.revision import CLOCK_ADVANCED, lock_content
from app.models import Article, TickerAnnounced, TickerEvent, TickerItem
from app.models.base import utcnow
from app.models.ticker import TICKER_PRIORITIES
from app.ticker.repository import TICKER_COLUMNS
from app.ticker.service import represent
from app.ticker.visibility import live_ticker_items
from app.webhooks import outbox

CREATED, UPDATED, DELETED = "ticker.created", "ticker.updated", "ticker.deleted"
#: How long the log keeps events for ``Last-Event-ID`` replay.
RETENTION = timedelta(hours=24)

_CHECK = "khabar_ticker_check"
_ANNOUNCED = "khabar_ticker_announced"

#: Called after a commit that wrote events (each running hub registers itself).
_commit_listeners: set[Callable[[], None]] = set()


def on_commit(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` after every commit in this process that wrote ticker events; the
    returned function stops that."""
    _commit_listeners.add(listener)
    return lambda: _commit_listeners.discard(listener)


def _rank(data: dict[str, Any]) -> int:
    return TICKER_PRIORITIES.index(data["priority"])


def _audience(data: dict[str, Any]) -> tuple[str, str]:
    """What stream filters look at."""
    return data["language"], data["priority"]


def announce(session: Session, now: datetime) -> int:
    """Write the events that bring the announced ticker up to the live one; how many."""
    rows = session.execute(
        select(*TICKER_COLUMNS).where(live_ticker_items(PUBLIC, now)).order_by(TickerItem.id)
    ).all()
    live = {row.id: represent(row) for row in rows}
    announced: dict[int, dict[str, Any]] = {
        item_id: data
        for item_id, data in session.execute(select(TickerAnnounced.item_id, TickerAnnounced.data))
    }
    events: list[dict[str, Any]] = []
    for item_id, data in live.items():
        before = announced.get(item_id)
        if before == data:
            continue
        if before is not None and _audience(before) != _audience(data):
            # A new language or priority changes which filtered clients see the line: it
            # leaves the ones it no longer matches and enters the ones it now does.
            events.append(_event(DELETED, item_id, {"id": item_id}, before, now))
            before = None
        events.append(_event(CREATED if before is None else UPDATED, item_id, data, data, now))
    gone = sorted(set(announced) - set(live))
    for item_id in gone:
        events.append(_event(DELETED, item_id, {"id": item_id}, announced[item_id], now))
    if not events:
        return 0
    changed = sorted({e["item_id"] for e in events})
    session.execute(delete(TickerAnnounced).where(TickerAnnounced.item_id.in_(changed)))
    kept = [{"item_id": e["item_id"], "data": e["data"]} for e in events if e["type"] != DELETED]
    if kept:
        session.execute(insert(TickerAnnounced), kept)
    session.execute(insert(TickerEvent), events)
    session.info[_ANNOUNCED] = True
    # Webhooks carry the same events, written to their outbox in this transaction too.
    outbox.enqueue(
        session,
        [
            outbox.Event(e["type"], orjson.dumps(e["data"]), f"ticker:{e['item_id']}")
            for e in events
        ],
        now,
    )
    return len(events)


def _event(
    kind: str, item_id: int, data: dict[str, Any], line: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "type": kind,
        "item_id": item_id,
        "data": data,
        "language": line["language"],
        "priority_rank": _rank(line),
        "created_at": now,
    }


async def announce_now(session: AsyncSession) -> int:
    """Announce in a transaction of its own (at start-up: after migrations, bulk loads or a
    crash, the log catches up with the lines)."""
    await lock_content(session)
    return await session.run_sync(announce, utcnow())


async def purge_expired(session: AsyncSession) -> None:
    """Drop events older than ``RETENTION``, always keeping the newest, so ids go on from it."""
    newest = select(func.max(TickerEvent.id)).scalar_subquery()
    await session.execute(
        delete(TickerEvent).where(
            TickerEvent.created_at < utcnow() - RETENTION, TickerEvent.id < newest
        )
    )


# Hooks


def _affects_ticker(obj: Any, deleted: bool) -> bool:
    if isinstance(obj, TickerItem):
        return True
    if isinstance(obj, Article) and not inspect(obj).pending:
        state = inspect(obj)
        return deleted or any(state.attrs[name].history.has_changes() for name in VISIBILITY_FIELDS)
    return False


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_CHECK):
        return
    if any(_affects_ticker(obj, False) for obj in (*session.new, *session.dirty)) or any(
        _affects_ticker(obj, True) for obj in session.deleted
    ):
        session.info[_CHECK] = True


def _before_commit(session: Session) -> None:
    # The commit's own flush comes after this hook: flush now, so its changes are seen.
    session.flush()
    changed = session.info.pop(_CHECK, False)
    clock = session.info.get(CLOCK_ADVANCED, False)  # the search index reads it too
    if changed or clock:
        announce(session, utcnow())


def _after_commit(session: Session) -> None:
    session.info.pop(_CHECK, None)
    session.info.pop(CLOCK_ADVANCED, None)
    if session.info.pop(_ANNOUNCED, False):
        for listener in list(_commit_listeners):
            listener()


def _after_rollback(session: Session) -> None:
    for flag in (_CHECK, _ANNOUNCED, CLOCK_ADVANCED):
        session.info.pop(flag, None)


def install_ticker_hooks() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
