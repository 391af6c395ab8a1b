from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.articles.schemas import ArticleSummary
from app.categories.schemas import CategoryRef
from app.ticker.schemas import TickerItemRead


class FeedSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: CategoryRef
    items: list[ArticleSummary]


class HomeFeed(BaseModel):
    """A mobile home screen in one call."""

    model_config = ConfigDict(extra="forbid")

    breaking: list[TickerItemRead]
    top: list[ArticleSummary]
    sections: list[FeedSection]
