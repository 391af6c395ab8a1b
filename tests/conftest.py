"""Test harness, after Polar's: one database per backend built by ``alembic upgrade head``,
each test inside a transaction that is rolled back, and the app's sessions joined to it.

Every test that takes ``client`` or ``session`` runs twice: on SQLite and on a real PostgreSQL
cluster started for the run (``KHABAR_TEST_BACKENDS=sqlite`` narrows it while iterating).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

_TMP = Path(tempfile.mkdtemp(prefix="khabar-tests-"))
#: The public standards our output is validated against: ``../shared/standards`` beside the
#: checkout (as on every machine and in CI), or ``KHABAR_SHARED_DIR``.
STANDARDS = (
    Path(os.environ.get("KHABAR_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    / "standards"
)
os.environ.update(
    {
        "KHABAR_ENV": "test",
        "KHABAR_SECRET_KEY": "test-secret-key-for-the-khabar-suite-0123456789",
        "KHABAR_SITE_URL": "https://news.example",
        "KHABAR_PUBLIC_URL": "https://api.example",
        "KHABAR_MEDIA_DIR": str(_TMP / "media"),
        "KHABAR_CONTENT_CLOCK_SECONDS": "0",
        "KHABAR_SEED_DEMO": "false",
        # The delivery worker runs only in the webhook tests that start it.
        "KHABAR_WEBHOOK_DELIVERY": "false",
    }
)
for _name in ("KHABAR_DATABASE_URL", "KHABAR_ADMIN_USERNAME", "KHABAR_ADMIN_PASSWORD"):
    os.environ.pop(_name, None)

import httpx  # noqa: E402
import pytest  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import (  # noqa: E402
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.categories.service import forget_cached_trees  # noqa: E402
from app.core.database import Database, make_engine  # noqa: E402
from app.core.migrations import upgrade_connection  # noqa: E402
from app.core.revision import SessionRevisionSource  # noqa: E402
from app.core.settings import get_settings  # noqa: E402
from app.main import create_app, install_model_hooks  # noqa: E402
from tests.accounts import Staff, build_staff  # noqa: E402
from tests.newsroom import Newsroom, build  # noqa: E402
from tests.postgres import postgres_cluster  # noqa: E402

BACKENDS = [b for b in os.environ.get("KHABAR_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]

get_settings.cache_clear()
install_model_hooks()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{_TMP / 'khabar-test.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=5)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The test's connection: everything a test writes, it and the app see, then it is undone."""
    # Revisions repeat from one rolled-back test to the next; in production they only grow.
    forget_cached_trees()
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        if transaction.is_active:
            await transaction.rollback()


def _joined_sessions(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with _joined_sessions(connection)() as session:
        yield session


@pytest.fixture
async def app(engine: AsyncEngine, connection: AsyncConnection) -> AsyncIterator[FastAPI]:
    sessions = _joined_sessions(connection)
    database = Database(
        write_engine=engine,
        read_engine=engine,
        write_sessions=sessions,
        read_sessions=sessions,
        revisions=SessionRevisionSource(sessions),
    )
    application = create_app(get_settings(), database)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.example") as client:
        yield client


@pytest.fixture
async def newsroom(session: AsyncSession) -> Newsroom:
    """The shared small newsroom of ``tests.newsroom``."""
    return await build(session)


@pytest.fixture
async def staff(session: AsyncSession) -> Staff:
    """An admin, two editors and two writers (``tests.accounts``)."""
    return await build_staff(session)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    """Counts the SQL statements the app sends (transaction control excluded)."""
    counter = QueryCounter()

    def on_execute(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.strip().upper() not in {"BEGIN", "COMMIT", "ROLLBACK"} and not (
            statement.upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
        ):
            counter(conn, cursor, statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


# Real concurrency: a database of the test's own, which its connections really share (the
# shared rolled-back transaction above cannot run two statements at once on PostgreSQL).


@asynccontextmanager
async def fresh_database(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, migrated database of its own (its URL), dropped afterwards."""
    name = f"khabar_race_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{_TMP / (name + '.db')}"
    else:
        server: str = request.getfixturevalue("postgres_url")
        admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f"CREATE DATABASE {name}")
        await admin.dispose()
        url = server.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    await engine.dispose()
    try:
        yield url
    finally:
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                (_TMP / f"{name}.db{suffix}").unlink(missing_ok=True)
        else:
            admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
            await admin.dispose()


@pytest.fixture
async def own_database(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, migrated database that this test's connections really share."""
    async with fresh_database(backend, request) as url:
        yield url


@asynccontextmanager
async def app_on(url: str, **settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """The app over the database at ``url`` with real connections of its own (``settings``
    override the test settings), and a client for it."""
    configured = get_settings().model_copy(update={"database_url": url, **settings})
    database = Database.from_settings(configured)
    app = create_app(configured, database)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://api.example") as c:
            yield c, database
    await database.dispose()


@pytest.fixture
async def racing_app(own_database: str) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    async with app_on(own_database) as running:
        yield running
