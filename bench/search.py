"""Search benchmark (part of ``make bench``; alone: ``make bench-search``).

For SQLite (a file under /tmp) and then PostgreSQL 15 (a throwaway cluster from the test
suite's ``tests.postgres.postgres_cluster``), this script:

1. migrates, loads the demo newsroom and 100,000 generated published articles
   (``khabar load-bulk``, which indexes them; ``SEARCH_BENCH_ARTICLES=`` changes the count),
   and on PostgreSQL runs ``VACUUM ANALYZE``;
2. re-indexes 10,000 of them in one transaction (rolled back) and reports articles/s: the
   analysis plus the engine's index writes;
3. serves with one uvicorn worker pinned to CPU 0 (this script runs on CPU 1) and sends 300
   distinct two-word Arabic queries, one at a time, made of words of real titles of the
   archive (so they find something; how many, is reported); three passes in new orders, each
   pass's p50/p95 noted, the medians of the three reported. Then 300 title suggestions for
   words being typed (3-7 letters), the same way;
4. times article writes in-process with the app's real write path (``httpx`` on the ASGI
   app, no network): an editor creates a draft (a unique ~650-word Arabic body), publishes it
   and retitles it, 30 times per round, in rounds alternating with the search hooks installed
   and removed (``app.search.index.remove_search_hooks``), four rounds each; the medians of
   each step with and without indexing give what indexing adds to a write.

Targets (issue 6): p95 under 50 ms on both engines; indexing adds under 20% to write time.
Prints a markdown table and keeps it in ``bench/results/search-<time>.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_SEARCH_PORT", "18777"))
BASE = f"http://127.0.0.1:{PORT}"
ARTICLES = int(os.environ.get("SEARCH_BENCH_ARTICLES", "100000"))
QUERIES = 300
PASSES = 3
REINDEX = 10_000
WRITE_ROUNDS = 4
WRITES_PER_ROUND = 30
USER, PASSWORD = "benchsearch", "bench-" + os.urandom(8).hex()
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{4,}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


@contextlib.contextmanager
def database(backend: str, work: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{work}/bench.db"
        return
    from tests.postgres import postgres_cluster

    with postgres_cluster() as url:
        yield url


def khabar(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "khabar"), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


async def vacuum(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.exec_driver_sql("VACUUM ANALYZE")
    await engine.dispose()


async def workload(url: str, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Two-word Arabic queries from titles of the archive (timed ones, and a warm-up set), and
    words being typed for suggestions."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.models import Article

    engine = create_async_engine(url)
    async with engine.connect() as connection:
        titles = list(
            await connection.scalars(
                select(Article.title).where(Article.language == "ar", Article.status == "published")
            )
        )
    await engine.dispose()
    pairs: list[str] = []
    seen: set[str] = set()
    while len(pairs) < QUERIES + 30:
        words = sorted(set(_ARABIC_WORD.findall(rng.choice(titles))))
        if len(words) < 2:
            continue
        query = " ".join(rng.sample(words, 2))
        if query not in seen:
            seen.add(query)
            pairs.append(query)
    typed: list[str] = []
    while len(typed) < QUERIES:
        word = rng.choice(_ARABIC_WORD.findall(rng.choice(titles)) or ["الانتخابات"])
        typed.append(word[: rng.randint(3, min(7, len(word)))])
    return pairs[30:], pairs[:30], typed


async def match_counts(url: str, queries: list[str]) -> list[int]:
    """How many articles each query matches (context for the latencies)."""
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from app.search.engines import engine_for
    from app.search.query import parse

    engine = create_async_engine(url)
    counts = []
    async with AsyncSession(engine) as session:
        search_engine = engine_for(engine.dialect.name)
        for q in queries:
            rows = search_engine.matching(parse(q)).rows
            counts.append(
                await session.scalar(select(func.count()).select_from(rows.subquery())) or 0
            )
    await engine.dispose()
    return counts


async def reindex_rate(url: str) -> float:
    """Articles re-indexed per second (analysis and index writes), in a rolled-back
    transaction."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    from app.models import ArticleSearch
    from app.search import index

    engine = create_async_engine(url)
    async with AsyncSession(engine) as session:
        ids = list(await session.scalars(select(ArticleSearch.article_id).limit(REINDEX)))
        started = time.perf_counter()
        indexed = await session.run_sync(index.index_articles, ids)
        elapsed = time.perf_counter() - started
        await session.rollback()
    await engine.dispose()
    return indexed / elapsed


