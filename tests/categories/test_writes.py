"""Writing the category tree: create, rename, move a subtree, delete, and who may do it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.categories.schemas import CategoryRead, CategoryTreeRead
from app.models import AuditEntry, Category
from tests import factories
from tests.accounts import Staff
from tests.dbstate import database_state
from tests.newsroom import Newsroom


def url(slug: str) -> str:
    return "/v1/categories/" + quote(slug, safe="")


async def fresh(session: AsyncSession, category_id: int) -> Category:
    category = await session.get(Category, category_id, populate_existing=True)
    assert category is not None
    return category


async def audit(session: AsyncSession, category_id: int) -> list[tuple[str, dict[str, Any]]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.resource_type == "category", AuditEntry.resource_id == str(category_id))
        .order_by(AuditEntry.id)
    )
    return [(action, details) for action, details in rows.all()]


async def article_ids(client: httpx.AsyncClient, category: str) -> set[int]:
    response = await client.get("/v1/articles", params={"category": category})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_an_editor_creates_an_arabic_category_under_a_parent(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.post(
        "/v1/categories",
        json={"name": "اقتصاد عربي", "parent_id": newsroom.world.id, "description": "أسواق"},
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 201, response.text
    body = CategoryRead.model_validate(response.json())
    assert body.slug == "اقتصاد-عربي"
    assert response.headers["location"] == url("اقتصاد-عربي")
    assert response.headers["cache-control"] == "private, no-store"
    assert body.language == "ar"  # the parent's language
    assert body.direction == "rtl"
    assert body.parent_id == newsroom.world.id
    assert body.position == 1  # after its sibling الشرق الأوسط
    assert [step.slug for step in body.path] == ["الرئيسية", "شؤون-دولية", "اقتصاد-عربي"]

    row = await fresh(session, body.id)
    assert row.depth == 2
    assert row.tree_path == f"/{newsroom.home.id}/{newsroom.world.id}/{body.id}/"
    public = await client.get(response.headers["location"])
    assert public.status_code == 200
    assert public.json() == response.json()
    assert await audit(session, body.id) == [
        ("category.create", {"slug": "اقتصاد-عربي", "parent_id": newsroom.world.id})
    ]


async def test_a_root_category_is_created_with_a_given_slug_normalised(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.post(
        "/v1/categories",
        json={"name": "Business", "slug": " Markets_Today ", "language": "en"},
        headers=staff.headers(staff.admin),
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "markets-today"
    assert response.json()["direction"] == "ltr"
    assert response.json()["path"] == [
        {"id": response.json()["id"], "slug": "markets-today", "name": "Business"}
    ]
    tree = CategoryTreeRead.model_validate((await client.get("/v1/categories")).json())
    assert [root.slug for root in tree.items] == ["الرئيسية", "home", "markets-today"]


async def test_a_slug_taken_by_another_category_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    created = await client.post(
        "/v1/categories", json={"name": "رياضة محلية", "slug": "رياضة"}, headers=editor
    )
    renamed = await client.patch(url("شؤون-دولية"), json={"slug": "رياضة"}, headers=editor)
    empty = await client.patch(url("شؤون-دولية"), json={"slug": "!!!"}, headers=editor)
    for response in (created, renamed, empty):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == ["body", "slug"]
    assert await database_state(session) == before


async def test_patch_renames_a_category_and_moves_its_url(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.patch(
        url("رياضة"),
        json={"name": "الرياضة", "slug": "الرياضة", "description": "كرة القدم وغيرها"},
        headers=staff.headers(staff.editor),
    )
    assert response.status_code == 200, response.text
    body = CategoryRead.model_validate(response.json())
    assert (body.slug, body.name, body.description) == ("الرياضة", "الرياضة", "كرة القدم وغيرها")
    assert (await client.get(url("رياضة"))).status_code == 404
    assert (await client.get(url("الرياضة"))).json()["name"] == "الرياضة"
    # Article cards carry the category's new slug and name.
    lists = (await client.get("/v1/articles", params={"category": "الرياضة"})).json()["items"]
    assert [item["category"]["slug"] for item in lists] == ["الرياضة"]
    assert await audit(session, newsroom.sport.id) == [
        ("category.update", {"changed": ["name", "description", "slug"]})
    ]


async def test_position_orders_siblings(
    client: httpx.AsyncClient, newsroom: Newsroom, staff: Staff
) -> None:
    response = await client.patch(
        url("رياضة"), json={"position": 0}, headers=staff.headers(staff.editor)
    )
    assert response.status_code == 200, response.text
    home = (await client.get(url("الرئيسية"))).json()
    assert [child["slug"] for child in home["children"]] == ["رياضة", "شؤون-دولية"]


async def test_moving_a_category_moves_its_whole_subtree(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    deeper = await factories.category(session, "غزة", newsroom.middle_east)
    world_articles = {newsroom.lead.id, newsroom.mideast_story.id}
    assert await article_ids(client, "رياضة") == {newsroom.sport_story.id}

    response = await client.patch(
        url("شؤون-دولية"), json={"parent_id": newsroom.sport.id}, headers=editor
    )
    assert response.status_code == 200, response.text
    assert response.json()["parent_id"] == newsroom.sport.id
    assert [c["slug"] for c in response.json()["path"]] == ["الرئيسية", "رياضة", "شؤون-دولية"]

    home, sport, world = newsroom.home.id, newsroom.sport.id, newsroom.world.id
    mideast = newsroom.middle_east.id
    expected = {
        world: (f"/{home}/{sport}/{world}/", 2),
        mideast: (f"/{home}/{sport}/{world}/{mideast}/", 3),
        deeper.id: (f"/{home}/{sport}/{world}/{mideast}/{deeper.id}/", 4),
    }
    for category_id, (tree_path, depth) in expected.items():
        row = await fresh(session, category_id)
        assert (row.tree_path, row.depth) == (tree_path, depth)

    breadcrumb = (await client.get(url("الشرق-الأوسط"))).json()["path"]
    assert [c["slug"] for c in breadcrumb] == ["الرئيسية", "رياضة", "شؤون-دولية", "الشرق-الأوسط"]
    assert await article_ids(client, "رياضة") == {newsroom.sport_story.id, *world_articles}
    mideast_card = next(
        item
        for item in (await client.get("/v1/articles")).json()["items"]
        if item["id"] == newsroom.mideast_story.id
    )
    assert mideast_card["category"]["slug"] == "الشرق-الأوسط"

    # null makes it a root: the subtree leaves the Arabic home page's listing.
    root = await client.patch(url("شؤون-دولية"), json={"parent_id": None}, headers=editor)
    assert root.status_code == 200, root.text
    assert root.json()["path"] == [{"id": world, "slug": "شؤون-دولية", "name": "شؤون دولية"}]
    assert (await fresh(session, deeper.id)).tree_path == f"/{world}/{mideast}/{deeper.id}/"
    assert (await fresh(session, deeper.id)).depth == 2
    assert await article_ids(client, "الرئيسية") == {newsroom.sport_story.id}
    assert await article_ids(client, "شؤون-دولية") == world_articles

    moves = await audit(session, world)
    assert [action for action, _ in moves] == ["category.move", "category.move"]
    assert moves[0][1]["moved"] == 2
    assert moves[0][1]["from_parent_id"] == home
    assert moves[0][1]["to_parent_id"] == sport


async def test_a_move_under_itself_or_a_descendant_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    for parent in (newsroom.world.id, newsroom.middle_east.id):
        response = await client.patch(
            url("شؤون-دولية"), json={"parent_id": parent, "name": "عالم"}, headers=editor
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "parent_id"]
    assert await database_state(session) == before


async def test_an_unknown_parent_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    created = await client.post(
        "/v1/categories", json={"name": "يتيم", "parent_id": 999_999}, headers=editor
    )
    moved = await client.patch(url("رياضة"), json={"parent_id": 999_999}, headers=editor)
    for response in (created, moved):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "parent_id"]
    assert await database_state(session) == before


async def test_deleting_a_category_with_articles_or_children_is_a_conflict(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    parent = await factories.category(session, "منوعات", newsroom.home)
    await factories.category(session, "فنون", parent)
    before = await database_state(session)
    with_articles = await client.delete(url("رياضة"), headers=editor)
    assert with_articles.status_code == 409
    assert with_articles.json()["article_count"] == 1
    with_children = await client.delete(url("منوعات"), headers=editor)
    assert with_children.status_code == 409
    assert with_children.json()["child_count"] == 1
    assert with_children.headers["content-type"] == "application/problem+json"
    assert await database_state(session) == before


async def test_an_empty_category_is_deleted(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    leaf = await factories.category(session, "فنون", newsroom.home)
    response = await client.delete(url("فنون"), headers=editor)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert (await client.get(url("فنون"))).status_code == 404
    assert await session.scalar(select(Category.id).where(Category.id == leaf.id)) is None
    assert await audit(session, leaf.id) == [("category.delete", {"slug": "فنون"})]


async def test_an_unknown_slug_is_404(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    patched = await client.patch(url("لا-يوجد"), json={"name": "س"}, headers=editor)
    assert patched.status_code == 404
    assert (await client.delete(url("لا-يوجد"), headers=editor)).status_code == 404
    assert await database_state(session) == before


async def test_writers_and_anonymous_callers_may_not_write_categories(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    before = await database_state(session)
    writer = staff.headers(staff.writer)
    for headers, status in ((writer, 403), ({}, 401)):
        responses = [
            await client.post("/v1/categories", json={"name": "جديد"}, headers=headers),
            await client.patch(url("رياضة"), json={"name": "جديد"}, headers=headers),
            await client.delete(url("رياضة"), headers=headers),
        ]
        assert [r.status_code for r in responses] == [status] * 3
    assert await database_state(session) == before


async def test_unknown_server_kept_and_mistyped_fields_are_refused(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    editor = staff.headers(staff.editor)
    before = await database_state(session)
    cases = [
        ("post", {"name": "جديد", "colour": "أحمر"}, "colour"),
        ("post", {"name": "جديد", "id": 7}, "id"),
        ("post", {"parent_id": newsroom.home.id}, "name"),
        ("patch", {"tree_path": "/1/"}, "tree_path"),
        ("patch", {"depth": 0}, "depth"),
        ("patch", {"created_at": "2026-01-01T00:00:00Z"}, "created_at"),
        ("patch", {"children": []}, "children"),
        ("patch", {"position": "first"}, "position"),
        ("patch", {"parent_id": "home"}, "parent_id"),
        ("patch", {"name": None}, "name"),
        ("patch", {"language": None}, "language"),
    ]
    for method, body, field in cases:
        if method == "post":
            response = await client.post("/v1/categories", json=body, headers=editor)
        else:
            response = await client.patch(url("رياضة"), json=body, headers=editor)
        assert response.status_code == 422, (body, response.text)
        assert ["body", field] in [e["loc"] for e in response.json()["errors"]], body
    kept = await client.patch(url("رياضة"), json={"id": 3}, headers=editor)
    assert "kept by the server" in kept.json()["errors"][0]["msg"]
    assert await database_state(session) == before


async def test_a_retried_post_with_the_same_idempotency_key_creates_one_category(
    client: httpx.AsyncClient, session: AsyncSession, newsroom: Newsroom, staff: Staff
) -> None:
    headers = {**staff.headers(staff.editor), "Idempotency-Key": "cat-1"}
    first = await client.post("/v1/categories", json={"name": "صحة"}, headers=headers)
    second = await client.post("/v1/categories", json={"name": "صحة"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    slugs = (await session.scalars(select(Category.slug).where(Category.name == "صحة"))).all()
    assert slugs == ["صحة"]
