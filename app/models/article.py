from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.media import JSONType

if TYPE_CHECKING:
    from app.models.author import Author
    from app.models.category import Category
    from app.models.media import Media
    from app.models.tag import Tag

ARTICLE_STATUSES = ("draft", "scheduled", "published", "archived")


class Article(Base):
    """A story. Public visibility is decided in one place: ``app.articles.visibility``."""

    __tablename__ = "articles"
    __table_args__ = (
        # Each public list is a range scan on one of these, newest first.
        Index(None, "status", "published_at", "id"),
        Index(None, "status", "language", "published_at", "id"),
        Index(None, "status", "is_breaking", "published_at", "id"),
        Index(None, "updated_at", "id"),
        Index(None, "status", "publish_at"),
        # The next embargo to lift (``article_visibility_changes``), read on every write.
        Index(None, "status", "embargo_until"),
    )

    # Column order matters on SQLite: a row longer than a page keeps only its first few hundred
    # bytes in the table's own page. The small columns every list and visibility check reads
    # come first, the texts next, the bodies (read only by the full article) last.
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    published_at: Mapped[datetime | None]
    embargo_until: Mapped[datetime | None]
    #: When a scheduled article goes live (``app.articles.workflow`` publishes it then).
    publish_at: Mapped[datetime | None]
    is_breaking: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(35), default="ar")
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    featured_media_id: Mapped[int | None] = mapped_column(
        ForeignKey("media.id", ondelete="RESTRICT"), index=True
    )
    word_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    #: The status an archived article returns to when restored.
    status_before_archive: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    slug: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kicker: Mapped[str | None] = mapped_column(String(200))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)

    category: Mapped[Category] = relationship(back_populates="articles", lazy="raise")
    featured_media: Mapped[Media | None] = relationship(lazy="raise")
    tag_links: Mapped[list[ArticleTag]] = relationship(
        back_populates="article",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ArticleTag.position",
    )
    author_links: Mapped[list[ArticleAuthor]] = relationship(
        back_populates="article",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ArticleAuthor.position",
    )
    media_links: Mapped[list[ArticleMedia]] = relationship(
        back_populates="article",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(ArticleMedia.role, ArticleMedia.position)",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ArticleCard(Base):
    """An article's summary representation, serialised (UTF-8 JSON), as every list serves it.

    Kept in a table of its own so a card (about 1.5 KB) sits whole in a page beside a few
    others, and as bytes so a page is built without decoding or encoding text; rendered by
    ``app.articles.listing`` whenever anything it shows changes.
    """

    __tablename__ = "article_cards"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    card: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleTag(Base):
    """Tag link; ``published_at`` is copied from the article so a tag page is one range scan."""

    __tablename__ = "article_tags"
    __table_args__ = (Index(None, "tag_id", "published_at", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]

    article: Mapped[Article] = relationship(back_populates="tag_links", lazy="raise")
    tag: Mapped[Tag] = relationship(lazy="raise")


class ArticleAuthor(Base):
    """Byline link; ``published_at`` is copied from the article for author pages."""

    __tablename__ = "article_authors"
    __table_args__ = (Index(None, "author_id", "published_at", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]

    article: Mapped[Article] = relationship(back_populates="author_links", lazy="raise")
    author: Mapped[Author] = relationship(lazy="raise")


class ArticleSection(Base):
    """One row per category an article is listed under: its own and every ancestor.

    A section page (``?category=`` a parent) is then one range scan on
    ``(category_id, published_at, article_id)`` instead of a sort over many categories.
    Rows are rebuilt by ``app.articles.listing`` whenever the article or the tree moves.
    """

    __tablename__ = "article_sections"
    __table_args__ = (Index(None, "category_id", "published_at", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime | None]


class ArticleMedia(Base):
    """Media attached to an article with a role and a position; caption and credit may override
    the media item's own."""

    __tablename__ = "article_media"
    __table_args__ = (Index(None, "media_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(String(300))

    article: Mapped[Article] = relationship(back_populates="media_links", lazy="raise")
    media: Mapped[Media] = relationship(lazy="raise")


class ArticleRelated(Base):
    __tablename__ = "article_related"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    related_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
