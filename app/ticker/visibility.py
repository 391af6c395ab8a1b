"""When a ticker line is live: the one rule for the ticker, as ``articles.visibility`` is for
articles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_

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
