from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.articles.schemas import ArticleSummary


class CollectionRead(BaseModel):
    """An editor-curated, ordered list of articles; only published ones are shown."""

    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    title: str
    description: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    items: list[ArticleSummary]
    next_cursor: str | None
