from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


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
