from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer, visible_articles
from app.core.database import AnyRow, fetch_one_or_none
from app.models import Article, ArticleMedia, Author, Media

MEDIA_COLUMNS = (
    Media.id,
    Media.kind,
    Media.mime_type,
    Media.storage_key,
    Media.width,
    Media.height,
    Media.duration_seconds,
    Media.caption,
    Media.credit,
    Media.alt_text,
    Media.language,
    Media.renditions,
    Media.blurhash,
    Media.dominant_color,
    Media.embed,
)
MEDIA_KEYS = tuple(column.key for column in MEDIA_COLUMNS)


def shown_by(articles: ColumnElement[bool]) -> Any:
    """Media an article matching ``articles`` shows (featured or attached)."""
    return or_(
        exists().where(Article.featured_media_id == Media.id, articles),
        exists().where(
            ArticleMedia.media_id == Media.id, Article.id == ArticleMedia.article_id, articles
        ),
    )


def is_public_media(viewer: Viewer, now: datetime) -> Any:
    """A media item is public once something public shows it: a visible article (featured or
    attached) or a byline's avatar. Uploads waiting in drafts stay private."""
    return or_(
        shown_by(visible_articles(viewer, now)), exists().where(Author.avatar_media_id == Media.id)
    )


async def get_public(
    session: AsyncSession, media_id: int, viewer: Viewer, now: datetime
) -> AnyRow | None:
    query = select(*MEDIA_COLUMNS).where(Media.id == media_id, is_public_media(viewer, now))
    return await fetch_one_or_none(session, query)
