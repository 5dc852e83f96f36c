#!/usr/bin/env bash
# The fault tests' accounting (accounting.py) must be able to fail: on made-up sender summaries,
# dumps and decode output it must count a missing record and a record whose content differs as
# lost (exit 1), accept a record found beside its key as a conflict file, and under --exactly-once
# refuse stored keys nobody acknowledged and a short distinct count. No service is started.
source "$(dirname "$0")/lib.sh"
ACCOUNTING="$LIB_DIR/accounting.py"
cd "$WORK"
mkdir sent decoded
RUN=1700000000000
for s in 0 1 2; do printf 'wedge %s' "$s" > "sent/src_r${RUN}_$s.npy"; cp "sent/src_r${RUN}_$s.npy" decoded/; done
printf 'jets 0' > "decoded/src-jets_r${RUN}_0.npy"
echo "{\"run\":$RUN,\"wedges_sent\":3,\"jet_batches_sent\":1,\"acknowledged\":4,\"unacknowledged\":0}" > sim.json
decode() { echo "{\"distinct_records\":$1,\"duplicate_records\":0,\"key_conflicts\":${2:-0},\"failed\":0}" > decode.json; }
run() { python3 "$ACCOUNTING" --fault selftest --decode decode.json --decoded decoded --sim "sim.json,src,sent" "$@"; }

decode 4
out=$(run --exactly-once) || fail "a complete store was not accepted: $out"
echo "$out"
[[ $out == *"acknowledged=4 readable=4 distinct=4 duplicates_stored=0 key_conflicts=0 extra=0 compared=3 lost=0"* ]] \
  || fail "unexpected accounting: $out"

rm "decoded/src_r${RUN}_1.npy"; decode 3
if out=$(run 2>&1); then fail "a missing record was not counted as lost: $out"; fi
[[ $out == *"lost=1"* && $out == *"lost: src_r${RUN}_1 (not in the segments)"* ]] || fail "missing record: $out"

printf 'other' > "decoded/src_r${RUN}_1.npy"; decode 4
if out=$(run 2>&1); then fail "a record with other content was not counted as lost: $out"; fi
[[ $out == *"lost=1"* && $out == *"differs from what was sent"* ]] || fail "changed record: $out"

cp "sent/src_r${RUN}_1.npy" "decoded/src_r${RUN}_1.conflict1.npy"; decode 4 1
out=$(run) || fail "a record stored beside a conflicting one was not found: $out"
if out=$(run --exactly-once 2>&1); then fail "--exactly-once accepted a key conflict: $out"; fi

rm "decoded/src_r${RUN}_1.conflict1.npy"; cp "sent/src_r${RUN}_1.npy" decoded/
printf 'x' > "decoded/other_r${RUN}_0.npy"; decode 5
if out=$(run --exactly-once 2>&1); then fail "--exactly-once accepted a key nobody acknowledged: $out"; fi
[[ $out == *"extra=1"* ]] || fail "extra key: $out"

rm "decoded/other_r${RUN}_0.npy"
echo "{\"run\":$RUN,\"wedges_sent\":3,\"jet_batches_sent\":1,\"acknowledged\":3,\"unacknowledged\":1}" > sim.json
decode 4
if out=$(run 2>&1); then fail "a sender with unacknowledged messages was accepted: $out"; fi
echo PASS
