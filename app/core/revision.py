"""The content revision: one counter that moves with every change to public content.

Every flush that touches a content model bumps ``content_state.revision`` in the same
transaction (a ``before_flush`` hook, so no write path can forget it) and recomputes
``next_transition_at``, the next moment the clock alone changes what the public sees (an embargo
lifting, a scheduled item starting or a ticker item expiring). A background clock in the app
bumps the revision when that moment passes. Public ETags are derived from the revision, so a
revalidation is one small query.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.articles.visibility import article_visibility_changes
from app.core.sqlite_inline import InlineReader
from app.models import (
    Article,
    ArticleAuthor,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
    Author,
    Category,
    Collection,
    CollectionItem,
    ContentState,
    Media,
    Tag,
    TickerItem,
)
from app.models.base import utcnow
from app.ticker.visibility import ticker_visibility_changes

log = logging.getLogger("khabar.revision")

STATE_ID = 1
#: Set on a session whose transaction moved the clock (``app.ticker.events`` reads it).
CLOCK_ADVANCED = "khabar_clock_advanced"
T = TypeVar("T")

CONTENT_MODELS: tuple[type[Any], ...] = (
    Article,
    ArticleAuthor,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
    Author,
    Category,
    Collection,
    CollectionItem,
    Media,
    Tag,
    TickerItem,
)


@dataclass(frozen=True, slots=True)
class Revision:
    value: int
    next_transition_at: datetime | None

    def is_stale(self, now: datetime) -> bool:
        """True when a clock transition has passed and the clock task has not bumped yet."""
        return self.next_transition_at is not None and self.next_transition_at <= now


def _next_transition_query(now: datetime) -> Any:
    # The visibility modules own which times matter; this only takes the earliest.
    future = union_all(*article_visibility_changes(now), *ticker_visibility_changes(now)).subquery()
    return select(func.min(future.c[0]))


def _touches_content(session: Session) -> bool:
    return any(
        isinstance(obj, CONTENT_MODELS)
        for group in (session.new, session.dirty, session.deleted)
        for obj in group
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _touches_content(session) and not session.info.get("khabar_content_changed"):
        session.info["khabar_content_changed"] = True
        # Content writers take the revision row's lock before writing anything, so they run
        # one at a time: cards rendered in this transaction then see every change committed
        # before it, and no two transactions overwrite each other's cards (PostgreSQL; on
        # SQLite, BEGIN IMMEDIATE already serialises writers and FOR UPDATE is not rendered).
        session.execute(
            select(ContentState.id).where(ContentState.id == STATE_ID).with_for_update()
        )


async def lock_content(session: AsyncSession) -> None:
    """Take the content writers' lock now rather than at the first flush: for a writer that
    reads before it writes (is this slug free?) and must not race another doing the same."""
    await session.execute(
        select(ContentState.id).where(ContentState.id == STATE_ID).with_for_update()
    )


def _after_flush(session: Session, _context: Any) -> None:
    if not session.info.pop("khabar_content_changed", False):
        return
    bump_revision_sync(session)


def bump_revision_sync(session: Session) -> None:
    """Bump the revision inside the session's transaction. Call it after bulk Core writes,
    which the flush hook cannot see.

    The next transition is computed afresh, so one that has passed since the clock last ticked
    would be forgotten: the transaction is then marked as having moved the clock too
    (``CLOCK_ADVANCED``), and what that transition changed is announced and indexed at its
    commit."""
    now = utcnow()
    passed = session.scalar(
        select(ContentState.next_transition_at).where(ContentState.id == STATE_ID)
    )
    if passed is not None and passed <= now:
        session.info[CLOCK_ADVANCED] = True
    next_at = _next_transition_query(now).scalar_subquery()
    session.execute(
        update(ContentState)
        .where(ContentState.id == STATE_ID)
        .values(revision=ContentState.revision + 1, next_transition_at=next_at)
    )


async def bump_revision(session: AsyncSession) -> None:
    await session.run_sync(bump_revision_sync)


def install_revision_hooks() -> None:
    from sqlalchemy import event

    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


_STATE_QUERY = select(ContentState.revision, ContentState.next_transition_at).where(
    ContentState.id == STATE_ID
)


async def current_revision(session: AsyncSession) -> Revision:
    row = (await session.execute(_STATE_QUERY)).one_or_none()
    if row is None:
        return Revision(0, None)
    return Revision(row[0], row[1])


async def ensure_state_row(session: AsyncSession) -> None:
    exists = await session.scalar(select(ContentState.id).where(ContentState.id == STATE_ID))
    if exists is None:
        session.add(ContentState(id=STATE_ID, revision=1))
        await session.flush()


async def claim_fingerprint(session: AsyncSession, column: Any, fingerprint: str) -> bool:
    """Record ``fingerprint`` in a column of the state row unless it is there already; True
    when this call changed it, and so owes the work that brings the derived data up to it.

    For derived data rebuilt at start-up (cards, the search index): with several workers
    starting at once, the conditional UPDATE lets one of them claim the work while the others
    wait for its commit and find nothing left to do."""
    claimed = await session.execute(
        update(ContentState)
        .where(ContentState.id == STATE_ID, or_(column.is_(None), column != fingerprint))
        .values({column.key: fingerprint})
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0))


async def advance_clock(session: AsyncSession) -> bool:
    """Bump the revision if a clock transition has passed; True when it did. Safe with many
    workers: the conditional UPDATE lets one of them win and the others change nothing."""
    now = utcnow()
    result = await session.execute(
        update(ContentState)
        .where(ContentState.id == STATE_ID, ContentState.next_transition_at <= now)
        .values(
            revision=ContentState.revision + 1,
            next_transition_at=_next_transition_query(now).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    advanced = bool(getattr(result, "rowcount", 0))
    if advanced:
        # What the public sees changed by the clock alone: the live ticker announces it.
        session.info[CLOCK_ADVANCED] = True
    return advanced


async def advance_clock_when_due(revisions: RevisionSource, engine: AsyncEngine) -> bool:
    """The clock's tick: one cheap read, and a write transaction only when a transition is
    due (on SQLite a write transaction takes the database's single write lock)."""
    if not (await revisions.read()).is_stale(utcnow()):
        return False
    async with AsyncSession(engine) as session, session.begin():
        return await advance_clock(session)


async def run_clock(
    context: T, interval: float, jobs: Sequence[Callable[[T], Awaitable[Any]]]
) -> None:
    """The app's background clock: each tick runs every job with ``context`` (turning
    passing time into revision bumps, publishing what is scheduled...). A failing job is
    logged and retried on the next tick; the others still run."""
    while True:
        for job in jobs:
            try:
                await job(context)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("clock job %s failed; retrying", getattr(job, "__name__", job))
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def clock_task(
    context: T, interval: float, jobs: Sequence[Callable[[T], Awaitable[Any]]]
) -> Any:
    task = asyncio.create_task(run_clock(context, interval, jobs), name="khabar-content-clock")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class RevisionSource(Protocol):
    """Where a worker reads the current content revision from."""

    async def read(self) -> Revision: ...

    def close(self) -> None: ...


class SessionRevisionSource:
    """Reads through a read session: PostgreSQL, and the tests' shared transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def read(self) -> Revision:
        async with self._sessions() as session:
            return await current_revision(session)

    def close(self) -> None:
        return None


class SQLiteRevisionSource:
    """Reads the one-row table through the worker's plain read-only sqlite3 connection.

    A revalidation is then a 5 µs primary-key read instead of a session and a thread hop; in
    WAL mode a reader never waits, and each read sees the latest committed revision.
    """

    _QUERY = f"SELECT revision, next_transition_at FROM content_state WHERE id = {STATE_ID}"

    def __init__(self, reader: InlineReader) -> None:
        self._reader = reader

    async def read(self) -> Revision:
        row = self._reader.fetchone(self._QUERY)
        if row is None:
            return Revision(0, None)
        next_at = datetime.fromisoformat(row[1]).replace(tzinfo=UTC) if row[1] else None
        return Revision(int(row[0]), next_at)

    def close(self) -> None:
        self._reader.close()
