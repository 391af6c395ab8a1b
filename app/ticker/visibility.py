"""When a ticker line is live: the one rule for the ticker, as ``articles.visibility`` is for
articles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from app.articles.visibility import Viewer, visible_articles
from app.models import Article, TickerItem


def live_ticker_items(viewer: Viewer, now: datetime) -> ColumnElement[bool]:
    """Started, not expired, and, when it points at an article, that article is visible:
    a line never announces an embargoed or unpublished story."""
    return and_(
        TickerItem.starts_at <= now,
        or_(TickerItem.expires_at.is_(None), TickerItem.expires_at > now),
        or_(
            TickerItem.article_id.is_(None),
            exists().where(Article.id == TickerItem.article_id, visible_articles(viewer, now)),
        ),
    )


def ticker_visibility_changes(now: datetime) -> list[Select[Any]]:
    """The next moments a ticker line starts or expires by itself."""
    return [
        select(func.min(TickerItem.starts_at)).where(TickerItem.starts_at > now),
        select(func.min(TickerItem.expires_at)).where(TickerItem.expires_at > now),
    ]
