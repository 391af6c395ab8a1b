"""The filters the article list and search share, resolved from slugs to ids."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.articles.repository import ListFilter
from app.authors import repository as authors_repository
from app.categories.service import Node, load_tree
from app.core.errors import InvalidParameter
from app.core.public import PublicRead
from app.tags import repository as tags_repository


class FilterQuery(Protocol):
    """The filters the article list and search share."""

    @property
    def category(self) -> str | None: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def until(self) -> datetime | None: ...
    @property
    def is_breaking(self) -> bool | None: ...


async def section_by_slug(read: PublicRead, slug: str) -> Node | None:
    """The category (with its subcategories, a section) that a slug names, from the cached tree."""
    tree = await load_tree(read, read.cache.revision)
    return tree.by_slug.get(slug)


async def list_filter(read: PublicRead, query: FilterQuery) -> tuple[ListFilter, list[str]]:
    """The list filters of a query (the article list's, search's) by id, and the surrogate
    keys they add. An unknown category, tag or author is a 422."""
    keys = ["articles"]
    ids: dict[str, int | None] = {"category": None, "tag": None, "author": None}
    if query.category is not None:
        node = await section_by_slug(read, query.category)
        ids["category"] = node.id if node is not None else None
    for name, repository in (("tag", tags_repository), ("author", authors_repository)):
        slug = getattr(query, name)
        if slug is not None:
            row = await repository.by_slug(read.session, slug)
            ids[name] = row.id if row is not None else None
    for name, found in ids.items():
        slug = getattr(query, name)
        if slug is not None:
            if found is None:
                raise InvalidParameter(["query", name], f"No {name} «{slug}».")
            keys.append(f"{name}-{found}")
    filters = ListFilter(
        section_id=ids["category"],
        tag_id=ids["tag"],
        author_id=ids["author"],
        language=query.language,
        since=query.since,
        until=query.until,
        is_breaking=query.is_breaking,
    )
    return filters, keys
