from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin

JSONType = JSON().with_variant(JSONB(), "postgresql")

MEDIA_KINDS = ("image", "video", "audio", "document", "embed")


class Media(TimestampMixin, Base):
    """A photo, video, audio file, document or third-party embed.

    ``storage_key`` names the original in media storage; ``renditions`` maps a rendition name to
    ``{"key", "width", "height", "mime_type"}``; ``embed`` holds the parsed embed for kind
    ``embed`` (provider, external id, start time, embed URL, thumbnail URL).
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    storage_key: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    byte_size: Mapped[int | None]
    #: The uploader's file name (a base name), for the newsroom's library; never a storage path.
    original_filename: Mapped[str | None] = mapped_column(String(255))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_seconds: Mapped[float | None]
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(String(300))
    alt_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35), default="ar")
    blurhash: Mapped[str | None] = mapped_column(String(100))
    dominant_color: Mapped[str | None] = mapped_column(String(7))
    renditions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    embed: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
