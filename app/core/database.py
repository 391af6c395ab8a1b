"""Engines, sessions and the one-transaction-per-request rule.

``ReadSession`` and ``WriteSession`` are distinct dependency types so that pointing reads at a
replica (``KHABAR_DATABASE_READ_URL``) is configuration, not a refactor. The write session
commits when the request succeeds and rolls back when it raises; services only ``flush()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeAlias, Unpack

from fastapi import Depends, Request
from sqlalchemy import Executable, Row, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.settings import Settings


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
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder an SQLite file lives in (``./var/`` by default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        ensure_sqlite_directory(url)
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)
        sync_engine: Engine = engine.sync_engine
        event.listen(sync_engine, "connect", _sqlite_pragmas)
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

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        write_engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
        read_engine = (
            make_engine(settings.database_read_url, pool_size=settings.database_pool_size)
            if settings.database_read_url
            else write_engine
        )
        return cls(
            write_engine=write_engine,
            read_engine=read_engine,
            write_sessions=async_sessionmaker(write_engine, expire_on_commit=False),
            read_sessions=async_sessionmaker(read_engine, expire_on_commit=False),
        )

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).read_sessions() as session:
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_database(request).write_sessions() as session, session.begin():
        yield session


ReadSession = Annotated[AsyncSession, Depends(_read_session)]
WriteSession = Annotated[AsyncSession, Depends(_write_session)]

#: A result row of any shape: repositories return rows of explicit column lists.
AnyRow: TypeAlias = "Row[Unpack[tuple[Any, ...]]]"


async def fetch_all(session: AsyncSession, query: Executable) -> Sequence[AnyRow]:
    rows: Sequence[AnyRow] = (await session.execute(query)).all()
    return rows


async def fetch_one_or_none(session: AsyncSession, query: Executable) -> AnyRow | None:
    row: AnyRow | None = (await session.execute(query)).one_or_none()
    return row
