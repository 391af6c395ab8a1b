from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from app.auth.dependencies import EditorDep
from app.categories import service
from app.categories.schemas import CategoryCreate, CategoryRead, CategoryTreeRead, CategoryUpdate
from app.categories.service import load_tree, represent
from app.core.database import WriteSession
from app.core.errors import problem_responses
from app.core.http import SlugPath
from app.core.idempotency import IdempotencyDep
from app.core.public import PublicReadDep
from app.core.responses import created, no_content, private_json

router = APIRouter(prefix="/v1/categories", tags=["categories"])


@router.get("", response_model=CategoryTreeRead, summary="The whole category tree")
async def category_tree(read: PublicReadDep) -> Response:
    tree = await load_tree(read, read.cache.revision)
    return read.cache.json(
        {"items": [represent(root) for root in tree.roots]}, surrogate_keys=["categories"]
    )


@router.get(
    "/{slug}",
    response_model=CategoryRead,
    summary="One category with its breadcrumb and subtree",
    responses=problem_responses(404),
)
async def get_category(slug: SlugPath, read: PublicReadDep) -> Response:
    tree = await load_tree(read, read.cache.revision)
    node = tree.get(slug)
    body = {**represent(node), "path": tree.breadcrumb(node)}
    return read.cache.json(
        body, surrogate_keys=["categories", *(f"category-{c['id']}" for c in body["path"])]
    )


# Writing


@router.post(
    "",
    response_model=CategoryRead,
    status_code=201,
    summary="Create a category (editors)",
    responses=problem_responses(401, 403, 409, 422),
)
async def create_category(
    data: CategoryCreate, editor: EditorDep, session: WriteSession, idempotency: IdempotencyDep
) -> Response:
    category = await service.create_category(session, editor, data)
    body = await service.editorial_category(session, category.id)
    return idempotency.remember(created(body, service.location(body["slug"])))


@router.patch(
    "/{slug}",
    response_model=CategoryRead,
    summary="Change, rename or move a category with its subtree (editors)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_category(
    slug: SlugPath, data: CategoryUpdate, editor: EditorDep, session: WriteSession
) -> Response:
    category = await service.category_for_write(session, slug)
    await service.update_category(session, editor, category, data)
    return private_json(await service.editorial_category(session, category.id))


@router.delete(
    "/{slug}",
    status_code=204,
    response_class=Response,
    summary="Delete an empty category (editors; 409 while it has articles or children)",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def delete_category(slug: SlugPath, editor: EditorDep, session: WriteSession) -> Response:
    category = await service.category_for_write(session, slug)
    await service.delete_category(session, editor, category)
    return no_content()
