from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChangePage(BaseModel):
    """A page of the partners' change feed."""

    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(
        description="ninjs documents (2.2, or 3.1 with `ninjs=3`), oldest change first; a "
        'withdrawn article is a tombstone with `pubstatus` (3.1: `pubStatus`) "canceled".'
    )
    next_cursor: str | None = Field(description="The next page, while there is one.")
    resume_cursor: str = Field(
        description="Where the next poll starts, even when nothing is left: poll with "
        "`cursor=` this to get each change once."
    )
