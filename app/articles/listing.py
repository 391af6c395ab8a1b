"""Keeps what lists read in step with the articles: listing rows and article cards.

* ``article_sections`` holds a row for an article's category and each of its ancestors, and
  the tag and byline links carry a copy of ``published_at``: every filtered list is one range
  scan.
* ``article_cards`` holds each article's summary representation, serialised. A page of twenty is
  then twenty stored strings joined, instead of a join, a second query for tags and bylines and
  twenty dicts built and serialised per request. URLs in it are placeholders
  (``app.core.urls``), so settings can change without re-rendering.

Nobody needs to remember to call this: a flush hook (``install_listing_hooks``) sees every ORM
change to an article, its links, or the tags, bylines, categories and media a card shows, and
refreshes the affected articles in the same transaction. Bulk Core writes, which the hook
cannot see, call ``refresh_listing`` themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    delete,
    event,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session, aliased

from app.articles.repository import bylines_statement, summary_select
from app.articles.service import Bylines, summary
from app.categories.repository import ALL_CATEGORIES
from app.categories.service import CategoryTree, Node
from app.core.revision import STATE_ID, bump_revision, claim_fingerprint
from app.core.settings import get_settings
from app.core.urls import configured
from app.models import (
    Article,
    ArticleAuthor,
    ArticleCard,
    ArticleMedia,
    ArticleRelated,
    ArticleSection,
    ArticleTag,
    Author,
    Category,
    ContentState,
    Media,
    Tag,
)

CARD_BATCH = 500


#: ``session.info`` key: the articles whose cards this transaction re-rendered because their
#: content changed (not a full re-render for new URL settings). The partners' change feed
#: reads it (``app.syndication.changes``).
CARDS_CHANGED = "khabar_cards_changed"


def refresh_listing_sync(
    session: Session, article_filter: ColumnElement[bool] | None = None
) -> None:
    """Rebuild sections, ``published_at`` copies and cards of the matching articles (all when
    None), inside the session's transaction."""
    which: Any = article_filter if article_filter is not None else true()
    ids = select(Article.id).where(which)
    session.execute(delete(ArticleSection).where(ArticleSection.article_id.in_(ids)))
    own = aliased(Category, name="own")
    ancestor = aliased(Category, name="ancestor")
    session.execute(
        insert(ArticleSection).from_select(
            ["article_id", "category_id", "published_at"],
            select(Article.id, ancestor.id, Article.published_at)
            .join(own, own.id == Article.category_id)
            .join(ancestor, own.tree_path.startswith(ancestor.tree_path))
            .where(which),
        )
    )
    for link in (ArticleTag, ArticleAuthor):
        published = (
            select(Article.published_at).where(Article.id == link.article_id).scalar_subquery()
        )
        session.execute(
            update(link)
            .where(link.article_id.in_(ids))
            .values(published_at=published)
            .execution_options(synchronize_session=False)
        )
    rendered = list(session.scalars(ids))
    render_cards(session, rendered)
    if article_filter is not None:
        session.info.setdefault(CARDS_CHANGED, set()).update(rendered)
    if article_filter is None:  # every card is now rendered with the current URL settings
        session.execute(
            update(ContentState)
            .where(ContentState.id == STATE_ID)
            .values(card_fingerprint=card_fingerprint())
            .execution_options(synchronize_session=False)
        )


def render_cards(session: Session, article_ids: Collection[int]) -> None:
    """Serialise the summary of each article into ``articles.card``."""
    if not article_ids:
        return
    tree = CategoryTree([Node(*row) for row in session.execute(ALL_CATEGORIES)])
    ordered = sorted(article_ids)
    bases = configured()
    for start in range(0, len(ordered), CARD_BATCH):
        batch = ordered[start : start + CARD_BATCH]
        rows = session.execute(summary_select().where(Article.id.in_(batch))).all()
        bylines = Bylines.from_rows(_bylines(session, batch))
        session.execute(delete(ArticleCard).where(ArticleCard.article_id.in_(batch)))
        cards = [
            {"article_id": row[0], "card": orjson.dumps(summary(row, tree, bylines, bases))}
            for row in rows
        ]
        if cards:
            session.execute(insert(ArticleCard), cards)


