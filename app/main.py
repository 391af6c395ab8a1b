"""The Khabar ASGI application."""

from __future__ import annotations

import gc
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.responses import Response

from app.api_keys.router import router as api_keys_router
from app.articles.listing import ensure_cards_current, install_listing_hooks
from app.articles.router import router as articles_router
from app.articles.workflow import publish_scheduled
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.auth.service import LoginLimiter
from app.authors.router import router as authors_router
from app.categories.router import router as categories_router
from app.collections.router import router as collections_router
from app.core.caching import ConditionalGetMiddleware, dump_json
from app.core.database import Database, refresh_planner_statistics
from app.core.errors import install_error_handlers
from app.core.idempotency import Replay, purge_expired, replay_response
from app.core.middleware import CompressionMiddleware, CorsMiddleware, ImmutableStaticFiles
from app.core.public import RequestSessionsMiddleware
from app.core.revision import advance_clock_when_due, clock_task, install_revision_hooks
from app.core.settings import Settings, get_settings
from app.home.router import router as home_router
from app.media.editing import MediaServices
from app.media.processing import ProcessingOptions
from app.media.processor import MediaProcessor
from app.media.router import router as media_router
from app.media.storage import storage_from_settings
from app.ops.metrics import MetricsMiddleware
from app.ops.router import router as ops_router
from app.search.index import ensure_index_current, install_search_hooks
from app.search.router import router as search_router
from app.syndication.changes import install_syndication_hooks
from app.syndication.router import feeds_router, sitemaps_router, syndication_router
from app.tags.router import router as tags_router
from app.ticker import events as ticker_events
from app.ticker.events import install_ticker_hooks
from app.ticker.live import TickerHub, broker_from_url
from app.ticker.router import router as ticker_router
from app.users.router import router as users_router
from app.users.service import ensure_admin
from app.webhooks.delivery import DeliveryWorker
from app.webhooks.outbox import install_outbox_hooks
from app.webhooks.router import router as webhooks_router

API_DESCRIPTION = """
Khabar (خبر) serves a newsroom's articles, category tree, media, collections and breaking-news
ticker. Arabic first: JSON is UTF-8 without `\\u` escapes, slugs stay Arabic, every text-bearing
resource carries `language` and `direction`.

Lists are keyset-paged (`next_cursor`, `Link: rel="next"`), public GETs carry `ETag` (send
`If-None-Match` for a 304), `Cache-Control` and `Surrogate-Key`; errors are RFC 9457
`application/problem+json`.
"""

EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Surrogate-Key",
    "Retry-After",
    "Location",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Idempotent-Replayed",
]


def install_model_hooks() -> None:
    """Session hooks that keep derived data in step with every ORM write: the content
    revision, the listing rows and cards of articles, the live ticker's events, the search
    index, the partners' change feed, and the webhook outbox's wake-up call."""
    install_revision_hooks()
    install_listing_hooks()
    install_ticker_hooks()
    install_search_hooks()
    install_syndication_hooks()
    install_outbox_hooks()


async def _advance_clock(db: Database) -> None:
    await advance_clock_when_due(db.revisions, db.write_engine)


async def _publish_scheduled(db: Database) -> None:
    await publish_scheduled(db.write_sessions, reader=db.primary_read_sessions)


_PURGE_SECONDS = 600.0
_last_purge = [float("-inf")]


async def _purge_expired(db: Database) -> None:
    """Every ten minutes, not every tick: expired idempotency records and ticker events
    older than their replay window are only garbage."""
    if time.monotonic() - _last_purge[0] < _PURGE_SECONDS:
        return
    _last_purge[0] = time.monotonic()
    async with db.write_sessions() as session, session.begin():
        await purge_expired(session)
        await ticker_events.purge_expired(session)


#: What the app's clock runs every tick (``KHABAR_CONTENT_CLOCK_SECONDS``).
CLOCK_JOBS = (_advance_clock, _publish_scheduled, _purge_expired)


def media_services(settings: Settings) -> MediaServices:
    """Storage and the image-processing pool, from the settings."""
    options = ProcessingOptions(
        widths=settings.rendition_widths, max_pixels=settings.media_max_pixels
    )
    return MediaServices(
        settings=settings,
        storage=storage_from_settings(settings),
        processor=MediaProcessor(settings.media_processes, options),
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The app. ``database`` lets the tests hand in engines bound to their own transaction."""
    settings = settings or get_settings()
    install_model_hooks()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = database or Database.from_settings(settings)
        app.state.database = db
        if database is None:
            await refresh_planner_statistics(db.write_engine)
            # Cards carry absolute URLs: re-render them if those settings changed.
            await ensure_cards_current(db.write_engine)
            # The search index is rebuilt when the text analysis changed (or after the
            # migration that made it).
            await ensure_index_current(db.write_engine)
        if settings.admin_username and settings.admin_password:
            await ensure_admin(db.write_engine, settings.admin_username, settings.admin_password)
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector's way, so collections stay short under load.
        # The live ticker's log catches up with the lines (after migrations, loads, a crash).
        async with db.write_sessions() as session, session.begin():
            await ticker_events.announce_now(session)
        gc.freeze()
        media = app.state.media = media_services(settings)
        hub = app.state.ticker_hub = TickerHub(
            db.primary_read_sessions,
            broker_from_url(settings.redis_url),
            poll_seconds=settings.ticker_poll_seconds,
            heartbeat_seconds=settings.ticker_heartbeat_seconds,
        )
        async with AsyncExitStack() as stack:
            stack.push_async_callback(media.storage.close)
            stack.callback(media.processor.close)
            await hub.start()
            stack.push_async_callback(hub.stop)
            if settings.webhook_delivery:
                worker = app.state.webhook_worker = DeliveryWorker(
                    db.write_sessions, db.primary_read_sessions, settings
                )
                await worker.start()
                stack.push_async_callback(worker.stop)
            if settings.content_clock_seconds > 0:
                await stack.enter_async_context(
                    clock_task(db, settings.content_clock_seconds, CLOCK_JOBS)
                )
            yield
        if database is None:
            await db.dispose()

    app = FastAPI(
        title="Khabar",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.login_limiter = LoginLimiter.from_settings(settings)
    install_error_handlers(app)
    app.add_exception_handler(Replay, replay_response)
    for router in (
        articles_router,
        categories_router,
        tags_router,
        authors_router,
        media_router,
        collections_router,
        home_router,
        ticker_router,
        auth_router,
        users_router,
        api_keys_router,
        audit_router,
        search_router,
        feeds_router,
        sitemaps_router,
        syndication_router,
        webhooks_router,
        ops_router,
    ):
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(
            dump_json({"name": "Khabar", "docs": "/docs", "openapi": "/openapi.json"}),
            media_type="application/json",
        )

    settings.media_dir.mkdir(parents=True, exist_ok=True)
    app.mount(
        settings.media_url_path,
        ImmutableStaticFiles(directory=settings.media_dir, check_dir=False),
        name="media",
    )
    app.add_middleware(RequestSessionsMiddleware)
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(
        CorsMiddleware,
        trusted_origins=settings.cors_origin_list,
        expose_headers=EXPOSED_HEADERS,
    )
    app.add_middleware(CompressionMiddleware)
    app.add_middleware(MetricsMiddleware)
    return app
