from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    created_at: datetime
    actor: str
    actor_name: str
    action: str
    resource_type: str
    resource_id: str
    details: dict[str, Any]


class AuditList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AuditEntryRead]
    next_cursor: str | None
