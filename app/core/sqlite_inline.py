"""SQLite reads without a thread hop: an aiosqlite-shaped connection that runs on the loop.

aiosqlite gives every connection a thread and sends each call there and back: about 57 µs a
hop, four hops a statement, measured here. Khabar's public reads are short indexed range
scans that SQLite answers in 5-200 µs, so the hops, not the queries, set the speed of the
embedded default (a session and one statement cost 1.3 ms through aiosqlite, 0.15 ms
inline). This module plugs into SQLAlchemy's aiosqlite dialect through ``async_creator`` and
runs each call directly on the event loop.

It is used only where waiting cannot happen: the read engine on SQLite (WAL readers never wait
for locks, and the connections are ``query_only``). Writes keep aiosqlite's threads, so a
writer waiting for the lock never stalls the loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    """The async cursor API aiosqlite offers, answered synchronously."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _ImmediateQueue:
    """SQLAlchemy sets ``isolation_level`` by queueing a call for aiosqlite's thread; with no
    thread, the call runs at once."""

    __slots__ = ()

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """The subset of ``aiosqlite.Connection`` that SQLAlchemy's dialect uses."""

    _tx = _ImmediateQueue()

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def inline_creator(path: str, *, read_only: bool) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` opening ``path`` inline."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if read_only:
            connection.execute("PRAGMA query_only=1")
        return InlineConnection(connection)

    return connect


#: Key in a read session's ``info`` under which the worker's ``InlineReader`` travels.
INLINE_READER = "khabar_inline_reader"


class InlineReader:
    """One plain, read-only sqlite3 connection per worker for the hottest reads.

    Used by ``app.core.fastread`` (list pages) and ``SQLiteRevisionSource`` (validators): no
    session, no pool checkout, a few microseconds of overhead. Safe to share between requests
    because each call finishes before the event loop runs anything else.
    """

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA query_only=1")
        self._connection.execute("PRAGMA cache_size=-65536")
        self._connection.execute("PRAGMA mmap_size=268435456")

    def fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        return self._connection.execute(sql, parameters).fetchall()

    def fetchone(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self._connection.execute(sql, parameters).fetchone()

    def close(self) -> None:
        self._connection.close()
