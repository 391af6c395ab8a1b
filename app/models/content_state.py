from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ContentState(Base):
    """A single row whose ``revision`` grows with every change to public content.

    Public ETags are derived from it, so a revalidation costs one tiny query instead of
    rebuilding the response. ``next_transition_at`` is the earliest moment at which content
    changes visibility by the clock alone (an embargo lifting, a scheduled time arriving).
    """

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=1)
    next_transition_at: Mapped[datetime | None]
    #: The URL settings article cards were rendered with (``app.articles.listing``).
    card_fingerprint: Mapped[str | None] = mapped_column(String(64))
    #: The text analysis the search index was built with (``app.search.index``).
    search_fingerprint: Mapped[str | None] = mapped_column(String(64))
    #: Up to when the partners' change feed has taken in what the clock changes
    #: (``app.syndication.changes``).
    syndication_clock_at: Mapped[datetime | None]
