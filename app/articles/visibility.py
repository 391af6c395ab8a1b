"""Who may see which article: the one rule every read path uses.

Lists, details, related articles, collections, the home feed, and later search, feeds, sitemaps
and syndication all build their ``WHERE`` from ``visible_articles``. Nothing else in the code
base decides whether an article is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, true

from app.models import Article


@dataclass(frozen=True, slots=True)
class Viewer:
    """What a caller is entitled to see beyond the public."""

    sees_unpublished: bool = False
    sees_embargoed: bool = False


PUBLIC = Viewer()


def visible_articles(viewer: Viewer, now: datetime | Any) -> ColumnElement[bool]:
    """Published, ``published_at`` not in the future, not under embargo, not archived.

    ``now`` is a time or a bind parameter standing for one (compiled reads)."""
    if viewer.sees_unpublished:
        return true()
    rule = and_(Article.status == "published", Article.published_at <= now)
    if viewer.sees_embargoed:
        return rule
    return and_(rule, or_(Article.embargo_until.is_(None), Article.embargo_until <= now))
