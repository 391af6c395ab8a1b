from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

#: Objects of the search engines themselves, made by the migration and not by the models:
#: SQLite's FTS5 tables (with the shadow tables FTS5 keeps its indexes in) and the triggers
#: that keep them in step with ``article_search``, and PostgreSQL's GIN indexes (of a vector and
#: the article's id bucket: ``app.search.engines``).
#: Schema comparisons (Alembic's autogenerate, the migration test) leave them alone.
ENGINE_OBJECTS = frozenset(
    {
        "article_fts",
        "article_fts_config",
        "article_fts_content",
        "article_fts_data",
        "article_fts_docsize",
        "article_fts_idx",
        "article_suggest",
        "article_suggest_config",
        "article_suggest_content",
        "article_suggest_data",
        "article_suggest_docsize",
        "article_suggest_idx",
        "ix_article_search_document",
        "ix_article_search_title_words",
    }
)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: compare everything but :data:`ENGINE_OBJECTS`."""
    return name not in ENGINE_OBJECTS


class ArticleSearch(Base):
    """The search index's own copy of each article the public may see (``app.search.index``).

    A row exists exactly while its article is public; its analysed text is what both engines
    match. SQLite keeps the analysed ``title``, ``summary`` and ``body`` here, as the external
    content of the FTS5 table ``article_fts`` (migration triggers keep the two in step);
    PostgreSQL keeps them as one weighted ``document`` vector (title A, subtitle and summary
    B, body C) under a GIN index, and leaves the three texts empty. ``title_words`` holds the
    unstemmed forms of the title's words for suggestions as the reader types: text indexed by
    the FTS5 table ``article_suggest`` on SQLite, a vector under a GIN index on PostgreSQL.
    ``language`` and ``published_at`` are copied from the article for filters, sorting and
    freshness.
    """

    __tablename__ = "article_search"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(35))
    published_at: Mapped[datetime]
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    title_words: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
