"""The home feed: breaking lines, the editors' top stories and the newest of each section,
assembled from the same visibility rule and summaries as every other read."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.articles import repository as articles_repository
from app.articles.repository import ListFilter
from app.articles.service import summaries
from app.articles.visibility import Viewer
from app.categories.service import CategoryTree
from app.collections import repository as collections_repository
from app.core.settings import get_settings
from app.ticker.service import live_ticker


async def home_feed(
    session: AsyncSession,
    tree: CategoryTree,
    viewer: Viewer,
    now: datetime,
    *,
    language: str | None,
    top_limit: int,
    per_section: int,
) -> dict[str, Any]:
    breaking = await live_ticker(session, viewer, now, language=language, min_priority="breaking")
    top_rows: list[Any] = []
    collection = await collections_repository.by_slug(session, get_settings().feed_top_collection)
    if collection is not None:
        top_rows = list(
            await articles_repository.collection_summaries(
                session, viewer, now, collection.id, language=language, after=None, limit=top_limit
            )
        )
    if not top_rows:
        top_rows = list(
            await articles_repository.list_page(
                session, viewer, now, ListFilter(language=language), None, top_limit
            )
        )
    sections = tree.sections(language)
    front_rows = await articles_repository.section_fronts(
        session, viewer, now, [node.id for node in sections], per_section
    )
    by_section: dict[int, list[Any]] = defaultdict(list)
    for row in front_rows:
        by_section[row.section_id].append(row)
    return {
        "breaking": breaking,
        "top": summaries(top_rows),
        "sections": [
            {"category": node.ref, "items": summaries(by_section[node.id])}
            for node in sections
            if by_section[node.id]
        ],
    }
