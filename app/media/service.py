from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer
from app.core.errors import NotFound
from app.core.text import direction_of
from app.core.urls import PLACEHOLDERS, UrlBases
from app.media import repository
from app.media.repository import MEDIA_KEYS


def represent(row: Mapping[str, Any]) -> dict[str, Any]:
    """The public representation of a media item from its columns (``MEDIA_KEYS``)."""
    return represent_values([row[key] for key in MEDIA_KEYS])


def represent_values(values: Sequence[Any], bases: UrlBases = PLACEHOLDERS) -> dict[str, Any]:
    """The same, from the column values in ``MEDIA_KEYS`` order (a slice of a result row)."""
    (
        media_id, kind, mime_type, storage_key, width, height, duration_seconds, caption,
        credit, alt_text, language, renditions, blurhash, dominant_color, embed,
    ) = values  # fmt: skip
    base = bases.media
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
        url = f"{base}/{storage_key}" if storage_key else None
    return {
        "id": media_id,
        "kind": kind,
        "mime_type": mime_type,
        "url": url,
        "width": width,
        "height": height,
        "duration_seconds": duration_seconds,
        "caption": caption,
        "credit": credit,
        "alt_text": alt_text,
        "language": language,
        "direction": direction_of(language),
        "renditions": {
            name: {
                "url": f"{base}/{r['key']}",
                "width": r.get("width"),
                "height": r.get("height"),
                "mime_type": r["mime_type"],
            }
            for name, r in (renditions or {}).items()
        },
        "blurhash": blurhash,
        "dominant_color": dominant_color,
        "embed": embed,
    }


async def get_media(
    session: AsyncSession, media_id: int, viewer: Viewer, now: datetime
) -> dict[str, Any]:
    row = await repository.get_public(session, media_id, viewer, now)
    if row is None:
        raise NotFound(f"No media item {media_id}.")
    return represent(dict(zip(MEDIA_KEYS, row, strict=True)))
