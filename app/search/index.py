"""Keeping the search index in step with what the public may see.

``article_search`` holds a row for every article the public may see now, and for no other:
search never has to ask whether a match may be shown. Nobody needs to remember to index:

* every transaction that creates a published article or changes what is indexed of one
  (title, subtitle, summary, body, language) or who may see it (``VISIBILITY_FIELDS``)
  re-indexes it when it commits (``install_search_hooks``): a visible article's row is written
  again, any other's removed. So publishing indexes a story and unpublishing, archiving or
  embargoing removes it in the same commit that makes the change; drafts cost nothing;
* a transaction in which the clock moved (a publication time arriving, an embargo lifting:
  ``app.core.revision.advance_clock``, or any content write after such a moment passed)
  brings the index up to the public articles;
* bulk loads, which write with Core statements the hooks cannot see, call
  :func:`index_articles` or :func:`rebuild` themselves;
* at start-up, an index built by another version of the text analysis (or none at all, after
  the migration) is rebuilt (:func:`ensure_index_current`).

Like the listing rows and the ticker's events, indexing runs inside the content writers' lock
(``app.core.revision``), so two writers never index the same article from different states.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import datetime
from importlib.metadata import version
from typing import Any

from sqlalchemy import delete, event, exists, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app.articles.visibility import PUBLIC, PUBLISHED, VISIBILITY_FIELDS, visible_articles
from app.core.revision import CLOCK_ADVANCED, STATE_ID, claim_fingerprint
from app.models import Article, ArticleSearch, ContentState
from app.models.base import utcnow
from app.search import analysis
from app.search.engines import Engine, engine_for, texts_of

#: The article columns the index is made of, besides those that decide visibility.
INDEXED_FIELDS = ("title", "subtitle", "summary", "body_text", "language", "published_at")
_WATCHED = tuple(dict.fromkeys((*INDEXED_FIELDS, *VISIBILITY_FIELDS)))
BATCH = 500

_PENDING = "khabar_search_pending"
#: Pending articles that were published before the transaction (they may have a row).
_MAYBE_INDEXED = "khabar_search_maybe_indexed"

#: What the index depends on beyond the data: the analysis and the Snowball stemmers. A change
#: to either changes the terms a text gives, and the index is rebuilt at the next start.
FINGERPRINT = hashlib.sha256(
    f"{analysis.ANALYSIS_VERSION}|{version('snowballstemmer')}".encode()
).hexdigest()


def _engine(session: Session) -> Engine:
    return engine_for(session.get_bind().dialect.name)


def _indexed_rows(session: Session, article_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    engine = _engine(session)
    rows = session.execute(
        select(
            Article.id,
            Article.language,
            Article.published_at,
            Article.title,
            Article.subtitle,
            Article.summary,
            Article.body_text,
        ).where(Article.id.in_(article_ids), visible_articles(PUBLIC, now))
    ).all()
    return [
        {
            "article_id": row.id,
            "language": row.language,
            "published_at": row.published_at,
            **engine.document(
                texts_of(row.title, row.subtitle, row.summary, row.body_text, row.language)
            ),
        }
        for row in rows
    ]


def index_articles(
    session: Session,
    article_ids: Iterable[int],
    now: datetime | None = None,
    unindexed: Collection[int] = (),
) -> int:
    """Bring the index rows of these articles up to date: written again for those the public
    may see at ``now``, removed for the others. ``unindexed`` names articles known to have no
    row (never published before this transaction), which need no removal. The number
    indexed."""
    now = now or utcnow()
    ordered = sorted(set(article_ids))
    indexed = 0
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        rows = _indexed_rows(session, batch, now)
        stale = [article_id for article_id in batch if article_id not in unindexed]
        if stale:
            session.execute(delete(ArticleSearch).where(ArticleSearch.article_id.in_(stale)))
        if rows:
            session.execute(insert(ArticleSearch), rows)
        indexed += len(rows)
    return indexed


def out_of_step(session: Session, now: datetime) -> list[int]:
    """Articles public at ``now`` without an index row, and index rows of articles that are
    not public: what the clock changed (or anything else that bypassed the hooks)."""
    visible = visible_articles(PUBLIC, now)
    missing = select(Article.id).where(
        visible, ~exists().where(ArticleSearch.article_id == Article.id)
    )
    stale = select(ArticleSearch.article_id).where(
        ~exists().where(Article.id == ArticleSearch.article_id, visible)
    )
    return [*session.scalars(missing), *session.scalars(stale)]


def rebuild(session: Session, now: datetime | None = None) -> int:
    """Index every public article afresh, and record the analysis it was built with."""
    now = now or utcnow()
    session.flush()
    session.info.pop(_PENDING, None)  # every article is indexed below
    session.info.pop(_MAYBE_INDEXED, None)
    # Row by row, so that SQLite's triggers take each one out of the FTS5 index as well.
    session.execute(delete(ArticleSearch))
    ids = list(session.scalars(select(Article.id).where(visible_articles(PUBLIC, now))))
    indexed = index_articles(session, ids, now)
    session.execute(
        update(ContentState)
        .where(ContentState.id == STATE_ID)
        .values(search_fingerprint=FINGERPRINT)
        .execution_options(synchronize_session=False)
    )
    return indexed


async def ensure_index_current(engine: AsyncEngine) -> bool:
    """Rebuild the index when it was built by another analysis, or never (after the
    migration that made it). Runs at start-up; of several workers starting at once, one
    rebuilds (``claim_fingerprint``). True when this call rebuilt."""
    async with AsyncSession(engine) as session, session.begin():
        if not await claim_fingerprint(session, ContentState.search_fingerprint, FINGERPRINT):
            return False
        await session.run_sync(rebuild)
    return True


async def reindex(session: AsyncSession, article_ids: Collection[int]) -> int:
    return await session.run_sync(index_articles, article_ids)


# Hooks


def _statuses(obj: Any) -> tuple[set[str], bool]:
    """The article's status and, if it changed, the one before; and whether any column the
    index reads changed."""
    state = inspect(obj)
    history = state.attrs.status.history
    before = set(history.deleted) if history.has_changes() else {obj.status}
    changed = any(state.attrs[name].history.has_changes() for name in _WATCHED)
    return before, changed


def _after_flush(session: Session, _context: Any) -> None:
    # Attribute history is still there after the flush, and new articles have their ids. Only
    # a published article is ever visible: an article neither published before this flush nor
    # now (a draft saved, a scheduled story rescheduled) cannot have, or need, an index row.
    pending: set[int] = session.info.setdefault(_PENDING, set())
    indexed: set[int] = session.info.setdefault(_MAYBE_INDEXED, set())
    for obj in session.new:
        if isinstance(obj, Article) and obj.status == PUBLISHED:
            pending.add(obj.id)
    for obj in session.dirty:
        if not isinstance(obj, Article):
            continue
        before, changed = _statuses(obj)
        if changed and PUBLISHED in (before | {obj.status}):
            pending.add(obj.id)
            if PUBLISHED in before:
                indexed.add(obj.id)


def _before_commit(session: Session) -> None:
    # The commit's own flush comes after this hook: flush now, so its changes are seen.
    session.flush()
    pending: set[int] = session.info.pop(_PENDING, set())
    maybe_indexed: set[int] = session.info.pop(_MAYBE_INDEXED, set())
    now = utcnow()
    if session.info.get(CLOCK_ADVANCED):
        drifted = out_of_step(session, now)
        pending.update(drifted)
        maybe_indexed.update(drifted)
    if pending:
        index_articles(session, pending, now, unindexed=pending - maybe_indexed)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_MAYBE_INDEXED, None)


def install_search_hooks() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _forget)


def remove_search_hooks() -> None:
    """Stop indexing at commit (the search benchmark times writes with and without it)."""
    for name, hook in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_commit", _forget),
        ("after_rollback", _forget),
    ):
        if event.contains(Session, name, hook):
            event.remove(Session, name, hook)
