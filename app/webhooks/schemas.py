from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import WriteModel

#: What a webhook may subscribe to (``webhook.test`` is sent only by the test endpoint).
EventType = Literal[
    "article.published",
    "article.updated",
    "article.unpublished",
    "ticker.created",
    "ticker.updated",
    "ticker.deleted",
]

Url = Annotated[str, Field(min_length=1, max_length=2000, description="An http(s) URL.")]
Events = Annotated[list[EventType], Field(min_length=1, description="Event types to receive.")]
Description = Annotated[str | None, Field(max_length=500)]


class WebhookCreate(WriteModel):
    url: Url
    events: Events
    description: Description = None


class WebhookUpdate(WriteModel):
    url: Url | None = None
    events: Events | None = None
    description: Description = None
    is_active: bool | None = Field(
        default=None,
        description="false pauses deliveries; true re-enables a disabled endpoint, forgets "
        "its failures and sends what waited for it.",
    )


class Owner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["user", "key"]
    id: int | None


class WebhookRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    url: str
    events: list[EventType]
    description: str | None
    is_active: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None
    consecutive_failures: int
    owner: Owner
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str | None = Field(
        description="The signing secret (`whsec_…`), shown this once: verify deliveries "
        "with it. Null when the answer is a replay for a repeated Idempotency-Key."
    )


class WebhookList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[WebhookRead]
    next_cursor: str | None


class SecretRotated(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: str = Field(description="The new signing secret (`whsec_…`), shown this once.")
    previous_secret_until: datetime = Field(
        description="Until then deliveries carry a signature with the old secret too."
    )


class TestQueued(BaseModel):
    model_config = ConfigDict(extra="forbid")

    msg_id: str = Field(description="The `webhook-id` the test delivery carries.")
    type: Literal["webhook.test"]
    status: Literal["pending"]


class DeliveryRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    msg_id: str = Field(description="The message's `webhook-id` (the same on every attempt).")
    type: str
    attempt: int
    attempted_at: datetime
    outcome: Literal["delivered", "failed", "timeout", "error", "refused"]
    status_code: int | None
    latency_ms: int
    response_excerpt: str | None = Field(description="The start of the answer's body.")
    error: str | None


class DeliveryList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[DeliveryRead]
    next_cursor: str | None
