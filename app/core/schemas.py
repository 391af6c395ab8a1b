"""Shared shapes of write bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator


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
