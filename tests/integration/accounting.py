#!/usr/bin/env python3
"""Delivery accounting for the fault tests: was every record the sender saw acknowledged read back?

The promise is at-least-once: a record daqz-felix-sim saw acknowledged must later be readable with
`daqz decode`. This script compares, on keys (source, run, sequence), what the senders had
acknowledged with what decode wrote, and prints one line in the same format for every test:

  ACCOUNTING fault=NAME acknowledged=N readable=N distinct=N duplicates_stored=N key_conflicts=N
             extra=N compared=N lost=N

  acknowledged       messages felix-sim counted as acknowledged (its --json summaries, summed)
  readable           acknowledged messages found among decode's files (bit-exact where compared)
  distinct           distinct keys in the segments (decode's distinct_records)
  duplicates_stored  records stored more than once with the same key and payload (decode)
  key_conflicts      records stored under a key already used with another payload (decode)
  extra              stored keys no sender acknowledged (0 unless the folder holds other data)
  compared           messages compared bit for bit with felix-sim's --dump
  lost               acknowledged messages not readable: must be 0

Which keys were acknowledged: a felix-sim that exits with nothing unacknowledged had every message
it sent acknowledged, and it sends sequences 0..n-1 of its run (wedges under SOURCE, jet batches
under SOURCE-jets), so its summary (run, wedges_sent, jet_batches_sent) names the keys. Its --dump
folder, when given, holds the sent content for the bit-for-bit comparison (all of it, or the first
--dump-limit messages). A summary with unacknowledged messages is an error: which keys they are
cannot be told, so nothing could be promised about them.

Usage:
  accounting.py --fault NAME --decode decode.json --decoded DIR \
                --sim SUMMARY.json,SOURCE[,DUMP_DIR] [--sim ...] [--exactly-once]

--exactly-once also requires distinct == acknowledged keys, no key conflicts and nothing extra.
Exit code 0 when nothing is lost (and --exactly-once holds), 1 otherwise; errors name the keys.
"""
import argparse
import filecmp
import json
import os
import re
import sys


def stem(source, run, sequence):
    # The same rule as record_file_stem() in core/wire/record_key.h.
    return f"{source}_{sequence}" if run == 0 else f"{source}_r{run}_{sequence}"


def parse_sim(spec):
    parts = spec.split(",")
    if len(parts) not in (2, 3):
        raise SystemExit(f"--sim wants SUMMARY.json,SOURCE[,DUMP_DIR], got '{spec}'")
    with open(parts[0]) as f:
        lines = [line for line in f if line.startswith("{")]
    if not lines:
        raise SystemExit(f"no felix-sim --json summary in {parts[0]}")
    return json.loads(lines[-1]), parts[1], parts[2] if len(parts) == 3 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fault", required=True)
    ap.add_argument("--decode", required=True, help="daqz decode --json output")
    ap.add_argument("--decoded", required=True, help="daqz decode --out folder")
    ap.add_argument("--sim", action="append", required=True, help="SUMMARY.json,SOURCE[,DUMP_DIR]")
    ap.add_argument("--exactly-once", action="store_true")
    a = ap.parse_args()

    with open(a.decode) as f:
        decode = json.loads([line for line in f if line.startswith("{")][-1])
    stored = {}  # stem -> decoded files under that key (first payload, then .conflictK)
    conflict = re.compile(r"^(.*)\.conflict\d+$")
    for name in os.listdir(a.decoded):
        if not name.endswith(".npy"):
            continue
        base = name[:-4]
        m = conflict.match(base)
        stored.setdefault(m.group(1) if m else base, []).append(os.path.join(a.decoded, name))

    errors = []
    acknowledged = readable = compared = lost = 0
    acked_keys = set()
    for spec in a.sim:
        summary, source, dump = parse_sim(spec)
        sent = summary["wedges_sent"] + summary["jet_batches_sent"]
        if summary["unacknowledged"] != 0 or summary["acknowledged"] != sent:
            errors.append(f"{spec}: {summary['acknowledged']} of {sent} messages acknowledged "
                          f"({summary['unacknowledged']} unacknowledged): the acknowledged keys are unknown")
        acknowledged += summary["acknowledged"]
        run = summary["run"]
        keys = [stem(source, run, s) for s in range(summary["wedges_sent"])]
        keys += [stem(source + "-jets", run, s) for s in range(summary["jet_batches_sent"])]
        for k in keys:
            acked_keys.add(k)
            files = stored.get(k, [])
            sent_file = os.path.join(dump, k + ".npy") if dump else None
            if sent_file and os.path.exists(sent_file):
                compared += 1
                ok = any(filecmp.cmp(sent_file, f, shallow=False) for f in files)
            else:
                ok = bool(files)
            if ok:
                readable += 1
            else:
                lost += 1
                if lost <= 20:
                    why = "differs from what was sent" if files else "not in the segments"
                    errors.append(f"lost: {k} ({why})")

    extra = sorted(set(stored) - acked_keys)
    distinct = decode["distinct_records"]
    duplicates = decode["duplicate_records"]
    conflicts = decode["key_conflicts"]
    print(f"ACCOUNTING fault={a.fault} acknowledged={acknowledged} readable={readable} distinct={distinct} "
          f"duplicates_stored={duplicates} key_conflicts={conflicts} extra={len(extra)} compared={compared} "
          f"lost={lost}", flush=True)
    if decode.get("failed", 0):
        errors.append(f"decode failed on {decode['failed']} records")
    if a.exactly_once:
        if distinct != len(acked_keys):
            errors.append(f"exactly once: {distinct} distinct keys stored, {len(acked_keys)} acknowledged")
        if conflicts:
            errors.append(f"exactly once: {conflicts} key conflicts")
        if extra:
            errors.append(f"exactly once: {len(extra)} keys stored that nobody acknowledged, e.g. {extra[:3]}")
    for e in errors:
        print("ACCOUNTING ERROR: " + e, file=sys.stderr)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
