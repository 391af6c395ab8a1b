from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Token(BaseModel):
    model_config = ConfigDict(extra="forbid")

    access_token: str
    token_type: Literal["bearer"]
    expires_in: int


class Me(BaseModel):
    """The caller, as the API sees it."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["user", "key"]
    id: int
    name: str
    role: str | None
    scopes: list[str]
