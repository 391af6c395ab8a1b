"""Engines, sessions and the one-transaction-per-request rule.

Reads and writes have engines and session factories of their own, so pointing reads at a
replica (``KHABAR_DATABASE_READ_URL``) is configuration, not a refactor: public reads get their
session through ``app.core.public.PublicReadDep``, writes through ``WriteSession``, which
commits when the request succeeds and rolls back when it raises; services only ``flush()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeAlias

import orjson
from fastapi import Depends, Request
from sqlalchemy import Executable, Row, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.revision import RevisionSource, SessionRevisionSource, SQLiteRevisionSource
from app.core.settings import Settings
from app.core.sqlite_inline import INLINE_READER, InlineReader, inline_creator


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; busy_timeout makes a second writer wait
    # instead of failing with "database is locked".
    # The driver's own implicit transactions are switched off so that SQLAlchemy's BEGIN is
    # the real one: every request then reads one consistent snapshot, and SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Writers on the loop (``app.core.sqlite_inline``) must not block it: they wait for the
    # lock at BEGIN themselves.
    waits_on_loop = getattr(getattr(dbapi_connection, "_connection", None), "waits_on_loop", False)
    cursor.execute(f"PRAGMA busy_timeout={0 if waits_on_loop else 15000}")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a transaction that reads and then writes (the
    # flush hooks do) waits its turn under busy_timeout instead of failing with
    # SQLITE_BUSY_SNAPSHOT when another writer commits in between.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder an SQLite file lives in (``./var/`` by default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _json_dumps(value: Any) -> str:
    # Arabic stays as it is in JSON columns (a third of the size of \u escapes), and fast.
    return orjson.dumps(value).decode()


def make_engine(
    url: str, *, pool_size: int = 10, inline: bool = False, read_only: bool = False
) -> AsyncEngine:
    """An engine for ``url``. On SQLite, ``inline`` runs statements on the event loop instead
    of aiosqlite's thread (see ``app.core.sqlite_inline``): for reads that never wait."""
    json_options: dict[str, Any] = {
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    if url.startswith("sqlite"):
        ensure_sqlite_directory(url)
        if inline:
            json_options["async_creator"] = inline_creator(
                make_url(url).database or ":memory:", read_only=read_only
            )
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, **json_options
        )
        sync_engine: Engine = engine.sync_engine
        event.listen(sync_engine, "connect", _sqlite_pragmas)
        if not read_only:
            # Read-only connections run each statement in autocommit: inline statements of one
            # request run back to back, with no await between them that could let this
            # process write, and the BEGIN/COMMIT pair would double the statements of a read.
            event.listen(sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


@dataclass
class Database:
    """The engines and session factories of one running app."""

    write_engine: AsyncEngine
    read_engine: AsyncEngine
    write_sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    revisions: RevisionSource

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        pool_size = settings.database_pool_size
        # On SQLite both engines run on the loop (``app.core.sqlite_inline``): statements
        # take microseconds, and a writer waits for the lock without blocking the loop.
        write_engine = make_engine(
            settings.database_url, pool_size=pool_size, inline=settings.is_sqlite
        )
        if settings.database_read_url:
            read_engine = make_engine(settings.database_read_url, pool_size=pool_size)
        elif settings.is_sqlite:
            # WAL readers never wait for the writer: read inline, write through threads.
            read_engine = make_engine(
                settings.database_url, pool_size=pool_size, inline=True, read_only=True
            )
        else:
            read_engine = write_engine
        if settings.is_sqlite:
            reader = InlineReader(make_url(settings.database_url).database or ":memory:")
            read_sessions = async_sessionmaker(
                read_engine, expire_on_commit=False, info={INLINE_READER: reader}
            )
            revisions: RevisionSource = SQLiteRevisionSource(reader)
        else:
            read_sessions = async_sessionmaker(read_engine, expire_on_commit=False)
            revisions = SessionRevisionSource(read_sessions)
        return cls(
            write_engine=write_engine,
            read_engine=read_engine,
            write_sessions=async_sessionmaker(write_engine, expire_on_commit=False),
            read_sessions=read_sessions,
            revisions=revisions,
        )

    @property
    def primary_read_sessions(self) -> async_sessionmaker[AsyncSession]:
        """Sessions that read the primary without taking a write lock: for authenticated
        reads, which must see the caller's own writes (a replica may lag). On SQLite the read
        sessions are the primary; elsewhere the write engine is."""
        if self.read_engine.dialect.name == "sqlite":
            return self.read_sessions
        return self.write_sessions

    async def dispose(self) -> None:
        self.revisions.close()
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).write_sessions() as session, session.begin():
        yield session


async def _primary_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).primary_read_sessions() as session:
        yield session


#: The request's one transaction: committed when the route returns, before the response is
#: sent (``scope="function"``), so a failing commit is the client's error response and never
#: a success that did not happen; rolled back when the route raises.
WriteSession = Annotated[AsyncSession, Depends(_write_session, scope="function")]
#: Authenticated reads (``app.core.database.Database.primary_read_sessions``).
PrimaryReadSession = Annotated[AsyncSession, Depends(_primary_read_session)]

#: A result row of any shape: repositories return rows of explicit column lists.
AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"


async def fetch_all(session: AsyncSession, query: Executable) -> Sequence[AnyRow]:
    rows: Sequence[AnyRow] = (await session.execute(query)).all()
    return rows


async def fetch_one_or_none(session: AsyncSession, query: Executable) -> AnyRow | None:
    row: AnyRow | None = (await session.execute(query)).one_or_none()
    return row


async def refresh_planner_statistics(engine: AsyncEngine) -> None:
    """Give SQLite's query planner table statistics (``ANALYZE``, sampled so it stays quick on
    large databases). Without them it may drive a join from the wrong index: a related-articles
    query took 150 ms instead of 0.25 ms on 100,000 articles. PostgreSQL's autovacuum keeps
    its own statistics."""
    if engine.dialect.name != "sqlite":
        return
    async with engine.begin() as connection:
        await connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        await connection.exec_driver_sql("ANALYZE")
