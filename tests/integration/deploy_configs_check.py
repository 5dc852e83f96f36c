#!/usr/bin/python3
"""Static checks of deploy/: every manifest parses and is consistent with the services it runs.

    deploy_configs_check.py SRC_DIR HELP_DIR

HELP_DIR holds <service>.help, the --help output of daqz-felix-sim, daqz-ingest and daqz-sink: every
flag a systemd unit or a Kubernetes container passes, and every key of an example config, must be an
option of that service. Prints one line per finding and exits 1 if there is any.
"""
import configparser
import copy
import json
import pathlib
import re
import sys

import yaml

SERVICES = {"daqz-felix-sim": "felix-sim", "daqz-ingest": "ingest", "daqz-sink": "sink"}
problems = []


def problem(msg):
    problems.append(msg)
    print(f"FAIL: {msg}")


def options(help_text):
    return set(re.findall(r"--([a-z][a-z0-9-]*)", help_text))


def check_flags(where, service, args, known):
    for a in args:
        m = re.match(r"--([a-z][a-z0-9-]*)", a)
        if m and m.group(1) not in known[service]:
            problem(f"{where}: {service} has no option --{m.group(1)}")


def json_patch(doc, ops, where):
    """Applies RFC 6902 add/replace/test operations (what the GPU overlay uses) to a copy of doc."""
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key = int(last) if isinstance(node, list) else last
        if op["op"] == "test":
            if node[key] != op["value"]:
                problem(f"{where}: test of {op['path']} fails: {node[key]!r} != {op['value']!r}")
        elif op["op"] in ("add", "replace"):
            node[key] = op["value"]
        else:
            problem(f"{where}: unsupported op {op['op']}")
    return doc


def check_gpu_overlay(src, ingest, known):
    """deploy/k8s-gpu: a kustomize overlay of deploy/k8s whose patch turns the CPU encoder into a GPU one."""
    kust_path = src / "deploy/k8s-gpu/kustomization.yaml"
    kust = yaml.safe_load(kust_path.read_text())
    if kust.get("resources") != ["../k8s"]:
        problem(f"{kust_path}: should be an overlay of ../k8s")
    patches = kust.get("patches", [])
    if len(patches) != 1 or patches[0].get("target", {}).get("name") != "daqz-ingest":
        problem(f"{kust_path}: expected one patch of the daqz-ingest DaemonSet")
        return
    where = str(src / "deploy/k8s-gpu" / patches[0]["path"])
    gpu = json_patch(ingest, yaml.safe_load(pathlib.Path(where).read_text()), where)
    c = gpu["spec"]["template"]["spec"]["containers"][0]
    args = c.get("args", [])
    if "--device=cuda" not in args or "--device=cpu" in args:
        problem(f"{where}: the patched encoder does not run with --device=cuda only: {args}")
    if c.get("resources", {}).get("limits", {}).get("nvidia.com/gpu") != 1:
        problem(f"{where}: the patched encoder requests no nvidia.com/gpu")
    if not any(t.get("key") == "nvidia.com/gpu" for t in gpu["spec"]["template"]["spec"].get("tolerations", [])):
        problem(f"{where}: the patched encoder does not tolerate the GPU taint")
    check_flags(where, "daqz-ingest", args, known)


