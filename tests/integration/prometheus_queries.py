#!/usr/bin/python3
"""Evaluates the PromQL of the daqz Grafana dashboard and alert rules against a live Prometheus.

    prometheus_queries.py wait   PROM_URL QUERY TIMEOUT_S      # until QUERY returns a finite sample > 0
    prometheus_queries.py list   DASHBOARD.json RULES.yml      # print every expression (after substitution)
    prometheus_queries.py check  PROM_URL DASHBOARD.json RULES.yml [--fire ALERT ...] [--quiet ALERT ...]

`check` fails (exit 1), listing each culprit, when
  - a dashboard expression (panel target or templating query) returns no sample with a finite value;
  - an alert expression does not evaluate, or one of its comparison operands returns no finite sample.
    An alert expression with a threshold returns data only while it fires, so the rule checked for
    every alert is: split the expression at top-level `and`/`or`/`unless`, split each part at its
    top-level comparison (==, !=, <, >, <=, >=, modifiers such as `on (...)` and `bool` removed), and
    require every operand that is not a number literal to return a finite sample;
  - an alert named with --fire is neither pending nor firing (GET /api/v1/alerts), or an alert named
    with --quiet is pending or firing.

Grafana variables are replaced before evaluation (SUBSTITUTIONS below; docs/observability.md lists them):
$node and ${node} by .*, $__rate_interval by 10s, $__interval by 5s, $__range by 1m. Grafana's
label_values(EXPR, LABEL) becomes EXPR, which must return samples carrying LABEL.
Uses only the Python standard library and PyYAML (Debian python3-yaml).
"""
import json
import math
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml

SUBSTITUTIONS = [
    (re.compile(r"\$\{node(?::[a-z]+)?\}|\$node\b"), ".*"),
    (re.compile(r"\$\{__rate_interval\}|\$__rate_interval\b"), "10s"),
    (re.compile(r"\$\{__interval\}|\$__interval\b"), "5s"),
    (re.compile(r"\$\{__range\}|\$__range\b"), "1m"),
]


def substitute(expr):
    for pattern, value in SUBSTITUTIONS:
        expr = pattern.sub(value, expr)
    if "$" in expr:
        raise ValueError(f"unsubstituted Grafana variable in: {expr}")
    return expr


def dashboard_expressions(path):
    """(where, expr, required_label) for every panel target and templating query."""
    dash = json.load(open(path))
    out = []

    def walk(panels):
        for p in panels:
            walk(p.get("panels", []))
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((f"panel '{p.get('title')}' {t.get('refId')}", substitute(t["expr"]), None))

    walk(dash.get("panels", []))
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        q = var.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*", q or "")
        if not m:
            raise ValueError(f"variable '{var.get('name')}': only label_values(EXPR, LABEL) is supported: {q}")
        out.append((f"variable '{var['name']}'", substitute(m.group(1)), m.group(2)))
    return out


def alert_rules(path):
    doc = yaml.safe_load(open(path))
    return [(r["alert"], r["expr"]) for g in doc["groups"] for r in g["rules"] if "alert" in r]


# --- a small PromQL splitter: enough to find top-level binary operators ---------------------------
_OPEN, _CLOSE = "([{", ")]}"
_IDENT = re.compile(r"[A-Za-z0-9_:]")


def _top_level(expr):
    """Yields (index, char) of characters outside brackets and string literals."""
    depth, quote, i = 0, None, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'`":
            quote = c
        elif c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif depth == 0:
            yield i, c
        i += 1


def _split_keyword(expr, words):
    parts, start, top = [], 0, dict(_top_level(expr))
    i = 0
    while i < len(expr):
        if i in top:
            for w in words:
                end = i + len(w)
                if (expr[i:end].lower() == w and all(k in top for k in range(i, end))
                        and (i == 0 or not _IDENT.match(expr[i - 1]))
                        and (end >= len(expr) or not _IDENT.match(expr[end]))):
                    parts.append(expr[start:i])
                    start = i = end
                    break
            else:
                i += 1
        else:
            i += 1
    parts.append(expr[start:])
    return parts


_COMPARISON = re.compile(r"==|!=|<=|>=|<|>")


def _split_comparison(expr):
    top = dict(_top_level(expr))
    for i in sorted(top):
        m = _COMPARISON.match(expr, i)
        if m and all(k in top for k in range(i, m.end())):
            return [expr[:i], expr[m.end():]]
    return [expr]


_MODIFIER = re.compile(r"^\s*(?:bool\b|(?:on|ignoring|group_left|group_right)\s*(?:\([^)]*\))?)\s*", re.I)


def _strip(operand):
    operand = operand.strip()
    while True:
        m = _MODIFIER.match(operand)
        if not m or m.end() == 0:
            break
        operand = operand[m.end():].strip()
    while operand.startswith("(") and operand.endswith(")") and _balanced(operand[1:-1]):
        operand = operand[1:-1].strip()
    return operand


