"""Write load for ``bench/writes.sh``: concurrent writers each looping create + publish.

``python bench/writes.py load BASE_URL SERVER_LOG`` logs in once, runs ``--writers`` tasks
(default 8) for ``--duration`` seconds, and prints one JSON object: pairs completed, pairs/s,
p50/p99 of each step, non-2xx responses by status, how often "database is locked" shows up
in a response or in the lines the server logged during the run, and when each pair completed.

``python bench/writes.py postgres`` starts a throwaway PostgreSQL cluster with the test suite's
``tests.postgres.postgres_cluster``, prints its URL on one line, and keeps it until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
LOCKED = "database is locked"
BODY = "<p>" + "خبر عاجل من غرفة الأخبار، والتفاصيل تتبع في هذا التقرير. " * 40 + "</p>"


@dataclass
class Tally:
    create_ms: list[float] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)
    pairs: int = 0
    #: When each pair completed (Unix time): writes.sh counts those inside its wrk window.
    pair_times: list[float] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    locked_responses: int = 0


def spread(values: list[float]) -> dict[str, float | None]:
    """p50 and p99 in ms (nearest rank), None when nothing was measured."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p99": None}
    last = len(ordered) - 1
    return {f"p{p}": round(ordered[min(last, len(ordered) * p // 100)], 2) for p in (50, 99)}


async def timed_post(
    client: httpx.AsyncClient, tally: Tally, step: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    """POST and record its latency; a failure is counted as "step status" (or exception)."""
    start = time.perf_counter()
    try:
        response = await client.post(url, **kwargs)
    except httpx.HTTPError as error:
        # Connection errors are failures too: after a 500 uvicorn closes the connection, and
        # the next request sent on it fails this way.
        tally.failed[f"{step} {type(error).__name__}"] += 1
        return None
    (tally.create_ms if step == "create" else tally.publish_ms).append(
        (time.perf_counter() - start) * 1000
    )
    if LOCKED in response.text:
        tally.locked_responses += 1
    if not response.is_success:
        tally.failed[f"{step} {response.status_code}"] += 1
        return None
    return response


async def writer(
    client: httpx.AsyncClient,
    tally: Tally,
    number: int,
    category: int,
    deadline: float,
    pace: float,
) -> None:
    """Create and publish until ``deadline``: back to back, or one pair every ``pace``
    seconds (a newsroom's editors, rather than a stress test)."""
    sequence = 0
    while time.monotonic() < deadline:
        sequence += 1
        began = time.monotonic()
        # Titles are unique so that every slug is new: a slug clash is not what is measured.
        draft = {
            "title": f"خبر الاختبار {number}-{sequence}-{time.time_ns()}",
            "category_id": category,
            "body_html": BODY,
            "language": "ar",
        }
        created = await timed_post(client, tally, "create", "/v1/articles", json=draft)
        if created is None:
            continue
        article = created.json()["id"]
        if await timed_post(client, tally, "publish", f"/v1/articles/{article}/publish"):
            tally.pairs += 1
            tally.pair_times.append(time.time())
        if pace:
            await asyncio.sleep(max(0.0, began + pace - time.monotonic()))


def first_category(nodes: list[dict[str, Any]]) -> int:
    # A leaf, like most real articles; any node would do.
    node = nodes[0]
    while node.get("children"):
        node = node["children"][0]
    return int(node["id"])


def locked_log_lines(log: Path, offset: int) -> int:
    with log.open("rb") as handle:
        handle.seek(offset)
        return sum(1 for line in handle if LOCKED.encode() in line)


async def load(args: argparse.Namespace) -> dict[str, Any]:
    log = Path(args.server_log)
    log_offset = log.stat().st_size if log.exists() else 0
    # Generous timeout: a write that waits on a lock should show up as latency, not as a
    # client-side timeout that hides what the server did.
    limits = httpx.Limits(max_connections=args.writers, max_keepalive_connections=args.writers)
    async with httpx.AsyncClient(base_url=args.base, timeout=60, limits=limits) as client:
        token = await client.post(
            "/v1/auth/token", data={"username": args.username, "password": args.password}
        )
        token.raise_for_status()
        client.headers["Authorization"] = "Bearer " + token.json()["access_token"]
        categories = await client.get("/v1/categories")
        categories.raise_for_status()
        category = first_category(categories.json()["items"])

        tally = Tally()
        started_at = time.time()
        start = time.monotonic()
        deadline = start + args.duration
        await asyncio.gather(
            *(writer(client, tally, n, category, deadline, args.pace) for n in range(args.writers))
        )
        elapsed = time.monotonic() - start

    failed = sum(tally.failed.values())
    return {
        "writers": args.writers,
        "pace": args.pace,
        "started_at": round(started_at, 3),
        "seconds": round(elapsed, 2),
        "pairs": tally.pairs,
        "pairs_per_s": round(tally.pairs / elapsed, 2),
        "create_ms": spread(tally.create_ms),
        "publish_ms": spread(tally.publish_ms),
        "max_ms": round(max(tally.create_ms + tally.publish_ms, default=0), 2),
        "failed": failed,
        "failed_by_status": dict(tally.failed),
        "status_500": sum(n for key, n in tally.failed.items() if key.endswith(" 500")),
        "locked_responses": tally.locked_responses,
        "locked_log_lines": locked_log_lines(log, log_offset) if log.exists() else None,
        "pair_times": [round(t, 3) for t in tally.pair_times],
    }


def postgres() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.postgres import postgres_cluster

    # SIGTERM unwinds through the context manager, which stops and deletes the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with postgres_cluster() as url:
        print(url, flush=True)
        while True:
            signal.pause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    run = modes.add_parser("load", help="run the writers and print JSON")
    run.add_argument("base", help="e.g. http://127.0.0.1:18765")
    run.add_argument("server_log", help="the server's log, grepped for 'database is locked'")
    run.add_argument("--writers", type=int, default=8)
    run.add_argument("--duration", type=float, default=20)
    run.add_argument(
        "--pace", type=float, default=0, help="seconds between a writer's pairs; 0: flat out"
    )
    run.add_argument("--username", default=os.environ.get("BENCH_USER", "benchuser"))
    run.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", ""))
    modes.add_parser("postgres", help="start a throwaway cluster, print its URL, wait")
    args = parser.parse_args()
    if args.mode == "postgres":
        postgres()
    else:
        print(json.dumps(asyncio.run(load(args))))


if __name__ == "__main__":
    main()
