"""The syndication benchmark (part of ``make bench``; alone: ``make bench-syndication``).

A fresh SQLite database under ``/tmp`` with the demo newsroom and 5,000 generated articles;
one uvicorn worker pinned to CPU 0.

1. **Feeds**: ``/feeds/rss.xml`` (the 50 newest, RSS 2.0 + Media RSS) measured with
   ``../shared/bench/compare.sh`` against the ceiling app serving the same bytes: as served
   (built once per content revision and kept), and built for every request
   (``KHABAR_FEED_CACHE_ENTRIES=0``, a second server).
2. **Webhooks**: the worker's delivery worker sends to a receiver (``bench/receiver_app.py``,
   uvicorn on CPU 1) subscribed to ``article.published``:

   - throughput: ``WEBHOOK_BENCH_EVENTS`` (2,000) articles published in one transaction (so
     2,000 messages at once); deliveries per second from the first arrival to the last;
   - latency: 200 publications through the API (``POST /v1/articles/{id}/publish``), one every
     50 ms; from sending the request to the receiver having the event: p50 / p99 / max
     (target: p99 under 1 s).

Prints a markdown report and keeps it in ``bench/results/``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMPARE = ROOT.parent / "shared" / "bench" / "compare.sh"
PORT = int(os.environ.get("BENCH_SYNDICATION_PORT", "18778"))
RECEIVER_PORT = PORT + 1
BASE = f"http://127.0.0.1:{PORT}"
EVENTS = int(os.environ.get("WEBHOOK_BENCH_EVENTS", "2000"))
LATENCY_PUBLISHES = 200
USER, PASSWORD = "benchsyndication", "bench-" + os.urandom(8).hex()


def khabar(env: dict[str, str], *args: str) -> None:
    subprocess.run([BIN / "khabar", *args], env=env, check=True, capture_output=True)


def serve(env: dict[str, str], cpu: int = 0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["taskset", "-c", str(cpu), BIN / "khabar", "serve", "--port", str(PORT),
         "--no-access-log"],
        env=env,
    )  # fmt: skip


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


async def ready(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def compare(name: str) -> str:
    result = subprocess.run(
        ["bash", str(COMPARE), f"{BASE}/feeds/rss.xml", name],
        # 8 connections: a feed built for every request takes ~7 ms, and with 32 waiting its
        # p99 passes a second, which compare.sh cannot read.
        env={**os.environ, "PYTHON": sys.executable, "CONNS": "8"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"compare.sh failed: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * p // 100)]


async def republish(database_url: str, count: int) -> list[int]:
    """Take ``count`` published articles back to drafts with nobody subscribed (no events):
    the pool the webhook measurements publish again."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import make_engine
    from app.main import install_model_hooks
    from app.models import Article

    install_model_hooks()
    engine = make_engine(database_url)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        rows = (
            await session.scalars(
                select(Article)
                # Not under embargo: published again, each is an article.published at once.
                .where(Article.status == "published", Article.embargo_until.is_(None))
                .order_by(Article.id)
                .limit(count)
            )
        ).all()
        for article in rows:
            article.status = "draft"
        await session.commit()
    await engine.dispose()
    return [article.id for article in rows]