def _bylines(session: Session, article_ids: list[int]) -> Iterable[Any]:
    return session.execute(bylines_statement(article_ids)).all()


def card_fingerprint() -> str:
    """What cards depend on beyond the data: the URL settings baked into them."""
    settings = get_settings()
    parts = (settings.site_base, settings.article_path, settings.media_base)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


async def ensure_cards_current(engine: AsyncEngine) -> bool:
    """Re-render every card when the URL settings changed since they were rendered.

    Runs at start-up; of several workers starting at once, one does it
    (``claim_fingerprint``). True when this call re-rendered.
    """
    async with AsyncSession(engine) as session, session.begin():
        if not await claim_fingerprint(session, ContentState.card_fingerprint, card_fingerprint()):
            return False
        await session.run_sync(
            lambda sync: render_cards(sync, list(sync.scalars(select(Article.id))))
        )
        await bump_revision(session)
    return True


async def refresh_listing(
    session: AsyncSession, article_filter: ColumnElement[bool] | None = None
) -> None:
    await session.run_sync(refresh_listing_sync, article_filter)


async def detach(session: AsyncSession, link_column: Any, value: int) -> int:
    """Remove every tag or byline link whose ``link_column`` is ``value`` (a tag or an author
    about to be deleted) in one statement, and refresh the listing rows and cards of the
    articles that had it: the foreign key's cascade would remove the links where the flush
    hook cannot see which articles they belonged to. The number of articles."""
    link = link_column.class_
    article_ids = list(
        (await session.scalars(select(link.article_id).where(link_column == value))).all()
    )
    if article_ids:
        await session.execute(delete(link).where(link_column == value))
        await refresh_listing(session, Article.id.in_(article_ids))
    return len(article_ids)


# What a flush changed, and which articles' listing rows and cards that touches.


def _affected_filter(session: Session) -> ColumnElement[bool] | None:
    article_ids: set[int] = set()
    tag_ids: set[int] = set()
    author_ids: set[int] = set()
    category_ids: set[int] = set()
    media_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Article):
            if obj.id is not None:
                article_ids.add(obj.id)
        elif isinstance(obj, ArticleTag | ArticleAuthor | ArticleMedia | ArticleRelated):
            article_ids.add(obj.article_id)
        elif isinstance(obj, Tag) and obj.id is not None:
            tag_ids.add(obj.id)
        elif isinstance(obj, Author) and obj.id is not None:
            author_ids.add(obj.id)
        elif isinstance(obj, Category) and obj.id is not None:
            category_ids.add(obj.id)
        elif isinstance(obj, Media) and obj.id is not None:
            media_ids.add(obj.id)
    parts: list[ColumnElement[bool]] = []
    if article_ids:
        parts.append(Article.id.in_(article_ids))
    if tag_ids:
        parts.append(
            Article.id.in_(select(ArticleTag.article_id).where(ArticleTag.tag_id.in_(tag_ids)))
        )
    if author_ids:
        parts.append(
            Article.id.in_(
                select(ArticleAuthor.article_id).where(ArticleAuthor.author_id.in_(author_ids))
            )
        )
    if category_ids:
        # A moved or renamed category changes the sections and cards below it.
        parts.append(
            Article.id.in_(
                select(ArticleSection.article_id).where(
                    ArticleSection.category_id.in_(category_ids)
                )
            )
        )
        parts.append(Article.category_id.in_(category_ids))
    if media_ids:
        parts.append(Article.featured_media_id.in_(media_ids))
    if not parts:
        return None
    return or_(*parts)


def _after_flush(session: Session, _context: Any) -> None:
    # The flush's new, dirty and deleted objects are still listed here, new ones with ids.
    changed = _affected_filter(session)
    if changed is not None:
        refresh_listing_sync(session, changed)


def install_listing_hooks() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
