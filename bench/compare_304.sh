#!/usr/bin/env bash
# compare_304.sh URL NAME ETAG — like ../shared/bench/compare.sh, for a conditional GET that
# answers 304 (compare.sh insists on a 200). The ceiling app serves the same (empty) body, and
# the two are loaded A B A B with wrk, servers on CPU 0 and wrk on CPU 1.
set -euo pipefail
URL="$1"; NAME="$2"; ETAG="$3"
RUNS="${RUNS:-3}"; DURATION="${DURATION:-8s}"; CONNS="${CONNS:-32}"; PYTHON="${PYTHON:-python3}"
PORT="${CEILING_PORT:-18999}"
SHARED="${SHARED_BENCH:-$(cd "$(dirname "$0")/../../shared/bench" && pwd)}"
TMP="$(mktemp -d)"; CPID=""
cleanup() { [ -n "$CPID" ] && kill "$CPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

: >"$TMP/body"  # a 304 has no body, and curl writes no file for none
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "If-None-Match: $ETAG" "$URL")
[ "$code" = 304 ] || { echo "$URL answered $code, not 304" >&2; exit 1; }
CEILING_BODY="$TMP/body" taskset -c 0 "$PYTHON" -m uvicorn --app-dir "$SHARED" ceiling_app:app \
  --host 127.0.0.1 --port "$PORT" --no-access-log --log-level warning >"$TMP/ceiling.log" 2>&1 &
CPID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

run() {  # url [header] -> "rps p50ms p99ms"
  local out
  if [ -n "${2:-}" ]; then
    out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 10s --latency -H "$2" "$1")
  else
    out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 10s --latency "$1")
  fi
  "$PYTHON" - "$out" <<'PY'
import re, sys
t = sys.argv[1]
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
def lat(p):
    v, u = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)$", t, re.M).groups()
    return float(v) * unit[u]
print(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1), f"{lat(50):.2f}", f"{lat(99):.2f}")
PY
}
: >"$TMP/ours"; : >"$TMP/ceil"
taskset -c 1 wrk -t1 -c"$CONNS" -d2s -H "If-None-Match: $ETAG" "$URL" >/dev/null
for _ in $(seq "$RUNS"); do
  run "$URL" "If-None-Match: $ETAG" >>"$TMP/ours"
  run "http://127.0.0.1:$PORT/" >>"$TMP/ceil"
done
"$PYTHON" - "$NAME" "$TMP/ours" "$TMP/ceil" <<'PY'
import statistics, sys
name, ours, ceil = sys.argv[1:]
def load(p): return [list(map(float, l.split())) for l in open(p) if l.strip()]
o, c = load(ours), load(ceil)
ratios = [a[0] / b[0] for a, b in zip(o, c)]
med = lambda rows, i: statistics.median(r[i] for r in rows)
print(f"| {name} | 0 | {med(o,0):,.0f} | {med(c,0):,.0f} | {statistics.median(ratios):.3f} "
      f"| {med(o,1):.2f} / {med(o,2):.2f} | {med(c,1):.2f} / {med(c,2):.2f} |")
PY
