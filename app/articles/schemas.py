"""Article representations as the contract describes them.

Responses are built as plain dicts by the service for speed; these models document them in
OpenAPI, and the test suite validates real responses against them (``extra="forbid"``) so the
documentation cannot drift from what is served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from app.categories.schemas import CategoryRef
from app.media.schemas import AttachedMediaRead, MediaRead


class TagRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    name: str


class AuthorRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str


class ArticleCategory(CategoryRef):
    """The article's category; in the full article it carries its breadcrumb ``path``."""

    path: list[CategoryRef] | None = None


class ArticleSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    url: str
    title: str
    kicker: str | None
    summary: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    published_at: datetime | None
    updated_at: datetime
    is_breaking: bool
    category: ArticleCategory
    tags: list[TagRef]
    authors: list[AuthorRef]
    featured_media: MediaRead | None
    reading_time_minutes: int


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None
    url: str | None


class ArticleRead(ArticleSummary):
    subtitle: str | None
    body_html: str
    body_blocks: list[dict[str, Any]]
    body_text: str
    word_count: int
    media: list[AttachedMediaRead]
    related: list[ArticleSummary]
    source: Source | None
    status: Literal["draft", "scheduled", "published", "archived"]
    version: int


class ArticleList(BaseModel):
    """A page of summaries. With ``fields=``, each item holds exactly the fields asked for."""

    model_config = ConfigDict(extra="forbid")

    items: list[ArticleSummary]
    next_cursor: str | None


SUMMARY_FIELDS = tuple(ArticleSummary.model_fields)
ARTICLE_FIELDS = tuple(ArticleRead.model_fields)
