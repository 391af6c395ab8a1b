"""SQLite reads without a thread hop: an aiosqlite-shaped connection that runs on the loop.

aiosqlite gives every connection a thread and sends each call there and back: about 57 µs a
hop, four hops a statement, measured here. Khabar's public reads are short indexed range
scans that SQLite answers in 5-200 µs, so the hops, not the queries, set the speed of the
embedded default (a session and one statement cost 1.3 ms through aiosqlite, 0.15 ms
inline). This module plugs into SQLAlchemy's aiosqlite dialect through ``async_creator`` and
runs each call directly on the event loop.

Readers never wait (WAL). Writers wait only for SQLite's single write lock, and only at
``BEGIN IMMEDIATE``: inline write connections run with ``busy_timeout`` 0 and retry that
statement with ``asyncio.sleep`` between attempts (``BEGIN_TIMEOUT_SECONDS`` in all), so a
writer waiting for the lock yields the loop instead of blocking it. Once a transaction holds
the lock, nothing else in it waits. Through aiosqlite, a write transaction under read load
took 1.2-1.8 s instead of 20 ms: every statement's round trip to its thread queued behind the
reads on the loop, while the transaction held the lock (``make bench``, write benchmark).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

#: How long a writer waits for SQLite's write lock before giving up ("database is locked").
BEGIN_TIMEOUT_SECONDS = 15.0
_BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"


async def _begin_when_free(cursor: sqlite3.Cursor) -> None:
    """``BEGIN IMMEDIATE``, retried while another transaction holds the write lock."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BEGIN_TIMEOUT_SECONDS
    delay = 0.0005
    while True:
        try:
            cursor.execute(_BEGIN_IMMEDIATE)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if loop.time() + delay > deadline:
                raise
        await asyncio.sleep(delay * (0.5 + random.random()))  # jitter: waiters spread out
        delay = min(delay * 2, 0.02)


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
        if sql == _BEGIN_IMMEDIATE:
            await _begin_when_free(self._cursor)
        else:
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

    def __init__(self, connection: sqlite3.Connection, *, waits_on_loop: bool = False) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        #: A writer: SQLite must never block (``busy_timeout`` 0); ``BEGIN`` waits on the loop.
        self.waits_on_loop = waits_on_loop

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
        return InlineConnection(connection, waits_on_loop=not read_only)

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
