from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from app.categories.schemas import CategoryRead, CategoryTreeRead
from app.categories.service import load_tree, represent
from app.core.errors import problem_responses
from app.core.http import SlugPath
from app.core.public import PublicReadDep

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
