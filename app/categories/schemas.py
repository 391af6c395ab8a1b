from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class CategoryRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str


class CategoryNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    slug: str
    name: str
    description: str | None
    language: str
    direction: Literal["rtl", "ltr"]
    position: int
    parent_id: int | None
    children: list[CategoryNode]


class CategoryRead(CategoryNode):
    """One category with its breadcrumb: ``path`` runs from the root to the category itself."""

    path: list[CategoryRef]


class CategoryTreeRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[CategoryNode]
