from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.articles.schemas import ArticleSummary
from app.core.schemas import MAX_ID, SERVER_KEPT, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN


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


# Writing

MAX_ARTICLES = 500


class CollectionEditorialRead(CollectionRead):
    """The collection as its editors see it: ``items`` as the public sees them (published
    articles only), and ``article_ids``, the whole order as it was set, unpublished articles
    included."""

    article_ids: list[int]


def _each_once(ids: list[int] | None) -> list[int] | None:
    seen: dict[int, int] = {}
    for index, article_id in enumerate(ids or ()):
        if article_id in seen:
            raise ValueError(
                f"article {article_id} is listed twice (at {seen[article_id]} and {index}); "
                "each article may appear once"
            )
        seen[article_id] = index
    return ids


ArticleIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]],
    Field(max_length=MAX_ARTICLES),
    AfterValidator(_each_once),
]


class _CollectionFields(WriteModel):
    description: str | None = Field(None, max_length=5000)
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)
    article_ids: ArticleIds | None = Field(
        None,
        description="The articles in order, first first. Sending it replaces the whole order.",
    )

    id: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    direction: SkipJsonSchema[Any] = None
    items: SkipJsonSchema[Any] = None
    next_cursor: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse("id", "created_at", "updated_at", reason=SERVER_KEPT)
    _refuse_direction = refuse("direction", reason="follows from language")
    _refuse_items = refuse(
        "items", "next_cursor", reason="follows from article_ids: send the ids in order"
    )

    @field_validator("language", "article_ids")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class CollectionCreate(_CollectionFields):
    """A new collection. ``slug`` is made from the title when not given; ``language``
    defaults to ``ar``; ``article_ids`` to an empty list."""

    title: str = Field(min_length=1, max_length=300)
    slug: str | None = Field(None, min_length=1, max_length=200)


class CollectionUpdate(_CollectionFields):
    """The fields to change; ``article_ids`` replaces the whole order in one call. A new
    ``slug`` changes the collection's URL."""

    title: str | None = Field(None, min_length=1, max_length=300)
    slug: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("title", "slug")
    @classmethod
    def _title_and_slug_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value