def _balanced(s):
    depth = 0
    for c in s:
        depth += c in _OPEN
        depth -= c in _CLOSE
        if depth < 0:
            return False
    return depth == 0


def comparison_operands(expr):
    """Operands of the top-level comparisons of an alert expression (number literals left out)."""
    expr = _strip(" ".join(expr.split()))
    out = []
    for part in _split_keyword(expr, ["unless", "and", "or"]):
        for operand in _split_comparison(_strip(part)):
            operand = _strip(operand)
            if operand and not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", operand):
                out.append(operand)
    return out


# --- Prometheus HTTP API ---------------------------------------------------------------------------
def api(prom, path, **params):
    url = f"{prom}/api/v1/{path}" + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def query(prom, expr):
    """(error or None, samples [(labels, value)])."""
    try:
        body = api(prom, "query", query=expr)
    except urllib.error.HTTPError as e:
        try:
            return json.load(e).get("error", str(e)), []
        except Exception:
            return str(e), []
    except OSError as e:
        return str(e), []
    if body.get("status") != "success":
        return body.get("error", "query failed"), []
    data = body["data"]
    if data["resultType"] == "scalar":
        return None, [({}, float(data["result"][1]))]
    if data["resultType"] == "vector":
        return None, [(s["metric"], float(s["value"][1])) for s in data["result"]]
    return f"unexpected result type {data['resultType']}", []


def describe(samples):
    finite = [v for _, v in samples if math.isfinite(v)]
    if not samples:
        return "no data"
    if not finite:
        return f"{len(samples)} series, none finite"
    return f"{len(samples)} series, {len(finite)} finite (e.g. {finite[0]:.6g})"


def check(prom, dashboard, rules, fire, quiet):
    failures, n = [], 0
    for where, expr, label in dashboard_expressions(dashboard):
        n += 1
        err, samples = query(prom, expr)
        ok = err is None and any(math.isfinite(v) for _, v in samples)
        if ok and label:
            ok = any(label in m for m, _ in samples)
        print(f"{'ok  ' if ok else 'FAIL'} {where}: {err or describe(samples)}\n       {expr}")
        if not ok:
            failures.append(f"{where}: {err or describe(samples)}: {expr}")
    for name, expr in alert_rules(rules):
        n += 1
        err, samples = query(prom, expr)
        status = f"evaluates ({len(samples)} series firing now)" if err is None else f"error {err}"
        print(f"{'ok  ' if err is None else 'FAIL'} alert {name}: {status}")
        if err is not None:
            failures.append(f"alert {name}: does not evaluate: {err}")
        for operand in comparison_operands(expr):
            n += 1
            err, samples = query(prom, operand)
            ok = err is None and any(math.isfinite(v) for _, v in samples)
            print(f"  {'ok  ' if ok else 'FAIL'} operand: {err or describe(samples)}\n         {operand}")
            if not ok:
                failures.append(f"alert {name} operand: {err or describe(samples)}: {operand}")
    active = {a["labels"]["alertname"]: a["state"] for a in api(prom, "alerts")["data"]["alerts"]}
    print(f"active alerts: {json.dumps(active, sort_keys=True)}")
    for name in fire:
        if active.get(name) not in ("pending", "firing"):
            failures.append(f"alert {name} should be pending or firing under demo conditions; "
                            f"active: {sorted(active)}")
    for name in quiet:
        if name in active:
            failures.append(f"alert {name} should stay quiet on a healthy pipeline but is {active[name]}")
    print(f"{n} expressions evaluated, {len(failures)} failure(s)")
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


def wait(prom, expr, timeout_s):
    deadline, last = time.time() + timeout_s, "no answer"
    while time.time() < deadline:
        err, samples = query(prom, expr)
        last = err or describe(samples)
        if err is None and any(math.isfinite(v) and v > 0 for _, v in samples):
            return 0
        time.sleep(0.5)
    print(f"timed out after {timeout_s} s waiting for {expr} (last: {last})", file=sys.stderr)
    return 1


def main(argv):
    if len(argv) >= 4 and argv[0] == "wait":
        return wait(argv[1], argv[2], float(argv[3]))
    if len(argv) == 3 and argv[0] == "list":
        for where, expr, _ in dashboard_expressions(argv[1]):
            print(f"{where}: {expr}")
        for name, expr in alert_rules(argv[2]):
            print(f"alert {name}: {' '.join(expr.split())}")
            for operand in comparison_operands(expr):
                print(f"  operand: {operand}")
        return 0
    if len(argv) >= 4 and argv[0] == "check":
        fire, quiet, target = [], [], None
        for a in argv[4:]:
            if a in ("--fire", "--quiet"):
                target = fire if a == "--fire" else quiet
            elif target is not None:
                target.append(a)
            else:
                raise SystemExit(f"unexpected argument {a}")
        return check(argv[1], argv[2], argv[3], fire, quiet)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
