from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.core.schemas import MAX_ID, SERVER_KEPT, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN
from app.media.schemas import MediaRead


class AuthorRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str
    bio: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    avatar: MediaRead | None


class AuthorList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AuthorRead]
    next_cursor: str | None


# Writing


class _AuthorFields(WriteModel):
    bio: str | None = Field(None, max_length=10_000)
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)
    avatar_media_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="An existing media item; null removes the avatar."
    )
    user_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The newsroom account this byline belongs to, if any; null for a "
        "contributor without an account.",
    )

    id: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    direction: SkipJsonSchema[Any] = None
    avatar: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse("id", "created_at", "updated_at", reason=SERVER_KEPT)
    _refuse_direction = refuse("direction", reason="follows from language")
    _refuse_avatar = refuse("avatar", reason="is set by id: send avatar_media_id")

    @field_validator("language")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class AuthorCreate(_AuthorFields):
    """A new byline. ``slug`` is made from the name when not given; ``language`` defaults to
    ``ar``."""

    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)


class AuthorUpdate(_AuthorFields):
    """The fields to change; ``null`` clears an optional one. A new ``slug`` changes the
    byline's URL."""

    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("name", "slug")
    @classmethod
    def _name_and_slug_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value
