from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

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
