from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


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
