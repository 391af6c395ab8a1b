"""Who may see which article: the one rule every read path uses.

Lists, details, related articles, collections, the home feed, and later search, feeds, sitemaps
and syndication all build their ``WHERE`` from ``visible_articles``. Nothing else in the code
base decides whether an article is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from app.models import Article


@dataclass(frozen=True, slots=True)
class Viewer:
    """What a caller is entitled to see beyond the public."""

    sees_unpublished: bool = False
    sees_embargoed: bool = False


#: Anonymous callers, writers on the read endpoints, partner keys without ``embargoed:read``.
PUBLIC = Viewer()
#: Partner keys with ``embargoed:read``: published stories still under embargo.
EMBARGOED = Viewer(sees_embargoed=True)
#: Editors and admins: every article, whatever its status.
STAFF = Viewer(sees_unpublished=True, sees_embargoed=True)


#: The only status under which an article is ever visible outside the newsroom (the clock and
#: the embargo then decide when): an article neither in it before a change nor after cannot
#: have become, or stopped being, public.
PUBLISHED = "published"


#: The article columns ``visible_articles`` reads: a change to any of them can change who sees
#: the article (and so a ticker line about it).
VISIBILITY_FIELDS = ("status", "published_at", "embargo_until")


def published_view(viewer: Viewer) -> Viewer:
    """What lists, collections, the home feed, media and the ticker show a caller: published
    articles only, even to editors (who reach drafts one by one, by id), and embargoed ones
    only to callers entitled to them."""
    return EMBARGOED if viewer.sees_embargoed else PUBLIC


def visible_articles(viewer: Viewer, now: datetime | Any) -> ColumnElement[bool]:
    # Scheduled articles are not visible: the scheduler (``app.articles.workflow``) makes them
    # published when their time comes, so status alone says whether an article is out.
    """Published, ``published_at`` not in the future, not under embargo, not archived.

    ``now`` is a time or a bind parameter standing for one (compiled reads)."""
    if viewer.sees_unpublished:
        return true()
    rule = and_(Article.status == PUBLISHED, Article.published_at <= now)
    if viewer.sees_embargoed:
        return rule
    return and_(rule, or_(Article.embargo_until.is_(None), Article.embargo_until <= now))


def public_from(article: Article, now: datetime) -> datetime:
    """When a published article becomes visible to the public: now, or its embargo's end
    (the Python side of ``visible_articles``, for an article in hand)."""
    times = [now, article.published_at, article.embargo_until]
    return max(t for t in times if t is not None)


def visible_or_owned(viewer: Viewer, owner_id: int | None, now: datetime) -> ColumnElement[bool]:
    """What a writer may see and name (related articles, media their drafts show): what
    ``viewer`` sees, and the articles ``owner_id`` created whatever their status."""
    return or_(visible_articles(viewer, now), Article.created_by_id == owner_id)


def article_visibility_changes(now: datetime) -> list[Select[Any]]:
    """Queries for the next moments at which the clock alone changes what the public sees of
    articles (a publication time arriving, an embargo lifting): the rule above, in time."""
    published = Article.status == PUBLISHED
    return [
        select(func.min(Article.published_at)).where(published, Article.published_at > now),
        select(func.min(Article.embargo_until)).where(published, Article.embargo_until > now),
    ]


def visibility_passed(since: datetime, now: datetime) -> ColumnElement[bool]:
    """Articles whose visibility the clock alone may have changed after ``since`` up to
    ``now``: the moments of :func:`article_visibility_changes` that have passed (both
    indexed with the status)."""
    return and_(
        Article.status == PUBLISHED,
        or_(
            and_(Article.published_at > since, Article.published_at <= now),
            and_(Article.embargo_until > since, Article.embargo_until <= now),
        ),
    )
