"""The filters the article list and search share, resolved from slugs to ids."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.articles.repository import ListFilter
from app.authors import repository as authors_repository
from app.categories.service import load_tree
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


async def list_filter(read: PublicRead, query: FilterQuery) -> tuple[ListFilter, list[str]]:
    """The list filters of a query (the article list's, search's) by id, and the surrogate
    keys they add. An unknown category, tag or author is a 422."""
    keys = ["articles"]
    section_id = tag_id = author_id = None
    if query.category is not None:
        tree = await load_tree(read, read.cache.revision)
        node = tree.by_slug.get(query.category)
        if node is None:
            raise InvalidParameter(["query", "category"], f"No category «{query.category}».")
        section_id = node.id
        keys.append(f"category-{node.id}")
    if query.tag is not None:
        tag_row = await tags_repository.by_slug(read.session, query.tag)
        if tag_row is None:
            raise InvalidParameter(["query", "tag"], f"No tag «{query.tag}».")
        tag_id = tag_row.id
        keys.append(f"tag-{tag_id}")
    if query.author is not None:
        author_row = await authors_repository.by_slug(read.session, query.author)
        if author_row is None:
            raise InvalidParameter(["query", "author"], f"No author «{query.author}».")
        author_id = author_row.id
        keys.append(f"author-{author_id}")
    filters = ListFilter(
        section_id=section_id,
        tag_id=tag_id,
        author_id=author_id,
        language=query.language,
        since=query.since,
        until=query.until,
        is_breaking=query.is_breaking,
    )
    return filters, keys
