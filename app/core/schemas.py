"""Shared shapes of write bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from app.core.text import as_utc

#: Ids are the database's ``integer`` (32-bit on PostgreSQL): a larger number names nothing
#: and is refused as invalid input before it reaches a query.
MAX_ID = 2**31 - 1


class WriteModel(BaseModel):
    """A request body: unknown fields are refused (422 naming them), never ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refuse(*names: str, reason: str) -> Any:
    """A validator for fields a caller may not set (``id``, ``version``…): declared on the
    model so the 422 names the field and says why, instead of a bare "extra input"."""

    def _refuse(cls: type[BaseModel], value: Any) -> Any:
        raise ValueError(reason)

    return field_validator(*names, mode="before")(_refuse)


#: Why a refused server-kept field (``id``, ``created_at``…) is refused.
SERVER_KEPT = "is kept by the server and cannot be set"


def _http_url(value: str | None) -> str | None:
    if value is not None and not value.lower().startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL")
    return value


#: A link the public will follow: http(s) only, never ``javascript:`` or ``data:``.
HttpUrlText = Annotated[str | None, AfterValidator(_http_url), Field(max_length=2000)]


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value, naive_is_utc=False) if value is not None else None


#: A time in a write body: RFC 3339 with its offset, stored in UTC.
AwareTime = Annotated[datetime | None, AfterValidator(_aware)]
