from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.core.schemas import SERVER_KEPT, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN


class TagRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str
    language: str
    direction: Literal["rtl", "ltr"]


class TagList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[TagRead]
    next_cursor: str | None


# Writing


class _TagFields(WriteModel):
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)

    id: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    direction: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse("id", "created_at", "updated_at", reason=SERVER_KEPT)
    _refuse_direction = refuse("direction", reason="follows from language")

    @field_validator("language")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class TagCreate(_TagFields):
    """A new tag. ``slug`` is made from the name when not given; ``language`` defaults to
    ``ar``."""

    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)


class TagUpdate(_TagFields):
    """The fields to change. A new ``slug`` changes the tag's URL."""

    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("name", "slug")
    @classmethod
    def _name_and_slug_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value
