from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.article import Article


class Category(TimestampMixin, Base):
    """A node of the section tree (الرئيسية › شؤون دولية › …), any depth, ordered by position.

    ``tree_path`` is the materialised path of ids from the root (``/1/4/9/``): descendants are a
    prefix range, ancestors are the ids it names.
    """

    __tablename__ = "categories"
    __table_args__ = (Index(None, "parent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35), default="ar")
    position: Mapped[int] = mapped_column(default=0)
    tree_path: Mapped[str] = mapped_column(String(1000), index=True, default="/")
    depth: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Category | None] = relationship(
        back_populates="children", remote_side="Category.id", lazy="raise"
    )
    children: Mapped[list[Category]] = relationship(back_populates="parent", lazy="raise")
    articles: Mapped[list[Article]] = relationship(back_populates="category", lazy="raise")

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this category, inclusive."""
        return [int(part) for part in self.tree_path.strip("/").split("/") if part]
