from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.schemas import SERVER_KEPT, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN


class RenditionRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    width: int | None
    height: int | None
    mime_type: str


class EmbedRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str
    external_id: str
    start_seconds: int | None
    embed_url: str
    thumbnail_url: str | None


class MediaRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    kind: Literal["image", "video", "audio", "document", "embed"]
    mime_type: str | None
    url: str | None
    width: int | None
    height: int | None
    duration_seconds: float | None
    caption: str | None
    credit: str | None
    alt_text: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    renditions: dict[str, RenditionRead]
    blurhash: str | None
    dominant_color: str | None
    embed: EmbedRead | None


class AttachedMediaRead(MediaRead):
    """A media item as attached to an article: caption and credit may be the attachment's own."""

    role: Literal["featured", "gallery", "inline", "video"]
    position: int


class UploaderRead(BaseModel):
    id: int
    username: str


class MediaEditorialRead(MediaRead):
    """A media item as the newsroom sees it: who uploaded it, when, and what it was called."""

    original_filename: str | None
    byte_size: int | None
    created_at: str
    created_by: UploaderRead | None


class MediaList(BaseModel):
    items: list[MediaEditorialRead]
    next_cursor: str | None


class _MediaText(WriteModel):
    caption: str | None = Field(None, max_length=2000)
    credit: str | None = Field(None, max_length=300)
    alt_text: str | None = Field(
        None, max_length=1000, description="What the image shows, for screen readers."
    )
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)

    # Named so the 422 says why rather than "extra input".
    id: Any = None
    kind: Any = None
    url: Any = None
    width: Any = None
    height: Any = None
    renditions: Any = None
    blurhash: Any = None
    created_by: Any = None
    _server_kept = refuse(
        "id", "kind", "url", "width", "height", "renditions", "blurhash", "created_by",
        reason=SERVER_KEPT,
    )  # fmt: skip

    @field_validator("language")
    @classmethod
    def _language_not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("language cannot be null")
        return value


class MediaUploadFields(_MediaText):
    """The text fields sent beside an upload's file."""


class EmbedCreate(_MediaText):
    url: str = Field(
        min_length=1,
        max_length=2048,
        description="A YouTube, Vimeo, X, Facebook, Instagram, TikTok or SoundCloud link.",
    )
    _server_kept = refuse(
        "id", "kind", "width", "height", "renditions", "blurhash", "created_by",
        reason=SERVER_KEPT,
    )  # fmt: skip


class MediaUpdate(_MediaText):
    """Caption, credit, alt text and language; the file itself never changes (upload anew)."""
