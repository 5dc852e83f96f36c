#!/usr/bin/env bash
# `daqz demo --json --hold S` keeps the pipeline up after its summary; every service's /metrics scrape
# must pass `promtool check metrics` (Prometheus naming and format rules) and carry daqz_build_info.
source "$(dirname "$0")/lib.sh"
if ! command -v promtool >/dev/null; then echo "SKIP: promtool not installed (Debian package 'prometheus')"; exit 0; fi
"$BIN/daqz" demo --json --wedges 24 --sample 2 --hold 20 --work-dir "$WORK/demo" > "$WORK/demo.json" 2> "$WORK/demo.log" &
DEMO=$!
PIDS+=("$DEMO")
for _ in $(seq 240); do [ -s "$WORK/demo.json" ] && break; sleep 0.25; done
[ -s "$WORK/demo.json" ] || fail "demo printed no summary"
URLS=$(/usr/bin/python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['metrics_urls'].values()))" "$WORK/demo.json")
n=0
for u in $URLS; do
  curl -sf "$u" > "$WORK/scrape.txt" || fail "cannot scrape $u"
  promtool check metrics < "$WORK/scrape.txt" || fail "promtool check metrics failed for $u"
  grep -q '^daqz_build_info{' "$WORK/scrape.txt" || fail "$u lacks daqz_build_info"
  health=${u%/metrics}/healthz
  curl -sf "$health" > /dev/null || fail "no health endpoint at $health"
  n=$((n + 1))
done
[ "$n" -eq 3 ] || fail "expected 3 metrics URLs, got $n"
wait "$DEMO" || fail "demo failed after hold"
echo PASS
