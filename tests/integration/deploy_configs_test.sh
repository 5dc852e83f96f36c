#!/usr/bin/env bash
# deploy/ is usable as shipped:
#   - every Kubernetes and Prometheus YAML parses; the ConfigMap carries deploy/configs verbatim; the
#     workloads have liveness probes on /healthz and readiness probes on /readyz, drain grace periods,
#     scrape annotations, an encoder DaemonSet on --device=cpu (the deploy/k8s-gpu overlay patches in
#     --device=cuda and a GPU), a StatefulSet + headless Service for the sinks, no hostNetwork; every flag a container
#     or systemd unit passes and every example-config key is an option of its service (--help);
#     `kubectl kustomize deploy/k8s` and `deploy/k8s-gpu` render (when kubectl is installed);
#   - `systemd-analyze verify` accepts the units without a warning (when systemd-analyze exists);
#   - `promtool check config` accepts both scrape configurations (Debian's Prometheus is built without
#     Kubernetes discovery, so kubernetes_sd_configs is swapped for static_configs in a copy first);
#   - each service starts from its example config (ports and paths overridden by flags, which win):
#     felix-sim -> ingest (shipped models, --require-model) -> sink store and acknowledge records, and
#     felix-sim ends after --count and
#     SIGTERM drains ingest and sink, all with exit code 0; while records flow, /readyz of ingest and sink
#     answers 200 with "ready":true; a config with an unknown key is refused.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CONF="$SRC/deploy/configs"

mkdir -p "$WORK/help"
for s in daqz-felix-sim daqz-ingest daqz-sink; do
  "$BIN/$s" --help > "$WORK/help/$s.help" || fail "$s --help failed"
done
$PY "$SRC/tests/integration/deploy_configs_check.py" "$SRC" "$WORK/help" || fail "static checks of deploy/"

if command -v kubectl > /dev/null; then
  kubectl kustomize "$SRC/deploy/k8s" > "$WORK/k8s.yaml" || fail "kubectl kustomize deploy/k8s"
  echo "kubectl kustomize: $(grep -c '^kind:' "$WORK/k8s.yaml") objects"
  grep -q -- "--device=cpu" "$WORK/k8s.yaml" || fail "deploy/k8s does not default to --device=cpu"
  kubectl kustomize "$SRC/deploy/k8s-gpu" > "$WORK/k8s-gpu.yaml" || fail "kubectl kustomize deploy/k8s-gpu"
  grep -q -- "--device=cuda" "$WORK/k8s-gpu.yaml" && grep -q "nvidia.com/gpu: 1" "$WORK/k8s-gpu.yaml" \
    || fail "the deploy/k8s-gpu overlay does not give the encoder a GPU"
  echo "kubectl kustomize deploy/k8s-gpu: --device=cuda, nvidia.com/gpu"
else
  echo "note: kubectl not installed; kustomize rendering not checked"
fi

