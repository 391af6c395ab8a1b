from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin, utcnow

TICKER_PRIORITIES = ("breaking", "urgent", "normal")


class TickerItem(TimestampMixin, Base):
    """A line of the breaking-news ticker (شريط الأخبار), live from ``starts_at`` until
    ``expires_at``. ``priority_rank`` orders breaking (0) before urgent (1) before normal (2)."""

    __tablename__ = "ticker_items"
    __table_args__ = (Index(None, "expires_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    priority_rank: Mapped[int] = mapped_column(default=2)
    language: Mapped[str] = mapped_column(String(35), default="ar")
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
