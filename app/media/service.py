from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer
from app.core.errors import NotFound
from app.core.settings import get_settings
from app.core.text import direction_of
from app.media import repository
from app.media.repository import MEDIA_KEYS


def media_url(storage_key: str) -> str:
    return f"{get_settings().media_base}/{storage_key}"


def represent(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public representation of a media item from its columns (``MEDIA_KEYS``)."""
    embed = row["embed"]
    if embed:
        url = embed.get("source_url")
        embed = {
            "provider": embed["provider"],
            "external_id": embed["external_id"],
            "start_seconds": embed.get("start_seconds"),
            "embed_url": embed["embed_url"],
            "thumbnail_url": embed.get("thumbnail_url"),
        }
    else:
        url = media_url(row["storage_key"]) if row["storage_key"] else None
    return {
        "id": row["id"],
        "kind": row["kind"],
        "mime_type": row["mime_type"],
        "url": url,
        "width": row["width"],
        "height": row["height"],
        "duration_seconds": row["duration_seconds"],
        "caption": row["caption"],
        "credit": row["credit"],
        "alt_text": row["alt_text"],
        "language": row["language"],
        "direction": direction_of(row["language"]),
        "renditions": {
            name: {
                "url": media_url(r["key"]),
                "width": r.get("width"),
                "height": r.get("height"),
                "mime_type": r["mime_type"],
            }
            for name, r in (row["renditions"] or {}).items()
        },
        "blurhash": row["blurhash"],
        "dominant_color": row["dominant_color"],
        "embed": embed,
    }


async def get_media(
    session: AsyncSession, media_id: int, viewer: Viewer, now: datetime
) -> dict[str, Any]:
    row = await repository.get_public(session, media_id, viewer, now)
    if row is None:
        raise NotFound(f"No media item {media_id}.")
    return represent(dict(zip(MEDIA_KEYS, row, strict=True)))
