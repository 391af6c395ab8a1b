"""SQLite writers on the event loop: a writer waiting for the write lock yields the loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from app.core import sqlite_inline
from app.core.database import make_engine

pytestmark = pytest.mark.sqlite_only


async def test_a_writer_waiting_for_the_lock_leaves_the_loop_free(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", inline=True)
    async with engine.begin() as setup:
        await setup.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    background = asyncio.create_task(ticker())
    try:
        async with engine.begin() as first:  # holds the write lock
            await first.exec_driver_sql("INSERT INTO t VALUES (1)")

            async def second_writer() -> None:
                async with engine.begin() as second:
                    await second.exec_driver_sql("INSERT INTO t VALUES (2)")

            waiting = asyncio.create_task(second_writer())
            before = ticks
            await asyncio.sleep(0.05)
            assert not waiting.done()  # still waiting for the lock...
            assert ticks - before >= 10  # ...while the loop kept running
        await asyncio.wait_for(waiting, 5)  # and it writes once the first commits
        async with engine.connect() as check:
            rows = (await check.exec_driver_sql("SELECT n FROM t ORDER BY n")).all()
        assert [row[0] for row in rows] == [1, 2]
    finally:
        background.cancel()
        await engine.dispose()


async def test_a_writer_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_inline, "BEGIN_TIMEOUT_SECONDS", 0.05)
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", inline=True)
    try:
        async with engine.begin() as first:
            await first.exec_driver_sql("CREATE TABLE t (n INTEGER)")
            with pytest.raises(OperationalError, match="locked"):
                async with engine.begin() as second:
                    await second.exec_driver_sql("INSERT INTO t VALUES (2)")
    finally:
        await engine.dispose()
