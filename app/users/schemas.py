from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.core.schemas import WriteModel
from app.users.service import MIN_PASSWORD_LENGTH

Role = Literal["admin", "editor", "writer"]
Username = Annotated[
    str,
    StringConstraints(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$", to_lower=True),
]
Password = Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)]


class UserCreate(WriteModel):
    username: Username
    password: Password
    role: Role
    display_name: Annotated[str | None, Field(max_length=200)] = None


class UserUpdate(WriteModel):
    """Changing ``password`` or ``role``, or setting ``is_active`` to false, ends the
    user's earlier tokens at once."""

    role: Role | None = None
    is_active: bool | None = None
    password: Password | None = None
    display_name: Annotated[str | None, Field(max_length=200)] = None

    @field_validator("role", "is_active", "password")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class UserRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    username: str
    role: Role
    display_name: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class UserList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[UserRead]
    next_cursor: str | None
