from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.media import JSONType


class AuditEntry(Base):
    """Who changed what, and when: one row per accepted write, kept in the write's transaction."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index(None, "created_at", "id"),
        Index(None, "resource_type", "resource_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: ``user:<id>``, ``key:<id>`` or ``system:scheduler``.
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: ``<resource>.<verb>``: ``article.update``, ``user.create``, ``api_key.revoke``…
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
