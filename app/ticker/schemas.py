from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.core.schemas import MAX_ID, SERVER_KEPT, AwareTime, HttpUrlText, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN

Priority = Literal["breaking", "urgent", "normal"]


class TickerItemRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    text: str
    url: str | None
    article_id: int | None
    priority: Priority
    language: str
    direction: Literal["rtl", "ltr"]
    starts_at: datetime
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TickerRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[TickerItemRead]


# Writing


class _TickerItemFields(WriteModel):
    url: HttpUrlText = None
    article_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The article the line announces, if any."
    )
    priority: Priority | None = None
    language: str | None = Field(None, pattern=LANGUAGE_PATTERN, max_length=35)
    starts_at: AwareTime = Field(None, description="When the line goes live; now when not given.")
    expires_at: AwareTime = Field(
        None, description="When the line leaves the ticker (after starts_at); null: never."
    )

    id: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    direction: SkipJsonSchema[Any] = None
    priority_rank: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse("id", "created_at", "updated_at", reason=SERVER_KEPT)
    _refuse_direction = refuse("direction", reason="follows from language")
    _refuse_rank = refuse("priority_rank", reason="follows from priority")

    @field_validator("priority", "language", "starts_at")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class TickerItemCreate(_TickerItemFields):
    """A new ticker line: ``priority`` defaults to ``normal``, ``language`` to ``ar``,
    ``starts_at`` to now."""

    text: str = Field(min_length=1, max_length=1000)


class TickerItemUpdate(_TickerItemFields):
    """The fields to change; ``null`` clears ``url``, ``article_id`` or ``expires_at``."""

    text: str | None = Field(None, min_length=1, max_length=1000)

    @field_validator("text")
    @classmethod
    def _text_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value
