"""``GET /v1/syndication/articles``: partners pull every change, once, oldest first.

The feed is ``syndication_changes`` (``app.syndication.changes``) read in ``seq`` order after
the partner's cursor. Each article appears once per page, as it is now: a ninjs document while
the partner may see it, a ``canceled`` tombstone once it has been withdrawn (unpublished or
archived; archiving is how the newsroom deletes). Keys with ``embargoed:read`` also get
published stories still under embargo, with ``embargoed`` set; other keys never hear of those
until the embargo lifts (then they are new to them), and get tombstones only of what every
partner was shown. A first sync (no cursor, no ``since``) leaves tombstones out: there is
nothing yet to take down.

Every page answers ``resume_cursor`` as well as ``next_cursor``: ``next_cursor`` is null once
the partner has caught up, like every list; ``resume_cursor`` is always where its next poll
starts, so polling with it gets every change, each article once per poll in its latest state
(delivery is at least once: an article withdrawn while a page is read can come as a tombstone
on that page and again at its new place).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import service as articles_service
from app.articles.visibility import Viewer
from app.categories import repository as categories_repository
from app.categories.service import CategoryTree, Node
from app.core.text import rfc3339
from app.models import Article, SyndicationChange
from app.models.base import utcnow
from app.syndication import ninjs
from app.syndication.changes import (
    EMBARGOED_AUDIENCE,
    PUBLIC_AUDIENCE,
    WITHDRAWN,
    article_uri,
)

CURSOR_KIND = "syndication"
NinjsVersion = Literal[2, 3]


def _shown_to(viewer: Viewer) -> Any:
    """The feed rows a partner may hear of: all of them for embargo readers (every row was
    public or embargoed once), the public ones and the tombstones of what was public once for
    the others."""
    if viewer.sees_embargoed:
        return None
    return or_(SyndicationChange.audience == PUBLIC_AUDIENCE, SyndicationChange.public_once)


async def changes(
    session: AsyncSession,
    viewer: Viewer,
    after: int | None,
    since: datetime | None,
    limit: int,
) -> Sequence[Any]:
    """Up to ``limit`` feed rows after position ``after`` (else changed at or after
    ``since``, else from the start), oldest change first."""
    query = (
        select(
            SyndicationChange.seq,
            SyndicationChange.article_id,
            SyndicationChange.audience,
            SyndicationChange.version,
            SyndicationChange.changed_at,
            Article.language,
        )
        .join(Article, Article.id == SyndicationChange.article_id)
        .order_by(SyndicationChange.seq)
        .limit(limit)
    )
    shown = _shown_to(viewer)
    if shown is not None:
        query = query.where(shown)
    if after is not None:
        query = query.where(SyndicationChange.seq > after)
    elif since is not None:
        query = query.where(SyndicationChange.changed_at >= since)
    else:
        # A first, full sync: there is nothing the partner has to take down.
        query = query.where(SyndicationChange.audience != WITHDRAWN)
    return (await session.execute(query)).all()


async def last_position(session: AsyncSession) -> int:
    """The feed's end: where a partner that has seen everything resumes."""
    last = await session.scalar(select(func.max(SyndicationChange.seq)))
    return int(last or 0)


async def documents(
    session: AsyncSession, viewer: Viewer, rows: Sequence[Any], version: NinjsVersion
) -> list[dict[str, Any]]:
    """Each row as the partner sees it now: ninjs, or a tombstone. The articles shown are
    read together (``get_articles``: the same statements for any page size)."""
    now = utcnow()
    shown = [
        row.article_id
        for row in rows
        if row.audience == PUBLIC_AUDIENCE
        or (row.audience == EMBARGOED_AUDIENCE and viewer.sees_embargoed)
    ]
    articles: dict[int, dict[str, Any]] = {}
    if shown:
        tree = CategoryTree(
            [Node(*node) for node in await categories_repository.all_categories(session)]
        )
        articles = await articles_service.get_articles(
            session, tree, viewer, now, shown, editorial=True
        )
    items: list[dict[str, Any]] = []
    for row in rows:
        uri = article_uri(row.article_id)
        # Not among them: withdrawn since this page was read (its tombstone comes next too).
        article = articles.get(row.article_id)
        if article is None:
            items.append(
                ninjs.tombstone(
                    version=version,
                    uri=uri,
                    article_version=row.version,
                    versioncreated=rfc3339(row.changed_at) or "",
                    language=row.language,
                )
            )
            continue
        # Under embargo as the feed last saw it (its audience, from the visibility rule).
        held = row.audience == EMBARGOED_AUDIENCE
        embargoed = article.get("embargo_until") if held else None
        items.append(ninjs.to_ninjs(article, version=version, uri=uri, embargoed=embargoed))
    return items
