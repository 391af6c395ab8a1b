from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles.visibility import Viewer
from app.core.database import AnyRow
from app.core.text import direction_of, rfc3339
from app.models.ticker import TICKER_PRIORITIES
from app.ticker import repository


def represent(row: AnyRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "text": row.text,
        "url": row.url,
        "article_id": row.article_id,
        "priority": row.priority,
        "language": row.language,
        "direction": direction_of(row.language),
        "starts_at": rfc3339(row.starts_at),
        "expires_at": rfc3339(row.expires_at),
        "created_at": rfc3339(row.created_at),
        "updated_at": rfc3339(row.updated_at),
    }


async def live_ticker(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    language: str | None = None,
    min_priority: str = "normal",
) -> list[dict[str, Any]]:
    rows = await repository.live_items(
        session, viewer, now, language=language, max_rank=TICKER_PRIORITIES.index(min_priority)
    )
    return [represent(row) for row in rows]
