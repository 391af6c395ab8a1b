"""The live ticker's fan-out benchmark: many ``GET /v1/ticker/stream`` clients on one worker.

One uvicorn worker on CPU 0 (SQLite, a fresh database for each size); this script — every
stream client and the editor who posts — on CPU 1. For each number of clients N (100, 1,000
and 5,000 by default):

1. the server starts afresh; an editor logs in; one warm-up line is posted and received by
   one warm-up stream (the hub's task and the code paths exist before anything is measured);
   the worker's RSS (``VmRSS``) is read;
2. N stream clients connect, 200 at a time: each is a bare ``asyncio.open_connection`` that
   writes ``GET /v1/ticker/stream HTTP/1.1`` (``Accept: text/event-stream``), reads the
   headers, and counts as connected once its ``retry:`` line has arrived. After 3 s idle the
   worker's RSS is read again: (after − before) ÷ N is the memory per idle connection;
3. one line is posted every second for ``TICKER_BENCH_SECONDS`` (default 30) through a
   keep-alive httpx connection; ``perf_counter()`` is taken as soon as its 201 is received.
   Each client decodes the chunked body, parses ``id:`` / ``event:`` / ``data:`` lines and at
   each complete ``ticker.created`` event takes ``perf_counter()`` and the item's id. Latency
   of a delivery (client, line) = its receipt time − that line's POST return (negative when a
   client reads the event before the POST's answer arrives: kept, it is real);
4. after the last line (and up to 10 s for it to reach everyone), deliveries are counted
   against N × lines, and the worker's CPU over the posting window is read from
   ``/proc/PID/stat`` (utime + stime), this script's from ``getrusage``: a script near 100 %
   means the clients, not the server, set the pace;
5. the server gets SIGTERM with the N streams still open; how long it takes to exit is noted
   (SIGKILL after 10 s, noted too).

Prints a markdown table and keeps it in ``bench/results/ticker-<time>.md``. Usage:
``python bench/ticker.py`` (``TICKER_BENCH_CLIENTS="100 1000 5000"``,
``TICKER_BENCH_SECONDS=30``). Both processes raise their open-file limit to 65,536 (as root;
elsewhere, or without CAP_SYS_RESOURCE, to the hard limit, which the results note); the
script's event loop is uvloop's (as the server's is), so that the clients stay light.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("BENCH_TICKER_PORT", "18777"))
HOST = "127.0.0.1"
BASE = f"http://{HOST}:{PORT}"
CLIENTS = [int(n) for n in os.environ.get("TICKER_BENCH_CLIENTS", "100 1000 5000").split()]
SECONDS = int(os.environ.get("TICKER_BENCH_SECONDS", "30"))
BATCH = 200
CONNECT_TIMEOUT = 30.0
IDLE_SECONDS = 3.0
DRAIN_SECONDS = 10.0
EXIT_SECONDS = 10.0
FILES = 65536
USER, PASSWORD = "benchticker", "bench-" + os.urandom(8).hex()
REQUEST = (
    f"GET /v1/ticker/stream HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nAccept: text/event-stream\r\n\r\n"
).encode()
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def raise_file_limit() -> None:
    """Up to ``FILES`` open files, or the hard limit when it is lower and cannot be raised
    (a container without CAP_SYS_RESOURCE, even as root)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FILES, max(FILES, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kb(pid: int) -> int:
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(match.group(1)) if match else 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` (every thread), from ``/proc/PID/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


@dataclass
class Deliveries:
    """What every client received: per item id, the receipt times."""

    times: dict[int, list[float]] = field(default_factory=dict)
    #: The ``data:`` of an event → its item id (every client gets the same bytes: parse once).
    ids: dict[bytes, int] = field(default_factory=dict)

    def record(self, data: bytes, now: float) -> None:
        item = self.ids.get(data)
        if item is None:
            item = self.ids[data] = int(json.loads(data)["id"])
        times = self.times.get(item)
        if times is None:
            times = self.times[item] = []
        times.append(now)


class StreamClient:
    """One SSE client on a raw connection: HTTP/1.1, chunked or not, lines parsed by hand."""

    __slots__ = ("chunked", "ended", "reader", "task", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.chunked = False
        self.ended = False
        self.task: asyncio.Task[None] | None = None

    @classmethod
    async def connect(cls) -> StreamClient:
        reader, writer = await asyncio.open_connection(HOST, PORT)
        client = cls(reader, writer)
        try:
            writer.write(REQUEST)
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            status = head.split("\r\n", 1)[0]
            if " 200 " not in status + " ":
                raise ConnectionError(f"answered {status!r}")
            client.chunked = "transfer-encoding: chunked" in head.lower()
            # The stream opens with ": khabar ticker" and "retry: 3000".
            pending = b""
            while b"\nretry:" not in b"\n" + pending:
                chunk = await client.read()
                if not chunk:
                    raise ConnectionError("the stream ended before its retry: line")
                pending += chunk
        except BaseException:
            writer.close()
            raise
        return client

    async def read(self) -> bytes:
        """The next piece of the body; b"" at its end."""
        if not self.chunked:
            return await self.reader.read(65536)
        size = int((await self.reader.readline()).split(b";", 1)[0] or b"0", 16)
        if size == 0:
            return b""
        return (await self.reader.readexactly(size + 2))[:-2]

    async def listen(self, deliveries: Deliveries) -> None:
        pending, kind, data = b"", b"", None
        perf_counter = time.perf_counter
        try:
            while True:
                chunk = await self.read()
                if not chunk:
                    return
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                now = perf_counter()
                for raw in lines:
                    line = raw.rstrip(b"\r")
                    if not line:  # the blank line that ends an event
                        if data is not None and kind == b"ticker.created":
                            deliveries.record(data, now)
                        kind, data = b"", None
                    elif line.startswith(b"data:"):
                        data = line[5:].lstrip(b" ")
                    elif line.startswith(b"event:"):
                        kind = line[6:].strip()
                    # "id:", "retry:" and ": ping" comments need nothing here.
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            self.ended = True

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.writer.close()


async def connect_all(count: int) -> tuple[list[StreamClient], str | None, float]:
    """``count`` clients in batches of ``BATCH``; the first error, if any; seconds taken."""
    clients: list[StreamClient] = []
    started = time.perf_counter()
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        results = await asyncio.gather(
            *(asyncio.wait_for(StreamClient.connect(), CONNECT_TIMEOUT) for _ in range(size)),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        clients += [r for r in results if isinstance(r, StreamClient)]
        if errors:
            first = errors[0]
            reason = f"{type(first).__name__}: {first}".rstrip(": ")
            return clients, f"{len(errors)} of a batch of {size} failed ({reason})", 0.0
    return clients, None, time.perf_counter() - started


async def wait_ready(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become ready in 30 s")


async def post_line(client: httpx.AsyncClient, token: str, text: str) -> tuple[int, float, float]:
    """Post a breaking line: its id, when the POST was sent and when its 201 came back."""
    sent = time.perf_counter()
    response = await client.post(
        "/v1/ticker",
        json={"text": text, "priority": "breaking"},
        headers={"Authorization": f"Bearer {token}"},
    )
    returned = time.perf_counter()
    if response.status_code != 201:
        raise RuntimeError(f"POST /v1/ticker answered {response.status_code}: {response.text}")
    return int(response.json()["id"]), sent, returned


def stop_server(server: subprocess.Popen[bytes]) -> str:
    """SIGTERM, then SIGKILL after ``EXIT_SECONDS``: how it went."""
    if server.poll() is not None:
        return f"had already exited ({server.returncode})"
    started = time.perf_counter()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        return f"still running {EXIT_SECONDS:.0f} s after SIGTERM: KILLED"
    return f"exited {time.perf_counter() - started:.2f} s after SIGTERM"


def problems(log: Path, since: int = 0, until: int | None = None) -> list[str]:
    """The server log's warnings and errors between two byte offsets."""
    if not log.exists():
        return []
    text = log.read_bytes()[since:until].decode(errors="replace")
    return [line for line in text.splitlines() if re.search(r"ERROR|Traceback|WARNING", line)]


def summary(found: list[str]) -> str:
    if not found:
        return "none"
    counts: dict[str, int] = {}
    for line in found:
        counts[line.strip()[:120]] = counts.get(line.strip()[:120], 0) + 1
    return "; ".join(f"{n}× `{line}`" for line, n in sorted(counts.items(), key=lambda x: -x[1]))


async def measure(count: int) -> tuple[str, str]:
    """One size: its table row and a note (shutdown, POST times, server log)."""
    work = Path(tempfile.mkdtemp(prefix="khabar-bench-ticker-"))
    env = {
        **os.environ,
        "KHABAR_DATABASE_URL": f"sqlite+aiosqlite:///{work}/bench.db",
        "KHABAR_MEDIA_DIR": str(work / "media"),
        "KHABAR_SECRET_KEY": os.urandom(24).hex(),
        "KHABAR_SEED_DEMO": "false",
        "KHABAR_LOG_LEVEL": "warning",
    }
    log = work / "server.log"
    server: subprocess.Popen[bytes] | None = None
    clients: list[StreamClient] = []
    shutdown = "not started"
    at_stop: int | None = None
    try:
        subprocess.run([BIN / "khabar", "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [BIN / "khabar", "create-user", USER, "--role", "editor"],
            env={**env, "KHABAR_NEW_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        serve = ["serve", "--port", str(PORT), "--no-access-log"]
        with log.open("wb") as out:
            server = subprocess.Popen(
                ["taskset", "-c", "0", BIN / "khabar", *serve],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=raise_file_limit,
            )
        worker = server.pid
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=BASE, timeout=60, limits=limits) as http:
            await wait_ready(http, server)
            token = (
                await http.post("/v1/auth/token", data={"username": USER, "password": PASSWORD})
            ).json()["access_token"]

            # Warm-up: one stream receives one line, then leaves.
            warm_deliveries = Deliveries()
            warm = await StreamClient.connect()
            warm.task = asyncio.create_task(warm.listen(warm_deliveries))
            warm_id, _, _ = await post_line(http, token, "warm-up")
            for _ in range(100):
                if warm_id in warm_deliveries.times:
                    break
                await asyncio.sleep(0.05)
            warm.close()
            await asyncio.sleep(1)
            rss_before = rss_kb(worker)

            clients, failure, connect_seconds = await connect_all(count)
            if failure is not None:
                row = (
                    f"| {count:,} | did not connect: {len(clients):,} of {count:,} connected; "
                    f"{failure} | | | | | | | | |"
                )
                return row, f"{count:,} clients: server with the streams open {stop_server(server)}"
            deliveries = Deliveries()
            for client in clients:
                client.task = asyncio.create_task(client.listen(deliveries))
            await asyncio.sleep(IDLE_SECONDS)
            rss_idle = rss_kb(worker)
            per_connection = (rss_idle - rss_before) / count
            gc.collect()
            gc.freeze()  # no long collections of the clients' objects in the window

            posted: dict[int, float] = {}
            post_seconds: list[float] = []
            worker_cpu, own_cpu = cpu_seconds(worker), own_cpu_seconds()
            started = time.perf_counter()
            for index in range(SECONDS):
                delay = started + index - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                item, sent, returned = await post_line(
                    http, token, f"Breaking {index + 1} of {SECONDS}: الخبر العاجل رقم {index + 1}"
                )
                posted[item] = returned
                post_seconds.append(returned - sent)
            delay = started + SECONDS - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            wall = time.perf_counter() - started
            worker_cpu = (cpu_seconds(worker) - worker_cpu) / wall * 100
            own_cpu = (own_cpu_seconds() - own_cpu) / wall * 100
            last = max(posted)
            live = sum(not client.ended for client in clients)
            drain_until = time.perf_counter() + DRAIN_SECONDS
            while len(deliveries.times.get(last, ())) < live and time.perf_counter() < drain_until:
                await asyncio.sleep(0.1)
            gc.unfreeze()
            ended_early = sum(client.ended for client in clients)
            at_stop = log.stat().st_size
            shutdown = stop_server(server)
    finally:
        if server is not None and server.poll() is None:
            shutdown = stop_server(server)
        for client in clients:
            client.close()
        await asyncio.sleep(0)
        before_stop, after_stop = problems(log, 0, at_stop), problems(log, at_stop or 0)
        shutil.rmtree(work, ignore_errors=True)

    latencies = sorted(
        (receipt - posted[item]) * 1000
        for item, times in deliveries.times.items()
        if item in posted
        for receipt in times
    )
    expected = count * len(posted)
    missed = expected - len(latencies)
    p50, p99, worst = (
        percentile(latencies, p) if latencies else math.nan for p in (0.5, 0.99, 1.0)
    )
    if count == 1000:
        ok_p99, ok_memory = p99 < 250, per_connection < 50
        target = (
            f"p99 {'ok' if ok_p99 else 'ABOVE'}, memory {'ok' if ok_memory else 'ABOVE'}"
            if latencies
            else "no deliveries"
        )
    else:
        target = "—"
    pace = " (clients set the pace)" if own_cpu >= 90 else ""
    row = (
        f"| {count:,} | {len(clients):,} in {connect_seconds:.1f} s | {per_connection:.1f} "
        f"| {rss_before / 1024:.0f} → {rss_idle / 1024:.0f} | {len(posted)} "
        f"| {len(latencies):,} of {expected:,} ({missed:,}) "
        f"| {p50:.1f} / {p99:.1f} / {worst:.1f} | {worker_cpu:.1f} | {own_cpu:.1f}{pace} "
        f"| {target} |"
    )
    post_seconds.sort()
    note = (
        f"{count:,} clients: POST round trip p50 {percentile(post_seconds, 0.5) * 1000:.1f} ms, "
        f"max {post_seconds[-1] * 1000:.1f} ms; streams ended by the server before shutdown: "
        f"{ended_early}; server with {count:,} streams open {shutdown}. Server log, "
        f"warnings and errors before SIGTERM: {summary(before_stop)}; after: "
        f"{summary(after_stop) if at_stop is not None else '(not stopped in step)'}"
    )
    return row, note


async def main() -> None:
    os.sched_setaffinity(0, {1})
    raise_file_limit()
    start_load = load_average()
    header = "\n".join(
        (
            "| clients | connected | memory per idle connection KB "
            "| worker RSS MB idle → with clients | events | deliveries (missed) "
            "| latency p50 / p99 / max ms | worker CPU % | bench process CPU % "
            "| target (1,000: p99 < 250 ms, < 50 KB) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        )
    )
    print(header, flush=True)
    rows, notes = [header], []
    for count in CLIENTS:
        try:
            row, note = await measure(count)
        except Exception as error:  # one size failing does not end the others
            row = f"| {count:,} | failed: {type(error).__name__}: {error} | | | | | | | | |"
            note = f"{count:,} clients: failed ({error!r})"
        print(row, flush=True)
        print(f"  ({note})", file=sys.stderr, flush=True)
        rows.append(row)
        notes.append(note)
    rows.append(
        f"\nOne worker on CPU 0, clients and poster on CPU 1; one breaking line a second for "
        f"{SECONDS} s; open-file limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]:,}. "
        f"Load average at start: {start_load}; at end: {load_average()}.\n"
    )
    rows += [f"- {note}" for note in notes]
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"ticker-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    out.write_text("\n".join(rows) + "\n")
    print("\n".join(rows[len(CLIENTS) + 1 :]))
    print(f"saved to {out}", file=sys.stderr)


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())
