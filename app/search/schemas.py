from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.articles.dependencies import SlugFilter, TimeFilter
from app.articles.schemas import ArticleSummary
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.core.query import QueryModel
from app.core.text import LANGUAGE_PATTERN
from app.search.query import MAX_QUERY_CHARS

MAX_SUGGESTIONS = 20


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("q must contain something to search for.")
    return value


SearchText = Annotated[
    str, Field(min_length=1, max_length=MAX_QUERY_CHARS), AfterValidator(_not_blank)
]
Language = Annotated[str | None, Field(pattern=LANGUAGE_PATTERN, max_length=35)]


class SearchQuery(QueryModel):
    q: SearchText = Field(
        description='Words to find (all must match); "an exact phrase"; -excluded. Arabic '
        "spelling variants, diacritics and the definite article do not block a match. "
        f"At most {MAX_QUERY_CHARS} characters.",
        examples=["الانتخابات البلدية"],
    )
    category: SlugFilter = Field(None, description="Category slug; includes its descendants.")
    tag: SlugFilter = Field(None, description="Tag slug.")
    author: SlugFilter = Field(None, description="Author slug.")
    language: Language = Field(
        None,
        description="BCP 47 tag: only articles in this language, and the query's Latin-script "
        "words stemmed as this language's.",
    )
    since: TimeFilter = Field(None, description="Published at or after (RFC 3339).")
    until: TimeFilter = Field(None, description="Published before (RFC 3339).")
    is_breaking: bool | None = None
    sort: Literal["relevance", "newest"] = Field(
        "relevance",
        description="`relevance`: best matches first, recent stories lifted among similar "
        "ones; `newest`: publication time, newest first.",
    )
    cursor: str | None = Field(
        None, max_length=500, description="Opaque cursor from a previous page's `next_cursor`."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")


class SuggestQuery(QueryModel):
    q: SearchText = Field(
        description="What the reader has typed so far: the last word may be unfinished.",
        examples=["الانتخا"],
    )
    language: Language = Field(None, description="BCP 47 tag: only titles in this language.")
    limit: int = Field(8, ge=1, le=MAX_SUGGESTIONS, description="How many suggestions.")


class SearchResult(ArticleSummary):
    highlight: str = Field(
        description="HTML: a passage of the article with the matching words, as written, in "
        "`<mark>…</mark>`; everything else escaped."
    )
    title_highlight: str = Field(
        description="HTML: the title, escaped, with the matching words in `<mark>…</mark>`."
    )


class SearchPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[SearchResult]
    next_cursor: str | None


class Suggestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    url: str
    title: str
    title_highlight: str = Field(
        description="HTML: the title, escaped, with the words typed so far in `<mark>…</mark>`."
    )
    language: str
    direction: Literal["rtl", "ltr"]
    published_at: datetime


class SuggestionList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Suggestion]
