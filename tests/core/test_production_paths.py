"""The app as `make run` starts it: its own SQLite file, the per-worker read-only connection
for hot reads and validators, 304s answered before routing, cards re-rendered when URLs change.

These run against a committed database of their own (the shared test transaction is invisible
to a second connection), so they are SQLite-only by nature.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.database import make_engine
from app.core.migrations import upgrade_connection
from app.core.settings import get_settings
from app.main import create_app
from tests import factories

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
async def own_database(tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'khabar.db'}"
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    async with AsyncSession(engine) as session, session.begin():
        home = await factories.category(session, "الرئيسية")
        for i in range(3):
            await factories.article(session, f"خبر رقم {i}", home, featured_media_id=None)
    yield url, engine
    await engine.dispose()


@pytest.fixture
def settings_for(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def configure(url: str, **env: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("KHABAR_DATABASE_URL", url)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return get_settings()

    yield configure
    get_settings.cache_clear()


async def test_hot_reads_and_304s_on_the_production_path(
    own_database: tuple[str, AsyncEngine],
    settings_for,  # type: ignore[no-untyped-def]
) -> None:
    url, engine = own_database
    app = create_app(settings_for(url))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            first = await client.get("/v1/articles", params={"limit": 2})
            assert [i["title"] for i in first.json()["items"]] == ["خبر رقم 2", "خبر رقم 1"]
            second = await client.get(first.headers["link"].split(">")[0][1:])
            assert [i["title"] for i in second.json()["items"]] == ["خبر رقم 0"]
            etag = first.headers["etag"]
            cached = await client.get(
                "/v1/articles", params={"limit": 2}, headers={"If-None-Match": etag}
            )
            assert cached.status_code == 304
            # A write through another connection (another worker) is seen at once.
            async with AsyncSession(engine) as session, session.begin():
                home = await factories.category(session, "قسم")
                await factories.article(session, "خبر أحدث", home)
            fresh = await client.get(
                "/v1/articles", params={"limit": 2}, headers={"If-None-Match": etag}
            )
            assert fresh.status_code == 200
            assert fresh.json()["items"][0]["title"] == "خبر أحدث"


async def test_cards_are_re_rendered_when_the_site_url_changes(
    own_database: tuple[str, AsyncEngine],
    settings_for,  # type: ignore[no-untyped-def]
) -> None:
    url, _engine = own_database
    for site in ("https://old.example", "https://new.example"):
        app = create_app(settings_for(url, KHABAR_SITE_URL=site))
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                items = (await client.get("/v1/articles")).json()["items"]
        assert all(item["url"].startswith(site + "/news/") for item in items)
