from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.articles.schemas import ARTICLE_FIELDS, SUMMARY_FIELDS
from app.articles.visibility import PUBLIC, Viewer
from app.core.errors import InvalidParameter


def get_viewer() -> Viewer:
    """What the caller may see. Anonymous callers see what the public sees."""
    return PUBLIC


ViewerDep = Annotated[Viewer, Depends(get_viewer)]

FieldsQuery = Annotated[
    str | None,
    Query(
        max_length=1000,
        description="Sparse fieldset: a comma-separated list of field names to return.",
        examples=["id,title,published_at"],
    ),
]


def parse_fields(raw: str | None, allowed: tuple[str, ...]) -> list[str] | None:
    if raw is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not names:
        raise InvalidParameter(["query", "fields"], "fields must name at least one field.")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidParameter(
            ["query", "fields"],
            f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)}.",
        )
    return names


def summary_fields(fields: FieldsQuery = None) -> list[str] | None:
    return parse_fields(fields, SUMMARY_FIELDS)


def article_fields(fields: FieldsQuery = None) -> list[str] | None:
    return parse_fields(fields, ARTICLE_FIELDS)


SummaryFields = Annotated[list[str] | None, Depends(summary_fields)]
ArticleFields = Annotated[list[str] | None, Depends(article_fields)]
