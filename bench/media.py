"""The media benchmark (part of ``make bench``): uploads of 4000×3000 phone-size JPEGs.

One uvicorn worker on CPU 0 (SQLite, local disk); this script, wrk and the upload clients on
CPU 1. The worker's image pool is measured twice: on CPU 1 (a core of its own, as a deployment
with a spare core gives it) and on CPU 0 beside the worker (nowhere else to go). For each:

- renditions made per second by 4 concurrent uploaders, and their upload latency;
- the public list's requests/s idle and while the 4 uploaders run (target: ≥ 70 % of idle);
- the worker's peak RSS during the uploads (``VmHWM``), and the pool processes' peak;
- a 60 MB upload over the 25 MB image limit: its answer and the worker's RSS growth.

Prints a markdown table and keeps it in ``bench/results/``. Usage:
``python bench/media.py`` (``MEDIA_BENCH_SECONDS`` sets each window, default 15).
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_MEDIA_PORT", "18776"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = float(os.environ.get("MEDIA_BENCH_SECONDS", "15"))
UPLOADERS = 4
LIST = "/v1/articles?limit=20"
USER, PASSWORD = "benchmedia", "bench-" + os.urandom(8).hex()


def photos(count: int) -> list[bytes]:
    """``count`` distinct 4000×3000 JPEGs with photo-like detail (so none is deduplicated)."""
    rng = random.Random(20261129)
    small = Image.effect_noise((500, 375), 64).convert("RGB")
    gradient = Image.linear_gradient("L").resize((500, 375)).convert("RGB")
    base = Image.blend(small, gradient, 0.5).resize((4000, 3000), Image.Resampling.BICUBIC)
    out = []
    for index in range(count):
        image = base.copy()
        image.paste(
            (rng.randrange(256), index % 256, 90),
            (index * 7 % 3900, 10, index * 7 % 3900 + 100, 110),
        )
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=88)
        out.append(buffer.getvalue())
    return out


def wrk(seconds: float) -> float:
    out = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            "-c16",
            f"-d{int(seconds)}s",
            "--timeout",
            "10s",
            BASE + LIST,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def status_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        if children.exists():
            kids = [int(k) for k in children.read_text().split()]
            found += kids
            frontier += kids
    return found


def reset_peak(pid: int) -> None:
    """Start ``VmHWM`` afresh (Linux: writing 5 to clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


async def uploaders(
    client: httpx.AsyncClient, token: str, files: list[bytes], stop: float
) -> dict[str, object]:
    done: list[tuple[float, int]] = []
    failures: dict[int, int] = {}
    queue = list(files)

    async def one() -> None:
        while time.monotonic() < stop and queue:
            data = queue.pop()
            started = time.monotonic()
            response = await client.post(
                "/v1/media",
                files={"file": ("phone.jpg", data, "image/jpeg")},
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code == 201:
                done.append((time.monotonic() - started, len(response.json()["renditions"])))
            else:
                failures[response.status_code] = failures.get(response.status_code, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(one() for _ in range(UPLOADERS)))
    elapsed = time.monotonic() - started
    latencies = sorted(seconds for seconds, _ in done)
    return {
        "uploads": len(done),
        "renditions": sum(count for _, count in done),
        "seconds": elapsed,
        "p50": statistics.median(latencies) if latencies else None,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        if latencies
        else None,
        "failures": failures,
    }


async def sample_pool(worker: int, stop: asyncio.Event, peak: list[int]) -> None:
    while not stop.is_set():
        total = 0
        for pid in descendants(worker):
            try:
                total += status_kb(pid, "VmRSS")
            except FileNotFoundError:
                pass
        peak[0] = max(peak[0], total)
        await asyncio.sleep(0.05)


def pin_pool(worker: int, cpu: int) -> None:
    """Move the worker's processing pool (the fork server and its children) to ``cpu``."""
    for pid in descendants(worker):
        subprocess.run(
            ["taskset", "-a", "-p", "-c", str(cpu), str(pid)], capture_output=True, check=False
        )


async def over_limit(client: httpx.AsyncClient, token: str, worker: int) -> tuple[int, int]:
    """A 60 MB upload that claims to be a JPEG: its status and the worker's RSS growth (kB)."""
    head = photos(1)[0][:4096]

    async def body():  # type: ignore[no-untyped-def]
        yield (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n" + head
        )
        chunk = bytes(64 * 1024)
        for _ in range(60 * 16):
            yield chunk
        yield b"\r\n--b--\r\n"

    reset_peak(worker)
    before = status_kb(worker, "VmRSS")
    try:
        response = await client.post(
            "/v1/media",
            content=body(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "multipart/form-data; boundary=b",
            },
        )
        status = response.status_code
    except httpx.HTTPError:
        status = 0  # the server answered 413 and closed before the body was sent
    return status, status_kb(worker, "VmHWM") - before


async def measure(worker: int, token: str, files: list[bytes], pool_cpu: int) -> str:
    pin_pool(worker, pool_cpu)
    async with httpx.AsyncClient(base_url=BASE, timeout=120) as client:
        idle_before = await asyncio.to_thread(wrk, SECONDS)
        rss_before = status_kb(worker, "VmRSS")
        reset_peak(worker)
        stop_sampling, pool_peak = asyncio.Event(), [0]
        sampler = asyncio.create_task(sample_pool(worker, stop_sampling, pool_peak))
        # Uploads alone, then uploads with wrk beside them.
        alone = await uploaders(client, token, files[: len(files) // 2], time.monotonic() + SECONDS)
        upload_task = asyncio.create_task(
            uploaders(client, token, files[len(files) // 2 :], time.monotonic() + SECONDS + 4)
        )
        await asyncio.sleep(2)
        busy = await asyncio.to_thread(wrk, SECONDS)
        beside = await upload_task
        stop_sampling.set()
        await sampler
        worker_peak = status_kb(worker, "VmHWM")
        idle_after = await asyncio.to_thread(wrk, SECONDS)
        status, growth = await over_limit(client, token, worker)
    idle = (idle_before + idle_after) / 2
    ratio = busy / idle
    rate = alone["renditions"] / alone["seconds"]
    rate_beside = beside["renditions"] / beside["seconds"]
    failures = {**alone["failures"], **beside["failures"]}  # type: ignore[dict-item]
    return (
        f"| CPU {pool_cpu} | {rate:.1f} ({alone['uploads']} uploads) | {rate_beside:.1f} "
        f"| {alone['p50']:.2f} / {alone['p99']:.2f} "
        f"| {idle:,.0f} ({idle_before:,.0f} / {idle_after:,.0f}) "
        f"| {busy:,.0f} | {ratio:.2f} {'ok' if ratio >= 0.7 else 'BELOW'} "
        f"| {rss_before / 1024:.0f} → {worker_peak / 1024:.0f} | {pool_peak[0] / 1024:.0f} "
        f"| {status}, +{growth / 1024:.1f} MB | {sum(failures.values()) or 0} |"
    )


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-media-"))
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": f"sqlite+aiosqlite:///{work}/bench.db",
        "KHABAR_MEDIA_DIR": str(work / "media"),
        "KHABAR_LOG_LEVEL": "warning",
        "KHABAR_SECRET_KEY": os.urandom(24).hex(),
        "KHABAR_CONTENT_CLOCK_SECONDS": "0",
    }
    server = None
    try:
        for args in (["migrate"], ["load-bulk", "2000"]):
            subprocess.run([BIN / "khabar", *args], env=env, check=True, capture_output=True)
        subprocess.run(
            [BIN / "khabar", "create-user", USER, "--role", "editor"],
            env={**env, "KHABAR_NEW_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        print("making test photos…", file=sys.stderr)
        files = photos(101)
        server = subprocess.Popen(
            ["taskset", "-c", "0", BIN / "khabar", "serve", "--port", str(PORT), "--no-access-log"],
            env=env,
        )
        async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
            for _ in range(300):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
            token = (
                await client.post("/v1/auth/token", data={"username": USER, "password": PASSWORD})
            ).json()["access_token"]
            # Starts the pool, so that there is a pool to place on a core.
            warm = await client.post(
                "/v1/media",
                files={"file": ("w.jpg", files[0], "image/jpeg")},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert warm.status_code == 201, warm.text
        worker = server.pid
        header = "\n".join(
            (
                "| image pool on | renditions/s, uploads alone | renditions/s beside reads "
                "| upload p50 / p99 s | idle list req/s (before / after) "
                "| list req/s during uploads | ratio (target ≥ 0.70) "
                "| worker RSS MB before → peak | pool RSS MB peak "
                "| 60 MB upload: status, worker RSS growth | failed uploads |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            )
        )
        rows = [header]
        print(header)
        for cpu, chunk in ((1, files[1:51]), (0, files[51:])):
            row = await measure(worker, token, chunk, cpu)
            print(row, flush=True)
            rows.append(row)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    load = Path("/proc/loadavg").read_text().split()[:3]
    rows.append(
        f"\n{UPLOADERS} uploaders of 4000×3000 JPEGs; load average at end: {' '.join(load)}"
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"media-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    out.write_text("\n".join(rows) + "\n")
    print(f"saved to {out}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
