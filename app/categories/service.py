"""The category tree, held in memory per content revision.

The tree is small (hundreds of nodes) and read by almost every request (breadcrumbs, section
filters, the home feed). It is loaded once per content revision: any write bumps the revision,
so the cached tree is never older than the data it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.categories import repository
from app.core.errors import NotFound
from app.core.fastread import Source
from app.core.text import direction_of


@dataclass(slots=True)
class Node:
    id: int
    parent_id: int | None
    slug: str
    name: str
    description: str | None
    language: str
    position: int
    tree_path: str
    children: list[Node] = field(default_factory=list)

    @property
    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "slug": self.slug, "name": self.name}

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.tree_path.strip("/").split("/") if part]


class CategoryTree:
    def __init__(self, nodes: list[Node]) -> None:
        self.by_id = {node.id: node for node in nodes}
        self.by_slug = {node.slug: node for node in nodes}
        self.roots: list[Node] = []
        for node in nodes:  # rows come ordered by depth, position
            parent = self.by_id.get(node.parent_id) if node.parent_id else None
            (parent.children if parent else self.roots).append(node)

    def get(self, slug: str) -> Node:
        node = self.by_slug.get(slug)
        if node is None:
            raise NotFound(f"No category has the slug «{slug}».")
        return node

    def breadcrumb(self, node: Node) -> list[dict[str, Any]]:
        """From the root down to the node itself, inclusive."""
        return [self.by_id[i].ref for i in node.ancestor_ids if i in self.by_id]

    def sections(self, language: str | None = None) -> list[Node]:
        """The top-level sections: children of the roots, in tree order."""
        return [
            child
            for root in self.roots
            if language is None or root.language == language
            for child in root.children
        ]


def represent(node: Node, *, depth: int | None = None) -> dict[str, Any]:
    """A category with its subtree (``depth`` levels of it, or all)."""
    children = (
        [represent(child, depth=None if depth is None else depth - 1) for child in node.children]
        if depth is None or depth > 0
        else []
    )
    return {
        "id": node.id,
        "slug": node.slug,
        "name": node.name,
        "description": node.description,
        "language": node.language,
        "direction": direction_of(node.language),
        "position": node.position,
        "parent_id": node.parent_id,
        "children": children,
    }


_cache: dict[int, tuple[int, CategoryTree]] = {}


def forget_cached_trees() -> None:
    _cache.clear()


async def load_tree(source: Source, revision: int) -> CategoryTree:
    """The tree for ``revision``; a read session is opened only when it must be loaded.

    Only committed revisions may be cached, so only read paths call this: a revision seen
    inside a write transaction that then rolls back would be reused by the next commit."""
    key = id(source.bind) if isinstance(source, AsyncSession) else id(source.engine)
    cached = _cache.get(key)
    if cached is not None and cached[0] == revision and revision > 0:
        return cached[1]
    session = source if isinstance(source, AsyncSession) else source.session
    rows = await repository.all_categories(session)
    tree = CategoryTree([Node(*row) for row in rows])
    _cache[key] = (revision, tree)
    return tree
