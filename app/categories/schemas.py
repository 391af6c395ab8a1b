from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from app.core.schemas import MAX_ID, SERVER_KEPT, WriteModel, refuse
from app.core.text import LANGUAGE_PATTERN


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


# Writing


class _CategoryFields(WriteModel):
    """Fields shared by create and update; the tree's bookkeeping is refused by name."""

    description: str | None = Field(None, max_length=5000)
    language: str | None = Field(
        None,
        pattern=LANGUAGE_PATTERN,
        max_length=35,
        description="BCP 47; a new category takes its parent's language when not given.",
    )
    position: int | None = Field(
        None,
        ge=0,
        le=1_000_000,
        description="Orders siblings; when not given, the category goes after its siblings.",
    )
    parent_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The parent category; null makes a root. Changing it moves the whole subtree.",
    )

    id: SkipJsonSchema[Any] = None
    tree_path: SkipJsonSchema[Any] = None
    depth: SkipJsonSchema[Any] = None
    created_at: SkipJsonSchema[Any] = None
    updated_at: SkipJsonSchema[Any] = None
    direction: SkipJsonSchema[Any] = None
    path: SkipJsonSchema[Any] = None
    children: SkipJsonSchema[Any] = None

    _refuse_server_fields = refuse(
        "id", "tree_path", "depth", "created_at", "updated_at", reason=SERVER_KEPT
    )
    _refuse_direction = refuse("direction", reason="follows from language")
    _refuse_tree = refuse(
        "path", "children", reason="follows from parent_id: set a category's parent_id to move it"
    )

    @field_validator("language", "position")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields the caller sent: these may be left out, never cleared.
        if value is None:
            raise ValueError("cannot be null")
        return value


class CategoryCreate(_CategoryFields):
    """A new category. ``slug`` is made from the name when not given."""

    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)


class CategoryUpdate(_CategoryFields):
    """The fields to change; fields not sent stay as they are. A new ``slug`` changes the
    category's URL."""

    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=200)

    @field_validator("name", "slug")
    @classmethod
    def _name_and_slug_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value
