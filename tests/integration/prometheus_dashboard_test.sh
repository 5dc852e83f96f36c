#!/usr/bin/env bash
# The Grafana dashboard and the alert rules against a real Prometheus (Debian package `prometheus`):
#   1. static checks: the dashboard JSON is what deploy/grafana/make_dashboard.py generates,
#      `promtool check rules` and `promtool test rules` (unit tests of the alerts) pass;
#   2. the demo pipeline (daqz-felix-sim -> daqz-ingest -> daqz-sink with the shipped BCAE and jet
#      models, as `daqz demo` runs it) is started from the example configs in deploy/configs, with
#      ports and paths overridden by flags, streaming continuously at 1 wedge/s (plus jets) with the live
#      fidelity monitor on (`daqz demo --hold` stops sending before it holds, so rates would be 0);
#   3. `promtool check metrics` passes on every service's scrape;
#   4. Prometheus (loopback only, temporary storage, 1 s scrapes, the alert rules loaded) scrapes the
#      three services; once every target is up and the rate windows hold data, every PromQL
#      expression of the dashboard and every alert's comparison operands must return a finite sample
#      (tests/integration/prometheus_queries.py documents the rule and the Grafana substitutions);
#      DaqzIngestBelowTarget and DaqzFarmBelowTarget must be pending or firing (2 CPU cores are far
#      below 15,000 wedges/s); alerts of a healthy pipeline (write errors, rejects, ...) must not;
#   5. felix-sim ends after --duration, SIGTERM drains ingest and sink, all with exit code 0.
# Skips only when /usr/bin/prometheus is absent.
source "$(dirname "$0")/lib.sh"
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  echo "SKIP: /usr/bin/prometheus or /usr/bin/promtool missing (install the Debian package 'prometheus')"
  exit 0
fi
PY=/usr/bin/python3
Q="$SRC/tests/integration/prometheus_queries.py"
DASH="$SRC/deploy/grafana/daqz-dashboard.json"
RULES="$(cd "$SRC" && pwd)/deploy/prometheus/daqz-alerts.yml"  # absolute: prometheus.yml lives in $WORK
CONF="$SRC/deploy/configs"
MODELS="$SRC/deploy/models"

# 1. Static checks.
$PY "$SRC/deploy/grafana/make_dashboard.py" --check || fail "dashboard JSON differs from make_dashboard.py output"
promtool check rules "$RULES" || fail "promtool check rules"
promtool test rules "$SRC/deploy/prometheus/daqz-alerts.test.yml" || fail "promtool test rules"
for m in bcae-v1-sim-ft jet-ae-27d-z12; do
  [ -f "$MODELS/$m/model.json" ] || fail "shipped model $m missing under $MODELS (the example ingest config uses it)"
done

# 2. The pipeline, from the example configs.
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); SIM_ACK=$(free_port)
M_SIM=$(free_port); M_INGEST=$(free_port); M_SINK=$(free_port); PROM_PORT=$(free_port)
start sink "$BIN/daqz-sink" --config "$CONF/sink.json" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" \
  --quarantine "$WORK/sink.quarantine" --metrics "127.0.0.1:$M_SINK"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --config "$CONF/ingest.json" --listen "tcp://127.0.0.1:$DATA" \
  --sink "tcp://127.0.0.1:$SINK" --ack-listen "tcp://127.0.0.1:$ACK" --models-root "$MODELS" \
  --quarantine "$WORK/ingest.quarantine" --metrics "127.0.0.1:$M_INGEST" --workers 1 --require-model \
  --fidelity-fraction 0.25
INGEST_PID=$LAST_PID
start felix-sim "$BIN/daqz-felix-sim" --config "$CONF/felix-sim.json" --endpoint "tcp://127.0.0.1:$DATA" \
  --ack-listen "tcp://127.0.0.1:$SIM_ACK" \
  --rate 1 --pool 4 --duration 50 --metrics "127.0.0.1:$M_SIM"
SIM_PID=$LAST_PID

# 4. Prometheus on loopback with temporary storage.
cat > "$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ["$RULES"]
scrape_configs:
  - job_name: daqz-felix-sim
    static_configs: [{targets: ["127.0.0.1:$M_SIM"], labels: {node: readout-test}}]
  - job_name: daqz-ingest
    static_configs: [{targets: ["127.0.0.1:$M_INGEST"], labels: {node: readout-test}}]
  - job_name: daqz-sink
    static_configs: [{targets: ["127.0.0.1:$M_SINK"], labels: {node: storage-test}}]
