"""The category tree, held in memory per content revision, and the rules for changing it.

The tree is small (hundreds of nodes) and read by almost every request (breadcrumbs, section
filters, the home feed). It is loaded once per content revision: any write bumps the revision,
so the cached tree is never older than the data it describes.

Writes lock the whole tree first (``repository.lock_tree``) and run one at a time. Moving a
category rewrites the materialised path (``tree_path``) and ``depth`` of its whole subtree
through the ORM, so the flush hooks refresh the listing rows of every article below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record
from app.auth.principal import Principal
from app.categories import repository
from app.categories.schemas import CategoryCreate, CategoryUpdate
from app.core.errors import Conflict, InvalidParameter, NotFound
from app.core.fastread import Source
from app.core.slugs import claim_slug, unique_slug
from app.core.text import direction_of
from app.models import Category


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


# Writing

#: ``categories.tree_path`` is a String(1000).
MAX_TREE_PATH = 1000
_SCALARS = ("name", "description", "language", "position")


def location(slug: str) -> str:
    return f"/v1/categories/{quote(slug, safe='')}"


async def editorial_category(session: AsyncSession, category_id: int) -> dict[str, Any]:
    """The category as ``GET /v1/categories/{slug}`` shows it, read in the write session (the
    cached tree does not hold what this transaction wrote)."""
    tree = CategoryTree([Node(*row) for row in await repository.all_categories(session)])
    node = tree.by_id[category_id]
    return {**represent(node), "path": tree.breadcrumb(node)}


async def category_for_write(session: AsyncSession, slug: str) -> Category:
    """The category named by ``slug``, with the whole tree locked."""
    for category in await repository.lock_tree(session):
        if category.slug == slug:
            return category
    raise NotFound(f"No category has the slug «{slug}».")


async def create_category(
    session: AsyncSession, actor: Principal, data: CategoryCreate
) -> Category:
    await repository.lock_tree(session)
    values = data.model_dump(exclude_unset=True)
    parent = await _parent(session, values.get("parent_id"))
    if values.get("slug") is not None:
        slug = await claim_slug(
            session, Category.slug, values["slug"], owner_id=None, noun="category"
        )
    else:
        slug = await unique_slug(session, Category.slug, data.name, "category")
    if "position" not in values:
        values["position"] = await repository.next_position(session, data.parent_id)
    category = Category(
        name=data.name,
        slug=slug,
        description=values.get("description"),
        language=values.get("language", parent.language if parent else "ar"),
        parent_id=parent.id if parent else None,
        position=values["position"],
        depth=parent.depth + 1 if parent else 0,
    )
    session.add(category)
    await session.flush()  # the id is part of the path
    category.tree_path = _path_under(parent, category.id)
    await session.flush()
    record(
        session,
        actor,
        "category.create",
        "category",
        category.id,
        {"slug": category.slug, "parent_id": category.parent_id},
    )
    return category


async def update_category(
    session: AsyncSession, actor: Principal, category: Category, data: CategoryUpdate
) -> list[str]:
    """Apply the fields sent (``category_for_write`` has locked the tree); the names of those
    that changed. A new ``parent_id`` moves the category with its subtree, recorded as
    ``category.move``."""
    values = data.model_dump(exclude_unset=True)
    moving = "parent_id" in values and values["parent_id"] != category.parent_id
    # Every check runs before anything changes: a refused request leaves the tree as it was.
    new_parent = await _new_parent(session, category, values["parent_id"]) if moving else None
    slug = (
        await claim_slug(
            session, Category.slug, values["slug"], owner_id=category.id, noun="category"
        )
        if "slug" in values
        else category.slug
    )
    changed: list[str] = []
    details: dict[str, Any] = {}
    if moving:
        if "position" not in values:
            values["position"] = await repository.next_position(session, values["parent_id"])
        details = {"from_parent_id": category.parent_id, "to_parent_id": values["parent_id"]}
        details["moved"] = await _move(session, category, new_parent)
        changed.append("parent_id")
    for name in _SCALARS:
        if name in values and values[name] != getattr(category, name):
            setattr(category, name, values[name])
            changed.append(name)
    if slug != category.slug:
        category.slug = slug
        changed.append("slug")
    if changed:
        await session.flush()
        action = "category.move" if moving else "category.update"
        record(session, actor, action, "category", category.id, {"changed": changed, **details})
    return changed


async def delete_category(session: AsyncSession, actor: Principal, category: Category) -> None:
    """Only an empty leaf may go: its articles would lose their section, its children their
    parent (409 otherwise)."""
    articles = await repository.article_count(session, category.id)
    if articles:
        raise Conflict(
            f"The category «{category.slug}» still has {articles} article(s); "
            "move them to another category first.",
            article_count=articles,
        )
    children = await repository.child_count(session, category.id)
    if children:
        raise Conflict(
            f"The category «{category.slug}» still has {children} child categories; "
            "move or delete them first.",
            child_count=children,
        )
    # Both collections are empty; loading them lets the ORM delete without lazy loads.
    await session.refresh(category, ["children", "articles"])
    await session.delete(category)
    await session.flush()
    record(session, actor, "category.delete", "category", category.id, {"slug": category.slug})


async def _parent(session: AsyncSession, parent_id: int | None) -> Category | None:
    if parent_id is None:
        return None
    parent = await session.get(Category, parent_id)
    if parent is None:
        raise InvalidParameter(["body", "parent_id"], f"No category {parent_id}.")
    return parent


async def _new_parent(
    session: AsyncSession, category: Category, parent_id: int | None
) -> Category | None:
    parent = await _parent(session, parent_id)
    if parent is not None and parent.tree_path.startswith(category.tree_path):
        raise InvalidParameter(
            ["body", "parent_id"],
            "A category cannot be moved under itself or one of its own descendants.",
        )
    return parent


def _path_under(parent: Category | None, category_id: int) -> str:
    return f"{parent.tree_path if parent else '/'}{category_id}/"


async def _move(session: AsyncSession, category: Category, parent: Category | None) -> int:
    """Re-parent ``category``: rewrite the path and depth of it and every descendant (checked
    first, changed after). The number of descendants moved with it."""
    old_path, new_path = category.tree_path, _path_under(parent, category.id)
    shift = (parent.depth + 1 if parent else 0) - category.depth
    nodes = await repository.subtree(session, old_path)
    deepest = max(len(node.tree_path) for node in nodes) - len(old_path) + len(new_path)
    if deepest > MAX_TREE_PATH:
        raise InvalidParameter(["body", "parent_id"], "The tree would be too deep there.")
    category.parent_id = parent.id if parent else None
    for node in nodes:
        node.tree_path = new_path + node.tree_path[len(old_path) :]
        node.depth += shift
    return len(nodes) - 1