async def latencies(client: httpx.AsyncClient, path: str, queries: list[str]) -> list[float]:
    spent = []
    for q in queries:
        started = time.perf_counter()
        response = await client.get(path, params={"q": q})
        spent.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}?q={q}: {response.status_code} {response.text[:200]}")
    return spent


async def serve_and_query(
    env: dict[str, str], queries: list[str], warm: list[str], typed: list[str], work: Path
) -> dict[str, Any]:
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        ["taskset", "-c", "0", str(BIN / "khabar"), "serve", "--port", str(PORT),
         "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
            await latencies(client, "/v1/search", warm)
            await latencies(client, "/v1/search/suggest", typed[:30])
            rng = random.Random(7)
            search_runs, suggest_runs = [], []
            for _ in range(PASSES):
                order = rng.sample(queries, len(queries))
                spent = await latencies(client, "/v1/search", order)
                search_runs.append((percentile(spent, 0.5), percentile(spent, 0.95)))
                order = rng.sample(typed, len(typed))
                spent = await latencies(client, "/v1/search/suggest", order)
                suggest_runs.append((percentile(spent, 0.5), percentile(spent, 0.95)))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return {
        "search": tuple(statistics.median(run[i] for run in search_runs) for i in (0, 1)),
        "search_runs": search_runs,
        "suggest": tuple(statistics.median(run[i] for run in suggest_runs) for i in (0, 1)),
    }


def long_body(rng: random.Random) -> str:
    from app.demo import content
    from app.demo.content import BEATS

    beats = [beat for beat in BEATS.values() if beat.language == "ar"]
    return "".join(content.write_story(rng, rng.choice(beats)).body_html for _ in range(5))


async def write_overhead(url: str, env: dict[str, str]) -> dict[str, Any]:
    """Median ms of create, publish and retitle, with and without the search hooks."""
    from asgi_lifespan import LifespanManager

    from app.core.database import Database
    from app.core.settings import get_settings
    from app.main import create_app, install_model_hooks
    from app.search import index

    os.environ.update(env)
    get_settings.cache_clear()  # this backend's settings, read by the app's modules too
    settings = get_settings()
    database = Database.from_settings(settings)
    app = create_app(settings, database)
    rng = random.Random(11)
    steps = ("create", "publish", "retitle")
    timings: dict[bool, dict[str, list[float]]] = {
        on: {step: [] for step in steps} for on in (True, False)
    }
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            token = (
                await client.post("/v1/auth/token", data={"username": USER, "password": PASSWORD})
            ).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            category = (await client.get("/v1/categories")).json()["items"][0]["id"]

            async def timed(step: str, on: bool, method: str, path: str, **kw: Any) -> Any:
                started = time.perf_counter()
                response = await client.request(method, path, **kw)
                timings[on][step].append((time.perf_counter() - started) * 1000)
                if response.status_code >= 300:
                    raise RuntimeError(f"{step}: {response.status_code} {response.text[:200]}")
                return response

            for round_number in range(WRITE_ROUNDS * 2):
                on = round_number % 2 == 0
                if on:
                    install_model_hooks()
                else:
                    index.remove_search_hooks()
                for n in range(WRITES_PER_ROUND):
                    body = {
                        "title": f"تقرير اختبار الأداء رقم {round_number}-{n}",
                        "category_id": category,
                        "summary": "ملخص تقرير لقياس زمن الكتابة",
                        "body_html": long_body(rng),
                    }
                    created = await timed("create", on, "POST", "/v1/articles", json=body,
                                          headers=auth)  # fmt: skip
                    article = created.json()
                    path = f"/v1/articles/{article['id']}"
                    published = await timed(
                        "publish", on, "POST", path + "/publish",
                        headers={**auth, "If-Match": created.headers["etag"]},
                    )  # fmt: skip
                    await timed(
                        "retitle", on, "PATCH", path,
                        json={"title": body["title"] + " (محدث)"},
                        headers={**auth, "If-Match": published.headers["etag"]},
                    )  # fmt: skip
    install_model_hooks()
    await database.dispose()
    result: dict[str, Any] = {}
    for step in steps:
        with_index = statistics.median(timings[True][step])
        without = statistics.median(timings[False][step])
        result[step] = (without, with_index, (with_index - without) / without * 100)
    total_on = sum(statistics.median(timings[True][s]) for s in steps)
    total_off = sum(statistics.median(timings[False][s]) for s in steps)
    result["all"] = (total_off, total_on, (total_on - total_off) / total_off * 100)
    return result


async def measure(backend: str) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"khabar-bench-search-{backend}-"))
    try:
        with database(backend, work) as url:
            env = {
                **os.environ,
                "KHABAR_DATABASE_URL": url,
                "KHABAR_MEDIA_DIR": str(work / "media"),
                "KHABAR_SECRET_KEY": os.urandom(24).hex(),
                "KHABAR_SEED_DEMO": "false",
                "KHABAR_LOG_LEVEL": "warning",
            }
            khabar(env, "migrate")
            khabar(env, "seed-demo")
            loaded = khabar(env, "load-bulk", str(ARTICLES))
            subprocess.run(
                [str(BIN / "khabar"), "create-user", USER, "--role", "editor"],
                env={**env, "KHABAR_NEW_PASSWORD": PASSWORD},
                check=True,
                capture_output=True,
            )
            if backend == "postgresql":
                await vacuum(url)
            rate = await reindex_rate(url)
            queries, warm, typed = await workload(url, random.Random(5))
            counts = await match_counts(url, queries)
            served = await serve_and_query(env, queries, warm, typed, work)
            writes = await write_overhead(url, env)
            return {
                "backend": backend,
                "loaded": loaded,
                "rate": rate,
                "matches": (statistics.median(counts), max(counts)),
                **served,
                "writes": writes,
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        f"# Search, {ARTICLES:,} articles — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| engine | 2-word Arabic query p50 / p95 ms (target p95 < 50) | passes' p50/p95 "
        "| matches per query, median / max | suggest p50 / p95 ms | re-index articles/s "
        "| load-bulk incl. indexing s |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        p50, p95 = r["search"]
        passes = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in r["search_runs"])
        verdict = "ok" if p95 < 50 else "ABOVE"
        lines.append(
            f"| {r['backend']} | {p50:.1f} / **{p95:.1f}** ({verdict}) | {passes} "
            f"| {r['matches'][0]:,.0f} / {r['matches'][1]:,} "
            f"| {r['suggest'][0]:.1f} / {r['suggest'][1]:.1f} | {r['rate']:,.0f} "
            f"| {r['loaded']:.0f} |"
        )
    lines += [
        "",
        "Write time, median ms without → with indexing (what indexing adds; target < 20%):",
        "",
        "| engine | create draft | publish | retitle published | all three |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        cells = [
            f"{w['create' if s == 'create' else s][0]:.1f} → {w[s][1]:.1f} ({w[s][2]:+.0f}%)"
            for w in (r["writes"],)
            for s in ("create", "publish", "retitle", "all")
        ]
        lines.append(f"| {r['backend']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


async def main() -> None:
    os.sched_setaffinity(0, {1})
    backends = os.environ.get("SEARCH_BENCH_BACKENDS", "sqlite postgresql").split()
    results = []
    for backend in backends:
        results.append(await measure(backend))
        print(report(results[-1:]), flush=True)  # each engine as soon as it is measured
    table = report(results)
    print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"search-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md").write_text(table)


if __name__ == "__main__":
    asyncio.run(main())
