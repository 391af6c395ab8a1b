"""The category tree and breadcrumbs."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.categories.schemas import CategoryRead, CategoryTreeRead
from tests import factories
from tests.newsroom import Newsroom


async def test_tree_is_nested_and_ordered_by_position(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom
) -> None:
    first = await factories.category(session, "أولاً", newsroom.home, position=0)
    response = await client.get("/v1/categories")
    tree = CategoryTreeRead.model_validate(response.json())
    assert [root.slug for root in tree.items] == ["الرئيسية", "home"]
    arabic = tree.items[0]
    assert [c.id for c in arabic.children] == [first.id, newsroom.world.id, newsroom.sport.id]
    assert arabic.children[1].children[0].slug == "الشرق-الأوسط"
    assert arabic.direction == "rtl"
    assert tree.items[1].direction == "ltr"


async def test_category_has_a_breadcrumb_from_the_root_to_itself(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    response = await client.get("/v1/categories/" + quote("الشرق-الأوسط"))
    category = CategoryRead.model_validate(response.json())
    assert [step.name for step in category.path] == ["الرئيسية", "شؤون دولية", "الشرق الأوسط"]
    assert category.parent_id == newsroom.world.id
    keys = response.headers["surrogate-key"].split()
    assert f"category-{newsroom.home.id}" in keys


async def test_category_lists_its_children(client: httpx.AsyncClient, newsroom: Newsroom) -> None:
    response = await client.get("/v1/categories/شؤون-دولية")
    assert [c["slug"] for c in response.json()["children"]] == ["الشرق-الأوسط"]
    assert [c["slug"] for c in response.json()["path"]] == ["الرئيسية", "شؤون-دولية"]
