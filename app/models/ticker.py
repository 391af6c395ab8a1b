from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin, utcnow
from app.models.media import JSONType

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


class TickerEvent(Base):
    """The live ticker's durable event log: what ``/v1/ticker/stream`` sends, in ``id`` order.

    Rows are written only by ``app.ticker.events.announce``, under the content writers' lock,
    so ids commit in increasing order and a reader that has seen id N has seen everything
    before it. Kept 24 hours, for ``Last-Event-ID`` replay.
    """

    __tablename__ = "ticker_events"
    #: Ids are never reused, even once the log has been purged empty.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    #: The ticker item as the public sees it, or ``{"id"}`` for ``ticker.deleted``.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    language: Mapped[str] = mapped_column(String(35))
    priority_rank: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TickerAnnounced(Base):
    """What the live ticker has announced: each line the public currently sees, as last sent.
    Comparing it with the live lines tells which events a change makes."""

    __tablename__ = "ticker_announced"

    item_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