EOF
promtool check config "$WORK/prometheus.yml" > /dev/null || fail "generated prometheus.yml is invalid"
start prometheus /usr/bin/prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --storage.tsdb.retention.time=1h
PROM_PID=$LAST_PID
PROM="http://127.0.0.1:$PROM_PORT"

# 3. Every service's scrape passes promtool (after the ingest node has encoded something).
wait_metric "http://127.0.0.1:$M_INGEST/metrics" daqz_ingest_wedges_encoded_total 1 60 \
  || fail "no wedge encoded within 60 s"
echo "first wedge encoded after ${SECONDS} s"
for p in $M_SIM $M_INGEST $M_SINK; do
  curl -sf "http://127.0.0.1:$p/metrics" > "$WORK/scrape-$p.txt" || fail "cannot scrape port $p"
  promtool check metrics < "$WORK/scrape-$p.txt" || fail "promtool check metrics failed on port $p"
done

$PY "$Q" wait "$PROM" 'count(up{job=~"daqz-.*"} == 1) == 3' 30 || fail "Prometheus does not see 3 targets up"
echo "3 targets up after ${SECONDS} s"
UP_AT=$SECONDS
$PY "$Q" wait "$PROM" 'sum(daqz_ingest_fidelity_samples_total)' 60 || fail "no fidelity sample within 60 s"
echo "first fidelity sample after ${SECONDS} s"
# Rate windows are 10 s ($__rate_interval): let them fill with scrapes of live traffic.
sleep $((UP_AT + 11 > SECONDS ? UP_AT + 11 - SECONDS : 1))
kill -0 "$SIM_PID" 2>/dev/null || fail "felix-sim stopped sending before the checks (raise its --duration)"
echo "checking expressions ${SECONDS} s after the start"
rc=0
$PY "$Q" check "$PROM" "$DASH" "$RULES" \
  --fire DaqzIngestBelowTarget DaqzFarmBelowTarget \
  --quiet DaqzSinkWriteErrors DaqzCodecUnavailable DaqzLosslessFallback DaqzFramesRejected DaqzTargetDown \
          DaqzStuckDraining DaqzIngestQueueNearFull DaqzFidelityDecodeErrors DaqzAuthFailures \
          DaqzSinkStorageNotWritable > "$WORK/check.log" 2>&1 || rc=$?
cat "$WORK/check.log"
[ "$rc" -eq 0 ] || fail "dashboard/alert expressions without data (see above)"
# The checker itself must fail on a panel or an alert operand without data.
cat > "$WORK/bad-dashboard.json" <<'EOF'
{"panels": [{"title": "bad", "targets": [{"refId": "A", "expr": "rate(daqz_no_such_metric_total[$__rate_interval])"}]}]}
EOF
cat > "$WORK/bad-rules.yml" <<'EOF'
groups: [{name: bad, rules: [{alert: Bad, expr: "daqz_ingest_state == 3 and on (job) daqz_no_such_gauge > 1"}]}]
EOF
rc=0; $PY "$Q" check "$PROM" "$WORK/bad-dashboard.json" "$WORK/bad-rules.yml" > "$WORK/bad-check.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && [ "$(grep -c '^FAILED' "$WORK/bad-check.log")" -eq 2 ] \
  || fail "the checker did not flag exactly the 2 expressions without data: $(cat "$WORK/bad-check.log")"

# 5. Graceful drain of every service.
stop "$PROM_PID"
# felix-sim ends by itself (--duration 50 covers the checks): a SIGTERM during its pacing wait
# currently makes it exit 1 ("wait: Interrupted system call", core/sim/stream_pacer.cpp).
rc=0; wait "$SIM_PID" || rc=$?
[ "$rc" -eq 0 ] || fail "daqz-felix-sim exited $rc"
stop "$INGEST_PID"; [ "$STOP_RC" -eq 0 ] || fail "daqz-ingest exited $STOP_RC"
stop "$SINK_PID";   [ "$STOP_RC" -eq 0 ] || fail "daqz-sink exited $STOP_RC"
echo PASS
