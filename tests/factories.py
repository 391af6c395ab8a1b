"""Typed factories: the smallest rows a test needs, with every value it asserts on explicit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.body import parse_body
from app.core.slugs import unique_slug
from app.models import (
    Article,
    ArticleAuthor,
    ArticleMedia,
    ArticleRelated,
    ArticleTag,
    Author,
    Category,
    Collection,
    CollectionItem,
    Media,
    Tag,
    TickerItem,
)
from app.models.base import utcnow
from app.models.ticker import TICKER_PRIORITIES


async def category(
    session: AsyncSession,
    name: str,
    parent: Category | None = None,
    *,
    language: str = "ar",
    position: int = 0,
) -> Category:
    node = Category(
        name=name,
        slug=await unique_slug(session, Category.slug, name),
        parent_id=parent.id if parent else None,
        language=language,
        position=position,
        depth=parent.depth + 1 if parent else 0,
    )
    session.add(node)
    await session.flush()
    node.tree_path = f"{parent.tree_path if parent else '/'}{node.id}/"
    await session.flush()
    return node


async def tag(session: AsyncSession, name: str, *, language: str = "ar") -> Tag:
    row = Tag(name=name, slug=await unique_slug(session, Tag.slug, name), language=language)
    session.add(row)
    await session.flush()
    return row


async def author(
    session: AsyncSession, name: str, *, language: str = "ar", **fields: Any
) -> Author:
    row = Author(
        name=name, slug=await unique_slug(session, Author.slug, name), language=language, **fields
    )
    session.add(row)
    await session.flush()
    return row


async def image(session: AsyncSession, *, caption: str = "صورة", **fields: Any) -> Media:
    values: dict[str, Any] = {
        "kind": "image",
        "mime_type": "image/jpeg",
        "storage_key": "ab/abcdef.jpg",
        "width": 1600,
        "height": 900,
        "caption": caption,
        "credit": "تصوير: فريق خبر",
        "alt_text": "وصف الصورة",
        "renditions": {
            "w320": {
                "key": "ab/abcdef_w320.jpg",
                "width": 320,
                "height": 180,
                "mime_type": "image/jpeg",
            },
        },
        **fields,
    }
    row = Media(**values)
    session.add(row)
    await session.flush()
    return row


async def youtube(session: AsyncSession) -> Media:
    row = Media(
        kind="embed",
        caption="شاهد",
        embed={
            "provider": "youtube",
            "external_id": "8IqWBHMtgyI",
            "start_seconds": 33,
            "embed_url": "https://www.youtube-nocookie.com/embed/8IqWBHMtgyI?start=33",
            "thumbnail_url": "https://i.ytimg.com/vi/8IqWBHMtgyI/hqdefault.jpg",
            "source_url": "https://www.youtube.com/watch?time_continue=33&v=8IqWBHMtgyI",
            "kind": "video",
        },
    )
    session.add(row)
    await session.flush()
    return row


async def article(
    session: AsyncSession,
    title: str,
    section: Category,
    *,
    status: str = "published",
    published_at: datetime | None = None,
    age: timedelta = timedelta(hours=1),
    body: str = "<p>نص الخبر.</p>",
    language: str = "ar",
    tags: list[Tag] = (),  # type: ignore[assignment]
    authors: list[Author] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Article:
    parsed = parse_body(body)
    if published_at is None and status in ("published", "scheduled", "archived"):
        published_at = utcnow() - age
    row = Article(
        title=title,
        slug=await unique_slug(session, Article.slug, title),
        category_id=section.id,
        status=status,
        published_at=published_at,
        language=language,
        body_html=parsed.html,
        body_blocks=parsed.blocks,
        body_text=parsed.text,
        word_count=parsed.word_count,
        **fields,
    )
    session.add(row)
    await session.flush()
    for position, item in enumerate(tags):
        session.add(ArticleTag(article_id=row.id, tag_id=item.id, position=position))
    for position, item in enumerate(authors):
        session.add(ArticleAuthor(article_id=row.id, author_id=item.id, position=position))
    await session.flush()  # the listing hook renders the card and listing rows
    return row


async def attach(
    session: AsyncSession, item: Article, media: Media, role: str, position: int = 0, **fields: Any
) -> None:
    session.add(
        ArticleMedia(article_id=item.id, media_id=media.id, role=role, position=position, **fields)
    )
    await session.flush()


async def relate(session: AsyncSession, item: Article, *others: Article) -> None:
    for position, other in enumerate(others):
        session.add(ArticleRelated(article_id=item.id, related_id=other.id, position=position))
    await session.flush()


async def collection(
    session: AsyncSession, slug: str, title: str, articles: list[Article], *, language: str = "ar"
) -> Collection:
    row = Collection(slug=slug, title=title, language=language)
    session.add(row)
    await session.flush()
    for position, item in enumerate(articles):
        session.add(CollectionItem(collection_id=row.id, article_id=item.id, position=position))
    await session.flush()
    return row


async def ticker(
    session: AsyncSession,
    text: str,
    *,
    priority: str = "normal",
    starts_at: datetime | None = None,
    expires_at: datetime | None = None,
    **fields: Any,
) -> TickerItem:
    row = TickerItem(
        text=text,
        priority=priority,
        priority_rank=TICKER_PRIORITIES.index(priority),
        starts_at=starts_at or utcnow() - timedelta(minutes=5),
        expires_at=expires_at,
        **fields,
    )
    session.add(row)
    await session.flush()
    return row
