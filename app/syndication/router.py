"""Feeds (``/feeds/…``), sitemaps (``/sitemap.xml``, ``/sitemaps/…``) and the partners'
change feed (``/v1/syndication/articles``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.articles.filters import section_by_slug
from app.auth.dependencies import AuthenticatedDep
from app.categories.service import Node
from app.core.database import PrimaryReadSession
from app.core.errors import Forbidden, InvalidParameter, NotFound, problem_responses
from app.core.http import CodecDep, SlugPath
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_link
from app.core.public import PublicRead, PublicReadDep
from app.core.responses import private_json
from app.core.settings import get_settings
from app.core.text import normalize_slug
from app.models.base import utcnow
from app.syndication import partners, service, sitemaps
from app.syndication import schemas as partners_schemas
from app.syndication.feeds import Format

feeds_router = APIRouter(prefix="/feeds", tags=["syndication"])

MEDIA_TYPES: dict[Format, str] = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json",
}
CategoryQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=300, description="Category slug; includes its descendants."),
]


async def _respond(
    request: Request, read: PublicRead, kind: Format, section: Node | None
) -> Response:
    full = service.full_content_for(read)
    body = await service.feed(read, kind, section, str(request.url), full=full)
    keys = ["articles", "feeds"] + ([f"category-{section.id}"] if section else [])
    return read.cache.body(body, MEDIA_TYPES[kind], surrogate_keys=keys)


async def _section(read: PublicRead, slug: str | None, *, in_path: bool) -> Node | None:
    if slug is None:
        return None
    node = await section_by_slug(read, normalize_slug(slug).lower())
    if node is None:
        if in_path:
            raise NotFound(f"No category «{slug}».")
        raise InvalidParameter(["query", "category"], f"No category «{slug}».")
    return node


def _route(kind: Format, filename: str) -> None:
    summary = {"rss": "RSS 2.0 with Media RSS", "atom": "Atom 1.0", "json": "JSON Feed 1.1"}[kind]
    content: dict[int | str, dict[str, Any]] = {
        200: {"content": {MEDIA_TYPES[kind].split(";")[0]: {}}}
    }

    @feeds_router.get(
        f"/{filename}",
        summary=f"The newest articles as {summary}",
        response_class=Response,
        responses={**content, **problem_responses(422)},
    )
    async def site_feed(
        request: Request, read: PublicReadDep, category: CategoryQuery = None
    ) -> Response:
        return await _respond(request, read, kind, await _section(read, category, in_path=False))

    @feeds_router.get(
        f"/categories/{{slug}}/{filename}",
        summary=f"A category's newest articles (with its subcategories) as {summary}",
        response_class=Response,
        responses={**content, **problem_responses(404)},
    )
    async def category_feed(request: Request, read: PublicReadDep, slug: SlugPath) -> Response:
        return await _respond(request, read, kind, await _section(read, slug, in_path=True))


for _kind, _filename in (("rss", "rss.xml"), ("atom", "atom.xml"), ("json", "feed.json")):
    _route(_kind, _filename)  # type: ignore[arg-type]


sitemaps_router = APIRouter(tags=["syndication"])
XML = "application/xml; charset=utf-8"


def _base(request: Request) -> str:
    """Where this API is reached, for the index's links to its sitemaps."""
    return str(request.base_url).rstrip("/")


@sitemaps_router.get(
    "/sitemap.xml",
    summary="The sitemap index: the news sitemap and every article sitemap",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
async def sitemap_index(request: Request, read: PublicReadDep) -> Response:
    body = await service.cached(
        read,
        ("sitemap-index", _base(request), read.cache.revision),
        lambda: sitemaps.index(read.session, _base(request), utcnow()),
    )
    return read.cache.body(body, XML, surrogate_keys=["articles", "sitemaps"])


@sitemaps_router.get(
    "/sitemaps/news.xml",
    summary=f"Google News sitemap: articles of the last {sitemaps.NEWS_HOURS} hours",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
async def news_sitemap(read: PublicReadDep) -> Response:
    body = await service.cached(
        read,
        ("sitemap-news", read.cache.revision),
        lambda: sitemaps.news(read.session, get_settings().site_name, utcnow()),
    )
    return read.cache.body(body, XML, surrogate_keys=["articles", "sitemaps"])


@sitemaps_router.get(
    "/sitemaps/articles-{number}.xml",
    summary=f"Article sitemap: public articles in id order, {sitemaps.URLS_PER_SITEMAP:,} a file",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}, **problem_responses(404)},
)
async def article_sitemap(read: PublicReadDep, number: Annotated[int, Path(ge=1)]) -> Response:
    async def build() -> bytes:
        page = await sitemaps.articles(read.session, number, utcnow())
        if page is None:
            raise NotFound(f"There is no article sitemap {number}.")
        return page

    body = await service.cached(read, ("sitemap-articles", number, read.cache.revision), build)
    return read.cache.body(body, XML, surrogate_keys=["articles", "sitemaps"])


syndication_router = APIRouter(prefix="/v1/syndication", tags=["syndication"])
NinjsQuery = Annotated[
    Literal["2", "2.2", "3", "3.1"],
    Query(description="ninjs 2.2 (the default) or 3.1 (`3`)."),
]


@syndication_router.get(
    "/articles",
    response_model=partners_schemas.ChangePage,
    summary="Every change to what partners may see, oldest first, as ninjs (syndication:read)",
    responses=problem_responses(400, 401, 403, 422),
)
async def syndicated_articles(
    request: Request,
    principal: AuthenticatedDep,
    session: PrimaryReadSession,
    codec: CodecDep,
    since: Annotated[
        datetime | None,
        Query(description="Changes at or after this time (RFC 3339); ignored with a cursor."),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    ninjs: NinjsQuery = "2",
) -> Response:
    if not principal.has_scope(service.SYNDICATION_SCOPE):
        raise Forbidden("This feed is for partner keys with the syndication:read scope.")
    viewer = principal.viewer
    after = codec.decode(partners.CURSOR_KIND, cursor)[0] if cursor else None
    if since is not None and since.tzinfo is None:
        raise InvalidParameter(["query", "since"], "since needs a time zone (use Z for UTC).")
    # The feed's end is read first: a change committed while the page is read comes after it
    # (read after, it could name a change the page did not see, and the partner skip it).
    end = await partners.last_position(session) if after is None else after
    rows = await partners.changes(session, viewer, after, since, limit + 1)
    page = rows[:limit]
    version: partners.NinjsVersion = 3 if ninjs.startswith("3") else 2
    items = await partners.documents(session, viewer, page, version)
    position = page[-1].seq if page else end
    resume = codec.encode(partners.CURSOR_KIND, [position])
    next_cursor = resume if len(rows) > limit else None
    link = next_link(request, next_cursor)
    return private_json(
        {"items": items, "next_cursor": next_cursor, "resume_cursor": resume},
        headers={"Link": link} if link else None,
    )
