"""Shared shapes of write bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class WriteModel(BaseModel):
    """A request body: unknown fields are refused (422 naming them), never ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refuse(*names: str, reason: str) -> Any:
    """A validator for fields a caller may not set (``id``, ``version``…): declared on the
    model so the 422 names the field and says why, instead of a bare "extra input"."""

    def _refuse(cls: type[BaseModel], value: Any) -> Any:
        raise ValueError(reason)

    return field_validator(*names, mode="before")(_refuse)
