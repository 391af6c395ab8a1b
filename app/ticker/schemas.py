from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

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
