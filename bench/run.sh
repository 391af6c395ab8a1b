#!/usr/bin/env bash
# make bench: 100,000 articles in a fresh SQLite database, one uvicorn worker pinned to CPU 0,
# each endpoint measured against the ceiling app serving the same bytes in the same run
# (../shared/bench/compare.sh pins wrk to CPU 1). Prints a markdown table and keeps it in
# bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
COMPARE="${COMPARE:-../shared/bench/compare.sh}"
ARTICLES="${ARTICLES:-100000}"
PORT="${BENCH_PORT:-18765}"
WORK="$(mktemp -d /tmp/khabar-bench.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

export KHABAR_DATABASE_URL="sqlite+aiosqlite:///$WORK/bench.db"
export KHABAR_MEDIA_DIR="$WORK/media"
export KHABAR_LOG_LEVEL=warning

echo "loading $ARTICLES articles into $WORK/bench.db ..." >&2
start=$(date +%s)
"$BIN/khabar" migrate >/dev/null
"$BIN/khabar" load-bulk "$ARTICLES" >/dev/null
echo "loaded in $(( $(date +%s) - start )) s" >&2

taskset -c 0 "$BIN/khabar" serve --port "$PORT" --no-access-log >"$WORK/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.1; done

eval "$("$PYTHON" bench/pages.py "$BASE" 2500)"
ETAG=$(curl -s -D - -o /dev/null "$BASE/v1/articles?limit=20" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')

# One row per endpoint; a failed measurement is reported as such and the others still run.
# Each row gets a ceiling port of its own: the previous row's ceiling may still be shutting down.
CEILING_PORT_NEXT=18990
row() {
  local script="$1"; shift
  CEILING_PORT_NEXT=$((CEILING_PORT_NEXT + 1))
  CEILING_PORT="$CEILING_PORT_NEXT" PYTHON="$PYTHON" bash "$script" "$@" \
    || echo "| $2 | measurement failed (see above) | | | | | |"
}

mkdir -p bench/results
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "| endpoint | bytes | ours req/s | ceiling req/s | ratio | ours p50/p99 ms | ceiling p50/p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row "$COMPARE" "$BASE/v1/articles?limit=20" "list, newest 20"
  row "$COMPARE" "$BASE/v1/articles?limit=20&category=$CATEGORY" "list, parent category"
  row "$COMPARE" "$BASE/v1/articles/by-slug/$SLUG" "detail by slug"
  row "$COMPARE" "$BASE/v1/articles?limit=20&cursor=$CURSOR" "page 2,500 by cursor"
  row bench/compare_304.sh "$BASE/v1/articles?limit=20" "304 revalidation (If-None-Match)" "$ETAG"
} | tee "$OUT"
echo "saved to $OUT" >&2
