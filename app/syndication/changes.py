"""The partners' change feed, and the article events webhooks carry.

Partners who pull (``GET /v1/syndication/articles``) read ``syndication_changes`` in ``seq``
order from where they last stopped. Nobody needs to remember to write it: at the commit of
every transaction that created an article, changed one's row, or changed what its card shows
(its tags, bylines, category or featured media: ``app.articles.listing`` re-renders the card
and names the article in ``CARDS_CHANGED``), and of every transaction in which the clock moved
(a publication time arriving, an embargo lifting: :func:`clocked` finds those articles by
their times, not by comparing every article), :func:`record_changes` compares each such
article's audience (public, embargoed, withdrawn) and :func:`fingerprint` (its version and
card) with what the feed last said, and moves the ones that differ to the end of the feed.
Drafts that were never out cost one comparison and leave no row. (A caption edited on a
gallery photo changes neither; the article's next save carries it.)

The same comparison says what the public saw happen, which is what webhooks announce:

* not public before, public now: ``article.published``;
* public before and now, in a new version: ``article.updated``;
* public before, not now (unpublished, archived, embargoed after the fact): ``article.unpublished``.

Those events go to the webhook outbox in the same transaction (``app.webhooks.outbox``). Like
the ticker's log and the search index, all of this runs inside the content writers' lock
(``app.core.revision``), so ``seq`` values commit in increasing order: a partner reading up to
``seq`` N can never later find a change below N appear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, case, event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.articles.listing import CARDS_CHANGED
from app.articles.visibility import EMBARGOED, PUBLIC, visibility_passed, visible_articles
from app.core.revision import CLOCK_ADVANCED, STATE_ID
from app.core.settings import get_settings
from app.models import Article, ArticleCard, ContentState, SyndicationChange
from app.models.base import utcnow
from app.webhooks import outbox

PUBLIC_AUDIENCE, EMBARGOED_AUDIENCE, WITHDRAWN = "public", "embargoed", "withdrawn"
PUBLISHED_EVENT, UPDATED_EVENT, UNPUBLISHED_EVENT = (
    "article.published",
    "article.updated",
    "article.unpublished",
)
BATCH = 500
_TOUCHED = "khabar_syndication_touched"
#: An article's row changing at all makes a new version, which partners get.
_COLUMNS = tuple(attribute.key for attribute in inspect(Article).column_attrs)


def article_uri(article_id: int) -> str:
    """The article's identifier for partners, the same in every version: its API address."""
    return f"{get_settings().public_url.rstrip('/')}/v1/articles/{article_id}"


@dataclass(frozen=True, slots=True)
class Change:
    article_id: int
    before: str | None
    after: str
    #: What the article shows changed (not only who may see it).
    revised: bool

    @property
    def event(self) -> str | None:
        """The webhook event this change is, if the public saw one."""
        was, now = self.before == PUBLIC_AUDIENCE, self.after == PUBLIC_AUDIENCE
        if now and not was:
            return PUBLISHED_EVENT
        if was and not now:
            return UNPUBLISHED_EVENT
        if was and self.revised:
            return UPDATED_EVENT
        return None


def _audience(now: datetime) -> ColumnElement[str]:
    # The visibility module's own rule, once for everyone and once for embargo readers.
    return case(
        (visible_articles(PUBLIC, now), PUBLIC_AUDIENCE),
        (visible_articles(EMBARGOED, now), EMBARGOED_AUDIENCE),
        else_=WITHDRAWN,
    )


def _candidates(now: datetime, article_ids: Sequence[int] | None) -> Any:
    """The articles that may have changed for partners, with what the feed last said of them:
    the given ones (their cards or rows were written), or, scanning every article when the
    clock moved, those whose audience or version differs from the feed's."""
    audience = _audience(now)
    recorded = SyndicationChange
    query = select(
        Article.id,
        Article.version,
        audience.label("audience"),
        recorded.audience.label("recorded_audience"),
        recorded.fingerprint.label("recorded_fingerprint"),
        recorded.public_once,
        recorded.seq,
    ).outerjoin(recorded, recorded.article_id == Article.id)
    never_out = and_(recorded.article_id.is_(None), audience == WITHDRAWN)
    query = query.where(~never_out)
    if article_ids is None:
        unchanged = and_(
            recorded.audience == audience,
            or_(audience == WITHDRAWN, recorded.version == Article.version),
        )
        query = query.where(or_(recorded.article_id.is_(None), ~unchanged))
    else:
        query = query.where(Article.id.in_(article_ids))
    return query.order_by(Article.id)


def _cards(session: Session, article_ids: Sequence[int]) -> dict[int, bytes]:
    cards: dict[int, bytes] = {}
    for start in range(0, len(article_ids), BATCH):
        batch = article_ids[start : start + BATCH]
        query = select(ArticleCard.article_id, ArticleCard.card)
        cards.update(session.execute(query.where(ArticleCard.article_id.in_(batch))).all())
    return cards


def fingerprint(version: int, card: bytes | None) -> str:
    """What partners were shown of an article: its version (its own columns) and its card
    (its tags, bylines, category and featured media as the lists show them)."""
    return hashlib.sha256(b"%d|%s" % (version, card or b"")).hexdigest()


