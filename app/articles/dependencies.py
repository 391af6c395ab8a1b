from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import AfterValidator, Field

from app.articles.schemas import ARTICLE_FIELDS, SUMMARY_FIELDS
from app.articles.visibility import PUBLIC, Viewer, published_view
from app.auth.dependencies import resolve_principal
from app.auth.principal import Principal
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.core.query import QueryModel, query_dependency
from app.core.text import LANGUAGE_PATTERN, as_utc, normalize_slug
from app.models.article import ARTICLE_STATUSES


async def viewer_for(request: Request) -> tuple[Viewer, Principal | None]:
    """What the caller's lists show, and who it is. Anonymous callers see what the public
    sees; a partner key with ``embargoed:read`` and editors also see embargoed stories."""
    principal = await resolve_principal(request)
    return (published_view(principal.viewer) if principal else PUBLIC), principal


def parse_fields(raw: str | None, allowed: tuple[str, ...]) -> list[str] | None:
    """A sparse fieldset: names separated by commas, each one the representation has."""
    if raw is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not names:
        raise ValueError("fields must name at least one field.")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValueError(f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}.")
    return names


def _summary_fields(raw: str | None) -> list[str] | None:
    return parse_fields(raw, SUMMARY_FIELDS)


def _statuses(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [name for name in names if name not in ARTICLE_STATUSES]
    if not names or unknown:
        raise ValueError(f"status takes a comma list of {', '.join(ARTICLE_STATUSES)}.")
    return names


def _slug(raw: str | None) -> str | None:
    return normalize_slug(raw).lower() if raw is not None else None


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


SlugFilter = Annotated[str | None, Field(min_length=1, max_length=300), AfterValidator(_slug)]
TimeFilter = Annotated[datetime | None, AfterValidator(_utc)]


class ArticleListQuery(QueryModel):
    category: SlugFilter = Field(None, description="Category slug; includes its descendants.")
    tag: SlugFilter = Field(None, description="Tag slug.")
    author: SlugFilter = Field(None, description="Author slug.")
    language: str | None = Field(
        None, pattern=LANGUAGE_PATTERN, max_length=35, description="BCP 47 language tag."
    )
    since: TimeFilter = Field(None, description="Published at or after (RFC 3339).")
    until: TimeFilter = Field(None, description="Published before (RFC 3339).")
    is_breaking: bool | None = None
    fields: Annotated[str | None, Field(max_length=1000), AfterValidator(_summary_fields)] = Field(
        None, description="Sparse fieldset: comma-separated field names.", examples=["id,title"]
    )
    status: Annotated[str | None, Field(max_length=100), AfterValidator(_statuses)] = Field(
        None,
        description="Newsroom accounts only: comma-separated statuses (draft, scheduled, "
        "published, archived). The list is then every article in those statuses, last "
        "changed first, with its workflow fields; writers see their own.",
        examples=["draft,scheduled"],
    )
    cursor: str | None = Field(
        None, max_length=500, description="Opaque cursor from a previous page's `next_cursor`."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")


ArticleListQueryDep = Annotated[ArticleListQuery, Depends(query_dependency(ArticleListQuery))]


FieldsQuery = Annotated[
    str | None,
    Query(
        max_length=1000,
        description="Sparse fieldset: a comma-separated list of field names to return.",
        examples=["id,title,published_at"],
    ),
]


async def article_fields(fields: FieldsQuery = None) -> list[str] | None:
    from app.core.errors import InvalidParameter

    try:
        return parse_fields(fields, ARTICLE_FIELDS)
    except ValueError as error:
        raise InvalidParameter(["query", "fields"], str(error)) from None


ArticleFields = Annotated[list[str] | None, Depends(article_fields)]