def main(src, help_dir):
    src, help_dir = pathlib.Path(src), pathlib.Path(help_dir)
    known = {s: options((help_dir / f"{s}.help").read_text()) for s in SERVICES}
    for s, opts in known.items():
        if "config" not in opts or "metrics" not in opts:
            problem(f"{s} --help lists no --config/--metrics: {sorted(opts)[:10]}...")

    # Example configs: JSON objects whose keys are options of their service.
    configs = {}
    for service, short in SERVICES.items():
        path = src / "deploy/configs" / f"{short}.json"
        try:
            configs[short] = json.loads(path.read_text())
        except Exception as e:
            problem(f"{path}: not valid JSON: {e}")
            continue
        for key in configs[short]:
            if key not in known[service]:
                problem(f"{path}: key '{key}' is not an option of {service}")
        if "metrics" not in configs[short]:
            problem(f"{path}: no 'metrics' address (Prometheus scrapes every service)")

    # Every YAML file parses.
    docs = {}
    for path in sorted(list((src / "deploy/k8s").glob("*.yaml")) + list((src / "deploy/prometheus").glob("*.yml"))):
        try:
            docs[path.name] = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        except yaml.YAMLError as e:
            problem(f"{path}: YAML does not parse: {e}")
    print(f"parsed {len(docs)} YAML files")

    # Kubernetes: the ConfigMap carries the example configs verbatim.
    objects = [(name, d) for name, ds in docs.items() if name.endswith(".yaml") for d in ds if "kind" in d]
    by_kind = {}
    for name, d in objects:
        by_kind.setdefault(d["kind"], []).append((name, d))
        if d["kind"] != "Kustomization" and d["kind"] != "Namespace" and d.get("metadata", {}).get("namespace") != "daqz":
            problem(f"{name}: {d['kind']} {d['metadata'].get('name')} is not in namespace daqz")
    cms = [d for _, d in by_kind.get("ConfigMap", []) if d["metadata"]["name"] == "daqz-config"]
    if len(cms) != 1:
        problem("k8s: expected one ConfigMap daqz-config")
    else:
        for short, cfg in configs.items():
            text = cms[0]["data"].get(f"{short}.json")
            if text is None or json.loads(text) != cfg:
                problem(f"k8s ConfigMap daqz-config: {short}.json differs from deploy/configs/{short}.json")
    kust = next((d for _, d in by_kind.get("Kustomization", [])), None)
    if kust is None:
        problem("k8s: no kustomization.yaml")
    else:
        for r in kust["resources"]:
            if not (src / "deploy/k8s" / r).exists():
                problem(f"kustomization.yaml lists missing {r}")

    # Workloads: probes, drain, annotations, flags, no host network.
    workloads = {d["metadata"]["name"]: (name, d) for k in ("DaemonSet", "StatefulSet", "Deployment")
                 for name, d in by_kind.get(k, [])}
    for service in SERVICES:
        if service not in workloads:
            problem(f"k8s: no workload named {service}")
    for wname, (fname, d) in workloads.items():
        pod = d["spec"]["template"]
        spec = pod["spec"]
        where = f"{fname} {d['kind']} {wname}"
        if spec.get("hostNetwork"):
            problem(f"{where}: uses hostNetwork")
        if not spec.get("terminationGracePeriodSeconds"):
            problem(f"{where}: no terminationGracePeriodSeconds for the drain")
        ann = pod["metadata"].get("annotations", {})
        if ann.get("prometheus.io/scrape") != "true":
            problem(f"{where}: no prometheus.io/scrape annotation")
        for c in spec["containers"]:
            cmd = c.get("command", [])
            service = pathlib.Path(cmd[0]).name if cmd else ""
            if service not in SERVICES:
                problem(f"{where}: container {c['name']} runs {cmd}, not a daqz service")
                continue
            args = c.get("args", [])
            check_flags(where, service, args, known)
            if f"--config=/etc/daqz/{SERVICES[service]}.json" not in args:
                problem(f"{where}: no --config=/etc/daqz/{SERVICES[service]}.json")
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            if str(ports.get("metrics")) != ann.get("prometheus.io/port"):
                problem(f"{where}: prometheus.io/port {ann.get('prometheus.io/port')} is not the metrics port {ports.get('metrics')}")
            if f"--metrics=0.0.0.0:{ports.get('metrics')}" not in args:
                problem(f"{where}: --metrics does not serve on the metrics port")
            # Liveness restarts a node, so it asks only "alive?"; readiness asks "send me data?".
            for probe, want in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
                get = c.get(probe, {}).get("httpGet", {})
                if get.get("path") != want:
                    problem(f"{where}: {probe} is not an HTTP GET of {want}")
                elif str(get.get("port")) not in ("metrics", str(ports.get("metrics"))):
                    problem(f"{where}: {probe} does not probe the metrics port")
            if not any(m["mountPath"] == "/etc/daqz" for m in c.get("volumeMounts", [])):
                problem(f"{where}: config volume not mounted at /etc/daqz")
    ingest = workloads.get("daqz-ingest", (None, None))[1]
    if ingest is not None:
        c = ingest["spec"]["template"]["spec"]["containers"][0]
        if ingest["kind"] != "DaemonSet":
            problem("k8s: the encoder (daqz-ingest) should be a DaemonSet")
        # The example runs anywhere: CPU by default; the GPU variant is the deploy/k8s-gpu overlay.
        if "--device=cpu" not in c.get("args", []):
            problem("k8s: daqz-ingest does not default to --device=cpu")
        if "nvidia.com/gpu" in c.get("resources", {}).get("limits", {}):
            problem("k8s: the default daqz-ingest requests a GPU (that is the deploy/k8s-gpu overlay's job)")
        check_gpu_overlay(src, ingest, known)
        n_sinks = sum(1 for a in c.get("args", []) if a.startswith("--sink="))
        sink = workloads.get("daqz-sink", (None, None))[1]
        if sink is not None and sink["spec"].get("replicas") != n_sinks:
            problem(f"k8s: {n_sinks} --sink endpoints for {sink['spec'].get('replicas')} sink replicas")
    sink = workloads.get("daqz-sink", (None, None))[1]
    if sink is not None:
        if sink["kind"] != "StatefulSet" or not sink["spec"].get("volumeClaimTemplates"):
            problem("k8s: daqz-sink should be a StatefulSet with volumeClaimTemplates")
        svc = [d for _, d in by_kind.get("Service", []) if d["metadata"]["name"] == sink["spec"].get("serviceName")]
        if not svc or svc[0]["spec"].get("clusterIP") != "None":
            problem("k8s: the sink StatefulSet's serviceName is not a headless Service")

    # systemd units.
    for service, short in SERVICES.items():
        path = src / "deploy/systemd" / f"{service}.service"
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str
        try:
            unit.read_string(path.read_text())
        except Exception as e:
            problem(f"{path}: does not parse: {e}")
            continue
        s = unit["Service"] if "Service" in unit else {}
        # Type=notify + WatchdogSec: systemd follows the service's health state (sd_notify, checked with a
        # real process in systemd_notify_test.sh).
        want = {"Type": "notify", "NotifyAccess": "main", "Restart": "on-failure", "KillSignal": "SIGTERM", "NoNewPrivileges": "yes",
                "ProtectSystem": "strict", "User": "daqz"}
        for k, v in want.items():
            if s.get(k) != v:
                problem(f"{path}: {k}={s.get(k)}, expected {v}")
        if not s.get("WatchdogSec"):
            problem(f"{path}: no WatchdogSec (the service pings while /healthz is 200)")
        if not s.get("TimeoutStopSec"):
            problem(f"{path}: no TimeoutStopSec (drain budget)")
        exec_start = s.get("ExecStart", "").split()
        # The daqz package installs binaries in /usr/bin and configs in /etc/daqz (cmake/DaqzInstall.cmake).
        if exec_start[:1] != [f"/usr/bin/{service}"] or f"/etc/daqz/{short}.json" not in exec_start:
            problem(f"{path}: ExecStart should run /usr/bin/{service} --config /etc/daqz/{short}.json")
        check_flags(str(path), service, exec_start[1:], known)

    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