if command -v systemd-analyze > /dev/null; then
  mkdir -p "$WORK/units"
  abs_bin=$(cd "$BIN" && pwd)
  for u in "$SRC"/deploy/systemd/*.service "$SRC"/deploy/systemd/*.target; do
    # verify checks that ExecStart exists: point it at this build's binaries.
    sed "s#^ExecStart=/usr/bin/#ExecStart=$abs_bin/#" "$u" > "$WORK/units/$(basename "$u")"
  done
  (cd "$WORK/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify ./*.service ./*.target) \
    > "$WORK/verify.log" 2>&1 || fail "systemd-analyze verify failed: $(cat "$WORK/verify.log")"
  [ ! -s "$WORK/verify.log" ] || fail "systemd-analyze verify warns: $(cat "$WORK/verify.log")"
  echo "systemd-analyze verify: units OK"
else
  echo "note: systemd-analyze not installed; units not verified"
fi

if command -v promtool > /dev/null; then
  cp "$SRC/deploy/prometheus/daqz-alerts.yml" "$WORK/"
  cp "$SRC/deploy/prometheus/prometheus.yml" "$WORK/prometheus.yml"
  promtool check config "$WORK/prometheus.yml" || fail "promtool check config prometheus.yml"
  $PY - "$SRC/deploy/prometheus/prometheus-kubernetes.yml" "$WORK/prometheus-kubernetes.yml" <<'PY' || fail "k8s scrape config"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for job in c["scrape_configs"]:
    assert job.pop("kubernetes_sd_configs"), job
    job["static_configs"] = [{"targets": ["127.0.0.1:9462"]}]
yaml.safe_dump(c, open(sys.argv[2], "w"))
PY
  promtool check config "$WORK/prometheus-kubernetes.yml" || fail "promtool check config prometheus-kubernetes.yml"
else
  echo "note: promtool not installed; scrape configurations not checked"
fi

# A config with an unknown key must be refused (so the example configs are really read).
$PY -c 'import json,sys; c=json.load(open(sys.argv[1])); c["no-such-option"]=1; json.dump(c, open(sys.argv[2],"w"))' \
  "$CONF/sink.json" "$WORK/bad-sink.json"
if timeout 20 "$BIN/daqz-sink" --config "$WORK/bad-sink.json" --out "$WORK/bad" --metrics "" > "$WORK/bad.log" 2>&1; then
  fail "daqz-sink accepted a config with an unknown key"
fi
grep -q "no-such-option" "$WORK/bad.log" || fail "refusal does not name the unknown key: $(cat "$WORK/bad.log")"

# The three services from their example configs, as a pipeline.
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); SIM_ACK=$(free_port)
M_SIM=$(free_port); M_INGEST=$(free_port); M_SINK=$(free_port)
start sink "$BIN/daqz-sink" --config "$CONF/sink.json" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" \
  --quarantine "$WORK/sink.quarantine" --metrics "127.0.0.1:$M_SINK"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --config "$CONF/ingest.json" --listen "tcp://127.0.0.1:$DATA" \
  --sink "tcp://127.0.0.1:$SINK" --ack-listen "tcp://127.0.0.1:$ACK" --models-root "$SRC/deploy/models" \
  --quarantine "$WORK/ingest.quarantine" --metrics "127.0.0.1:$M_INGEST" --workers 1 --require-model
INGEST_PID=$LAST_PID
start felix-sim "$BIN/daqz-felix-sim" --config "$CONF/felix-sim.json" --endpoint "tcp://127.0.0.1:$DATA" \
  --ack-listen "tcp://127.0.0.1:$SIM_ACK" \
  --rate 4 --pool 4 --count 8 --metrics "127.0.0.1:$M_SIM"
SIM_PID=$LAST_PID
wait_metric "http://127.0.0.1:$M_SIM/metrics" daqz_felix_sim_messages_sent_total 1 60 || fail "felix-sim sends nothing"
curl -sf "http://127.0.0.1:$M_SIM/healthz" > /dev/null || fail "no /healthz on felix-sim's port $M_SIM"
wait_metric "http://127.0.0.1:$M_SINK/metrics" daqz_sink_acks_sent_total 8 90 || fail "no records acknowledged"
for p in $M_INGEST $M_SINK; do
  curl -sf "http://127.0.0.1:$p/healthz" > /dev/null || fail "no /healthz on port $p"
  ready=$(curl -sf "http://127.0.0.1:$p/readyz") || fail "/readyz on port $p is not 200: $(curl -s "http://127.0.0.1:$p/readyz")"
  case $ready in *'"ready":true'*) ;; *) fail "/readyz on port $p: $ready" ;; esac
done
[ "$(metric "http://127.0.0.1:$M_INGEST/metrics" daqz_ingest_codec_unavailable_total)" = 0 ] \
  || fail "a codec of the example ingest config did not load"
# felix-sim ends by itself (--count): a SIGTERM during its pacing wait currently makes it exit 1
# ("wait: Interrupted system call", core/sim/stream_pacer.cpp), reported to the lead.
rc=0; wait "$SIM_PID" || rc=$?
[ "$rc" -eq 0 ] || fail "daqz-felix-sim exited $rc"
stop "$INGEST_PID"; [ "$STOP_RC" -eq 0 ] || fail "daqz-ingest exited $STOP_RC"
stop "$SINK_PID";   [ "$STOP_RC" -eq 0 ] || fail "daqz-sink exited $STOP_RC"
echo PASS
