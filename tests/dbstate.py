"""The whole database as data, to prove that a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Base

#: Tables a refused request may still touch by design: none of them is content.
IGNORED = frozenset({"content_state", "api_keys"})


async def database_state(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (except ``IGNORED``), ordered by primary key."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in IGNORED:
            continue
        query = select(table).order_by(*table.primary_key.columns)
        state[table.name] = [tuple(row) for row in (await session.execute(query)).all()]
    return state