async def publish_all(database_url: str, ids: list[int]) -> None:
    """Publish ``ids`` in one transaction: one message per article, written at its commit."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import make_engine
    from app.main import install_model_hooks
    from app.models import Article
    from app.models.base import utcnow

    install_model_hooks()
    engine = make_engine(database_url)
    async with AsyncSession(engine) as session:
        for article in (await session.scalars(select(Article).where(Article.id.in_(ids)))).all():
            article.status = "published"
            article.published_at = utcnow()
        await session.commit()
    await engine.dispose()


async def webhooks(env: dict[str, str], database_url: str) -> list[str]:
    pool = await republish(database_url, EVENTS + LATENCY_PUBLISHES)
    bulk, one_by_one = pool[:EVENTS], pool[EVENTS:]
    receiver = subprocess.Popen(
        ["taskset", "-c", "1", sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"),
         "receiver_app:app", "--port", str(RECEIVER_PORT), "--no-access-log",
         "--log-level", "warning"],
    )  # fmt: skip
    server = serve(env)
    lines: list[str] = []
    try:
        await ready(f"http://127.0.0.1:{RECEIVER_PORT}/received")
        await ready(f"{BASE}/healthz")
        async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
            token = (
                await client.post("/v1/auth/token", data={"username": USER, "password": PASSWORD})
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            hook = await client.post(
                "/v1/webhooks",
                json={
                    "url": f"http://127.0.0.1:{RECEIVER_PORT}/hooks",
                    "events": ["article.published"],
                },
            )
            assert hook.status_code == 201, hook.text
            received = httpx.AsyncClient(base_url=f"http://127.0.0.1:{RECEIVER_PORT}")

            # Throughput: every message at once.
            await publish_all(database_url, bulk)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                arrivals = (await received.get("/received")).json()
                if len(arrivals) >= EVENTS:
                    break
                await asyncio.sleep(0.5)
            times = sorted(row[3] for row in arrivals)
            span = times[-1] - times[0]
            unique = len({row[0] for row in arrivals})
            rate = (len(arrivals) - 1) / span if span else float("nan")
            lines.append(
                f"- throughput: {len(arrivals):,} deliveries of {EVENTS:,} events "
                f"({unique:,} distinct webhook-ids) in {span:.2f} s: **{rate:,.0f} deliveries/s**"
            )
            await received.delete("/received")

            # Latency: one publication at a time, through the API.
            sent: dict[int, float] = {}
            for article_id in one_by_one:
                sent[article_id] = time.time()
                answer = await client.post(f"/v1/articles/{article_id}/publish")
                assert answer.status_code == 200, answer.text
                await asyncio.sleep(0.05)
            await asyncio.sleep(2)
            arrivals = (await received.get("/received")).json()
            first = {}
            for _id, _type, article_id, at in arrivals:
                first.setdefault(article_id, at)
            latencies = [(first[a] - sent[a]) * 1000 for a in sent if a in first]
            missing = len(sent) - len(latencies)
            lines.append(
                f"- publish → receiver, {len(sent)} publications through the API: "
                f"p50 {statistics.median(latencies):.1f} ms, "
                f"**p99 {percentile(latencies, 99):.1f} ms**, "
                f"max {max(latencies):.1f} ms; missing {missing} (target: p99 < 1,000 ms)"
            )
            await received.aclose()
    finally:
        stop(server)
        stop(receiver)
    return lines


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-syndication-"))
    database_url = f"sqlite+aiosqlite:///{work}/bench.db"
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": database_url,
        "KHABAR_MEDIA_DIR": str(work / "media"),
        "KHABAR_LOG_LEVEL": "warning",
        "KHABAR_SECRET_KEY": os.urandom(24).hex(),
        "KHABAR_CONTENT_CLOCK_SECONDS": "0",
        "KHABAR_SEED_DEMO": "false",
    }
    os.environ.update(env)  # this process writes to the same database for the webhook runs
    sys.path.insert(0, str(ROOT))
    rows: list[str] = [f"# Syndication — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", ""]
    server = None
    try:
        for args in (["migrate"], ["seed-demo"], ["load-bulk", "5000"]):
            khabar(env, *args)
        subprocess.run(
            [BIN / "khabar", "create-user", USER, "--role", "admin"],
            env={**env, "KHABAR_NEW_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        rows += [
            "## RSS feed (50 items) against the ceiling app serving the same bytes",
            "",
            "| feed | bytes | ours req/s | ceiling req/s | ratio | our p50/p99 ms "
            "| ceiling p50/p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, extra in (
            ("RSS, built once per revision (served)", {}),
            ("RSS, built for every request", {"KHABAR_FEED_CACHE_ENTRIES": "0"}),
        ):
            server = serve({**env, **extra})
            await ready(f"{BASE}/feeds/rss.xml")
            row = compare(name)
            print(row, flush=True)
            rows.append(row)
            stop(server)
            server = None
        rows += ["", "## Webhooks (one worker on CPU 0, receiver on CPU 1)", ""]
        lines = await webhooks(env, database_url)
        for line in lines:
            print(line, flush=True)
        rows += lines
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    load = Path("/proc/loadavg").read_text().split()[:3]
    rows.append(f"\nload average at end: {' '.join(load)}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"syndication-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    out.write_text("\n".join(rows) + "\n")
    print("\n".join(rows))
    print(f"saved to {out}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