def record_changes(
    session: Session,
    article_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    *,
    announce: bool = True,
) -> list[Change]:
    """Move every article of ``article_ids`` (all articles when None) whose audience, or what
    it shows, differs from what the feed last said to the end of the feed; with ``announce``,
    write the webhook events the public saw. The changes, in feed order."""
    now = now or utcnow()
    ids = None if article_ids is None else sorted(set(article_ids))
    batches: list[Sequence[int] | None] = (
        [None] if ids is None else [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    )
    rows = [row for batch in batches for row in session.execute(_candidates(now, batch))]
    if not rows:
        return []
    cards = _cards(session, [row.id for row in rows])
    changes: list[Change] = []
    values: list[dict[str, Any]] = []
    for row in rows:
        shown = fingerprint(row.version, cards.get(row.id))
        revised = shown != row.recorded_fingerprint
        same_audience = row.audience == row.recorded_audience
        if same_audience and (row.audience == WITHDRAWN or not revised):
            continue
        changes.append(Change(row.id, row.recorded_audience, row.audience, revised))
        values.append(
            {
                "article_id": row.id,
                "audience": row.audience,
                "version": row.version,
                "fingerprint": shown,
                "public_once": bool(row.public_once) or row.audience == PUBLIC_AUDIENCE,
                "changed_at": now,
                "new": row.seq is None,
            }
        )
    if not changes:
        return []
    last = session.scalar(select(func.max(SyndicationChange.seq)))
    for seq, entry in enumerate(values, start=int(last or 0) + 1):
        entry["seq"] = seq
    moved = [{k: v for k, v in entry.items() if k != "new"} for entry in values if not entry["new"]]
    added = [{k: v for k, v in entry.items() if k != "new"} for entry in values if entry["new"]]
    if moved:
        # By primary key, in one executemany.
        session.execute(update(SyndicationChange), moved)
    if added:
        session.execute(insert(SyndicationChange), added)
    if announce and (endpoints := outbox.endpoints(session)):
        outbox.enqueue(session, _events(changes, cards), now, endpoints)
    return changes


def _events(changes: Sequence[Change], cards: dict[int, bytes]) -> list[outbox.Event]:
    """Each change the public saw as a webhook event."""
    events: list[outbox.Event] = []
    for change in changes:
        kind = change.event
        if kind is None:
            continue
        uri = article_uri(change.article_id)
        card = cards.get(change.article_id)
        if kind == UNPUBLISHED_EVENT or card is None:
            # Only what identifies the story: it may have been withdrawn for what it said.
            url = orjson.loads(card)["url"] if card is not None else None
            data = orjson.dumps({"id": change.article_id, "uri": uri, "url": url})
        else:
            # The article summary every list shows (stored ready to serve), plus its uri.
            data = card[:-1] + b',"uri":' + orjson.dumps(uri) + b"}"
        events.append(
            outbox.Event(
                kind,
                data,
                subject=f"article:{change.article_id}",
                # A withdrawal takes back what is still waiting to tell of the story.
                supersedes=(PUBLISHED_EVENT, UPDATED_EVENT) if kind == UNPUBLISHED_EVENT else (),
            )
        )
    return events


async def catch_up(session: Any, article_ids: Collection[int]) -> int:
    """Record articles written by bulk statements the hooks cannot see, without webhook
    events (a bulk load is not news)."""
    changes = await session.run_sync(lambda sync: record_changes(sync, article_ids, announce=False))
    return len(changes)


# Hooks


def _after_flush(session: Session, _context: Any) -> None:
    # Ids exist now, and attribute history is still there.
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    for obj in session.new:
        if isinstance(obj, Article):
            touched.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Article):
            state = inspect(obj)
            if any(state.attrs[key].history.has_changes() for key in _COLUMNS):
                touched.add(obj.id)


def _before_commit(session: Session) -> None:
    # The commit's own flush comes after this hook: flush now, so its changes are seen.
    session.flush()
    touched: set[int] = session.info.pop(_TOUCHED, set())
    touched |= session.info.pop(CARDS_CHANGED, set())
    if session.info.get(CLOCK_ADVANCED):
        record_changes(session, clocked(session, utcnow()))
    if touched:
        record_changes(session, touched)


#: Clocks of several machines differ a little: each look at what the clock changed goes
#: back this much before the last one.
CLOCK_MARGIN = timedelta(minutes=10)


def clocked(session: Session, now: datetime) -> list[int] | None:
    """The articles the clock may have changed since the feed last looked: a publication
    time or an embargo's end passed since then (both indexed). None, for every article, the
    first time. Records ``now`` as the feed's new look."""
    state = ContentState.syndication_clock_at
    since = session.scalar(select(state).where(ContentState.id == STATE_ID))
    session.execute(
        update(ContentState)
        .where(ContentState.id == STATE_ID, or_(state.is_(None), state < now))
        .values(syndication_clock_at=now)
        .execution_options(synchronize_session=False)
    )
    if since is None:
        return None
    # From the earlier of the last look and now: a worker whose clock ran ahead may have
    # recorded a look later than this one's now.
    start = min(since, now) - CLOCK_MARGIN
    return list(session.scalars(select(Article.id).where(visibility_passed(start, now))))


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(CARDS_CHANGED, None)


def install_syndication_hooks() -> None:
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _forget)
