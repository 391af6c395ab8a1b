from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import WriteModel

Scope = Literal["syndication:read", "embargoed:read", "webhooks:manage"]


class ApiKeyCreate(WriteModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], Field(min_length=1)]


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str | None = Field(
        description="The secret, shown this once: send it as `X-API-Key`. Null when the "
        "answer is a replay for a repeated Idempotency-Key (the secret is not stored)."
    )


class ApiKeyList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ApiKeyRead]
    next_cursor: str | None
