#!/usr/bin/env bash
# The write benchmark (part of make bench): on SQLite, then on a throwaway PostgreSQL cluster,
# the public list's requests/s idle and while 8 writers create and publish articles, and the
# writers' own throughput, latency and failures. One uvicorn worker pinned to CPU 0; wrk, the
# writers (bench/writes.py) and PostgreSQL share CPU 1. Prints a markdown table and keeps it in
# bench/results/. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
ARTICLES="${WRITE_BENCH_ARTICLES:-20000}"
WRITERS="${WRITE_BENCH_WRITERS:-8}"
# wrk's window under writes; the writers run 2 s before it and 8 s past it.
READ_SECONDS="${WRITE_BENCH_READ_SECONDS:-10}"
WRITE_SECONDS="${WRITE_BENCH_SECONDS:-$((READ_SECONDS + 10))}"
BACKENDS="${WRITE_BENCH_BACKENDS:-sqlite postgresql}"
# Each backend is measured with the writers flat out (a stress test: 0), then with each writer
# saving one pair every N seconds (a busy newsroom, still far more than a real one).
PACES="${WRITE_BENCH_PACES:-0 2}"
PORT="${BENCH_WRITES_PORT:-18775}"
LIST="/v1/articles?limit=20"
WORK="$(mktemp -d /tmp/khabar-bench-writes.XXXXXX)"
SERVER="" CLUSTER=""
stop() {  # pid: SIGTERM and wait, so that the cluster helper can stop PostgreSQL on its way out
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() { stop "$SERVER"; stop "$CLUSTER"; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

export KHABAR_MEDIA_DIR="$WORK/media"
export KHABAR_LOG_LEVEL=warning
export BENCH_USER=benchuser
BENCH_PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_PASSWORD

list_rps() {  # seconds -> "req/s p99ms" of the list, wrk on CPU 1 with 16 connections
  local out
  out=$(taskset -c 1 wrk -t1 -c16 -d"$1"s --timeout 10s --latency "http://127.0.0.1:$PORT$LIST")
  echo "$out" | grep -E 'Non-2xx|Socket errors' >&2 || true
  "$PYTHON" - "$out" <<'PY'
import re, sys
t = sys.argv[1]
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
v, u = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", t, re.M).groups()
print(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1), f"{float(v) * unit[u]:.1f}")
PY
}

cpu_ticks() {  # "busy total" jiffies of CPU 0 and of CPU 1, from /proc/stat
  awk '/^cpu[01] / { printf "%d %d ", $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat
}

measure() {  # backend database-url -> one table row
  local backend="$1" log="$WORK/$1-server.log" json="$WORK/$1-writes.json" start idle busy
  local cpu_before cpu_after window writes
  export KHABAR_DATABASE_URL="$2"
  start=$(date +%s)
  "$BIN/khabar" migrate >/dev/null
  "$BIN/khabar" load-bulk "$ARTICLES" >/dev/null
  KHABAR_NEW_PASSWORD="$BENCH_PASSWORD" "$BIN/khabar" create-user "$BENCH_USER" --role editor \
    >/dev/null
  if [ "$backend" = postgresql ]; then
    # load-bulk ANALYZEs SQLite; on PostgreSQL autovacuum would do it, on CPU 1, in the middle
    # of the measurement. Do it now, as a maintained database would have.
    psql -q "${KHABAR_DATABASE_URL/+asyncpg/}" -c "VACUUM ANALYZE" >/dev/null
  fi
  # The load leaves hundreds of MB of dirty pages: written back now, not by kernel threads that
  # would take CPU from the idle measurement.
  sync
  echo "$backend: loaded $ARTICLES articles in $(( $(date +%s) - start )) s" >&2

  taskset -c 0 "$BIN/khabar" serve --port "$PORT" --no-access-log >"$log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { cat "$log" >&2; exit 1; }

  list_rps 2 >/dev/null  # warm-up
  for pace in $PACES; do window_run "$backend" "$pace" "$log" "$json"; done
  stop "$SERVER"; SERVER=""
  # What the server logged, by exception line: the evidence behind failed writes.
  grep -E '^[A-Za-z_.]+(Error|Exception)\b' "$log" | cut -c1-160 | sort | uniq -c | sort -rn \
    | sed "s/^/$backend server log: /" >&2 || true
}

window_run() {  # backend pace log json -> one table row: idle, reads beside the writers, idle
  local backend="$1" pace="$2" log="$3" json="$4" idle busy cpu_before cpu_after window writes label
  label="$backend, $([ "$pace" = 0 ] && echo "flat out" || echo "a pair / ${pace} s each")"
  # Idle before and after the writes: their mean is the reference, so that drift on a shared
  # machine over the run does not pass for an effect of the writes.
  idle=$(list_rps 10)
  # The writers start first so that wrk's window falls inside their run, past their log-in.
  taskset -c 1 "$PYTHON" bench/writes.py load "http://127.0.0.1:$PORT" "$log" \
    --writers "$WRITERS" --duration "$WRITE_SECONDS" --pace "$pace" >"$json" &
  writes=$!
  sleep 2
  cpu_before=$(cpu_ticks); window="$(date +%s.%N)"
  busy=$(list_rps "$READ_SECONDS")
  cpu_after=$(cpu_ticks); window="$window $(date +%s.%N)"
  wait "$writes" || : >"$json"
  idle="$idle $(list_rps 10)"
  [ -s "$json" ] || { echo "| $backend | writers failed (see above) | | | | | | | | | | |" | tee -a "$OUT"; return; }
  "$PYTHON" -c 'import json, sys; print(json.dumps({"backend": sys.argv[1], **json.load(open(sys.argv[2]))}))' \
    "$label" "$json" >>"${OUT%.md}.jsonl"

  "$PYTHON" - "$label" "$idle" "$busy" "$json" "$cpu_before" "$cpu_after" "$window" \
    <<'PY' | tee -a "$OUT"
import json, sys
backend, path = sys.argv[1], sys.argv[4]
idle, busy = list(map(float, sys.argv[2].split())), list(map(float, sys.argv[3].split()))
idle_rps, idle_p99 = (idle[0] + idle[2]) / 2, (idle[1] + idle[3]) / 2
before, after = map(int, sys.argv[5].split()), map(int, sys.argv[6].split())
start, end = map(float, sys.argv[7].split())
d = [b - a for a, b in zip(before, after)]
cpu = f"{100 * d[0] / d[1]:.0f} / {100 * d[2] / d[3]:.0f}"
w = json.load(open(path))
# Pairs completed while wrk ran, and in the rest of the writers' run (writers alone).
during = sum(start <= t <= end for t in w["pair_times"])
alone = (w["pairs"] - during) / max(w["seconds"] - (end - start), 1e-9)
ratio = busy[0] / idle_rps
mark = "ok" if ratio >= 0.7 else "BELOW"
failed = ", ".join(f"{n}× {s}" for s, n in sorted(w["failed_by_status"].items())) or "0"
locked = w["locked_responses"] + (w["locked_log_lines"] or 0)
step = lambda s: f"{w[s]['p50']:.0f} / {w[s]['p99']:.0f}" if w[s]["p50"] is not None else "-"
print(f"| {backend} | {idle_rps:,.0f} ({idle[0]:,.0f} / {idle[2]:,.0f}) | {busy[0]:,.0f} "
      f"| {ratio:.2f} {mark} | {idle_p99:.1f} → {busy[1]:.1f} "
      f"| {during / (end - start):.1f} | {alone:.1f} "
      f"| {step('create_ms')} | {step('publish_ms')} | {failed} | {locked} | {cpu} |")
PY
}

# Rows are appended by measure() itself: a { ...; } | tee pipeline would run it in a subshell,
# where the EXIT trap could not see the server and the cluster to stop them.
mkdir -p bench/results
OUT="bench/results/writes-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "| backend | idle list req/s (before / after) | list req/s during writes | ratio (target ≥ 0.70) \
| list p99 ms idle → writes | pairs/s during reads ($WRITERS writers) | pairs/s, writers alone | create p50 / p99 ms \
| publish p50 / p99 ms | failed writes | \"database is locked\" (log lines + responses) \
| CPU 0 / CPU 1 busy % during writes |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee "$OUT"
# Other work on the machine skews every figure: say how busy it was when the run started.
LOAD="load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $BACKENDS; do
  case "$backend" in
    sqlite) measure sqlite "sqlite+aiosqlite:///$WORK/bench.db" ;;
    postgresql)
      # PostgreSQL runs on CPU 1 with the load generators (its processes inherit the pinning),
      # so that CPU 0 holds the app alone on both backends, as a database on its own host would.
      taskset -c 1 "$PYTHON" bench/writes.py postgres >"$WORK/cluster.url" 2>"$WORK/cluster.log" &
      CLUSTER=$!
      for _ in $(seq 300); do [ -s "$WORK/cluster.url" ] && break; sleep 0.1; done
      [ -s "$WORK/cluster.url" ] || { cat "$WORK/cluster.log" >&2; exit 1; }
      measure postgresql "$(cat "$WORK/cluster.url")"
      stop "$CLUSTER"; CLUSTER="" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
done
CODE="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- app migrations 2>/dev/null || CODE="$CODE with uncommitted changes in app/ or migrations/"
echo "$LOAD; at end: $(cut -d' ' -f1-3 /proc/loadavg); code: $CODE" | tee -a "$OUT"
echo "saved to $OUT (writers' JSON in ${OUT%.md}.jsonl)" >&2
