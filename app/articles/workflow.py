"""The editorial workflow: which status an article may move to, by which action, and who may
take it.

    draft ──publish──▶ published            draft ──publish(publish_at)──▶ scheduled
    scheduled ──(its time comes: the scheduler)──▶ published
    scheduled ──publish──▶ published (now) or scheduled (another time)
    published | scheduled ──unpublish──▶ draft
    draft | scheduled | published ──archive (DELETE)──▶ archived
    archived ──restore──▶ the status it had before

Editors and admins take every action; writers may archive and restore their own drafts and
nothing else (they cannot publish: 403). The scheduler inside the app publishes scheduled
articles when their time comes; with several workers running, a row lock (``SKIP LOCKED`` on
PostgreSQL, the single writer on SQLite) and a re-check of the status make each publication
happen once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.articles import editing
from app.audit.service import record
from app.auth.principal import SCHEDULER, Principal
from app.core.errors import Conflict
from app.core.text import rfc3339
from app.models import Article
from app.models.base import utcnow
from app.ticker.service import put_breaking_article

#: action → the statuses it may be taken from.
ACTIONS: dict[str, frozenset[str]] = {
    "publish": frozenset({"draft", "scheduled"}),
    "unpublish": frozenset({"published", "scheduled"}),
    "archive": frozenset({"draft", "scheduled", "published"}),
    "restore": frozenset({"archived"}),
}
SCHEDULER_BATCH = 100


class InvalidTransition(Conflict):
    code = "invalid-transition"
    title = "Invalid transition"


def allowed_actions(status: str) -> list[str]:
    return [action for action, sources in ACTIONS.items() if status in sources]


def check_transition(actor: Principal, article: Article, action: str) -> None:
    """Refuse an action the article's status does not allow (409, naming the allowed ones)
    or the caller may not take (403)."""
    editing.check_writer(actor, article, action)
    if article.status not in ACTIONS[action]:
        allowed = allowed_actions(article.status)
        raise InvalidTransition(
            f"A {article.status} article cannot be {_past(action)}. "
            f"Allowed: {', '.join(allowed) or 'none'}.",
            current_status=article.status,
            allowed_transitions=allowed,
        )


def _past(action: str) -> str:
    return {"publish": "published", "unpublish": "unpublished", "archive": "archived"}.get(
        action, action + "d"
    )


async def publish(
    session: AsyncSession,
    actor: Principal,
    article: Article,
    publish_at: datetime | None,
    now: datetime | None = None,
) -> str:
    """Publish now, or schedule for ``publish_at`` when that is in the future; the action
    recorded (``publish`` or ``schedule``)."""
    check_transition(actor, article, "publish")
    now = now or utcnow()
    if publish_at is not None and publish_at > now:
        article.status = "scheduled"
        article.publish_at = publish_at
        action = "schedule"
    else:
        if publish_at is not None and article.published_at is None:
            # A time in the past (a story first run elsewhere) dates the publication.
            article.published_at = publish_at
        article.status = "published"
        article.publish_at = None
        if article.published_at is None:
            article.published_at = now
        action = "publish"
    await _saved(session, actor, article, action, {"publish_at": publish_at})
    return action


async def unpublish(session: AsyncSession, actor: Principal, article: Article) -> None:
    check_transition(actor, article, "unpublish")
    article.status = "draft"
    article.publish_at = None
    await _saved(session, actor, article, "unpublish")


async def archive(session: AsyncSession, actor: Principal, article: Article) -> None:
    check_transition(actor, article, "archive")
    article.status_before_archive = article.status
    article.status = "archived"
    await _saved(session, actor, article, "archive")


async def restore(session: AsyncSession, actor: Principal, article: Article) -> None:
    check_transition(actor, article, "restore")
    article.status = article.status_before_archive or "draft"
    article.status_before_archive = None
    if article.status == "scheduled" and article.publish_at is None:
        article.status = "draft"
    await _saved(session, actor, article, "restore")


async def _saved(
    session: AsyncSession,
    actor: Principal,
    article: Article,
    action: str,
    details: dict[str, object] | None = None,
) -> None:
    article.updated_at = utcnow()
    await session.flush()
    if action in ("publish", "schedule", "restore") and actor.is_user:
        # Checked when a person publishes; the clock publishing a schedule does not refuse.
        await editing.check_alt_text(session, article)
    if action == "publish" and article.is_breaking and article.status == "published":
        await put_breaking_article(session, actor, article)
    await editing.save_revision(session, actor, article)
    record(
        session,
        actor,
        f"article.{action}",
        "article",
        article.id,
        {"status": article.status, **{k: _plain(v) for k, v in (details or {}).items()}},
    )


def _plain(value: object) -> object:
    return rfc3339(value) if isinstance(value, datetime) else value


async def publish_scheduled(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime | None = None,
    *,
    reader: async_sessionmaker[AsyncSession] | None = None,
) -> list[int]:
    """Publish every scheduled article whose time has come; the ids this call published.

    Which are due is read through ``reader`` when given (no write transaction, so no write
    lock on SQLite, for the usual answer: none). Each article is then published in a
    transaction of its own, after locking its row and checking again that it is still
    scheduled: another worker's scheduler may have taken it."""
    now = now or utcnow()
    async with (reader or sessions)() as session:
        due: Sequence[int] = (
            await session.scalars(
                select(Article.id)
                .where(Article.status == "scheduled", Article.publish_at <= now)
                .order_by(Article.publish_at, Article.id)
                .limit(SCHEDULER_BATCH)
            )
        ).all()
    published: list[int] = []
    for article_id in due:
        async with sessions() as session, session.begin():
            article = await editing.lock_article(
                session,
                article_id,
                Article.status == "scheduled",
                Article.publish_at <= now,
                skip_locked=True,
            )
            if article is None:
                continue
            article.status = "published"
            article.published_at = article.publish_at
            article.publish_at = None
            await _saved(session, SCHEDULER, article, "publish", {"scheduled": True})
            published.append(article_id)
    return published
