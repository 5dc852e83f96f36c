#!/usr/bin/env bash
# libFuzzer smoke run: builds fuzz/frame_fuzzer with clang (-fsanitize=fuzzer,address,undefined)
# in BIN/../fuzz-clang (incremental after the first run) and fuzzes the frame receive path for
# FUZZ_SECONDS (default 30) from the committed seed corpus. Any crash, leak, sanitizer report or
# oracle failure fails the test; the crashing input is kept in the work dir.
source "$(dirname "$0")/lib.sh"
SECONDS_TO_FUZZ=${FUZZ_SECONDS:-30}
command -v clang++ >/dev/null || fail "clang++ not found (deploy/setup.sh installs the Debian package clang)"
FB=$(cd "$BIN/.." && pwd)/fuzz-clang
t0=$SECONDS
cmake -S "$SRC" -B "$FB" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DDAQZ_BUILD_TESTS=OFF -DDAQZ_BUILD_BENCH=OFF -DDAQZ_BUILD_FUZZ=ON >"$WORK/configure.log" 2>&1 \
  || { tail -20 "$WORK/configure.log"; fail "configuring the clang fuzz build failed"; }
cmake --build "$FB" -j2 --target frame_fuzzer >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log"; fail "building frame_fuzzer failed"; }
echo "fuzzer built in $((SECONDS - t0)) s"
mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp "$SRC"/fuzz/corpus/* "$WORK/corpus/"
KEEP_WORK=0
if ! "$FB/bin/frame_fuzzer" -max_total_time="$SECONDS_TO_FUZZ" -rss_limit_mb=2048 -timeout=10 \
     -print_final_stats=1 -artifact_prefix="$WORK/artifacts/" "$WORK/corpus" >"$WORK/fuzz.log" 2>&1; then
  tail -40 "$WORK/fuzz.log"
  KEEP_WORK=1
  fail "frame_fuzzer found a problem (input in $WORK/artifacts)"
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$WORK/fuzz.log" | tail -4
echo "PASS"
