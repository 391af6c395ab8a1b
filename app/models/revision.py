from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.media import JSONType


class ArticleRevision(Base):
    """One save of an article, numbered from 1: what was saved, when and by whom."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: ``user:<id>`` or ``system:scheduler``.
    actor: Mapped[str] = mapped_column(String(64), default="")
    #: The article's saved fields (``app.articles.editing.snapshot``).
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
