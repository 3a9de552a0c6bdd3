#!/usr/bin/env bash
# Fuzzes parindex-core with cargo fuzz (libFuzzer): each target for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS defaults to 600 per target; TARGET defaults to all seven:
#   criteria_loader  arbitrary bytes as criteria.toml (loaded, compiled, scored on an empty unit)
#   evidence_csv     arbitrary bytes as documents.csv of a fixed small set, then scored
#   evidence_facts   arbitrary bytes as facts.toml, then scored
#   evidence_stream  arbitrary bytes as a province-wide documents.csv: streamed = read whole
#   evidence_xlsx    arbitrary bytes as documents.xlsx (calamine sniffs xlsx/xls/xlsb/ods)
#   rule_eval        arbitrary UTF-8 as one row's rule, compiled and scored on fixed evidence
#   workbook         arbitrary bytes as an xlsx/ods/xls workbook (named after a table or not), read
#                    under a 512 MiB memory limit: the reader's bounds must hold it
#   rule_helpers     bytes as one helper call on extreme numbers and dates, scored on fixed evidence
# The entry points are in fuzz/harness.rs; after every successful score they also check the
# report's invariants (points within bounds, parents = sums, index in [0, 100]).
#
# JOBS targets run at once (default 2: this project's machines have 2 cores). Each run's log is
# fuzz/logs/<target>.log; the last lines of each (executions, crashes) are printed at the end.
# The corpus grows in fuzz/corpus/<target> (not committed), seeded from fuzz/seeds/<target>.
# A crash, timeout (> 10 s for one input) or out-of-memory (> 4 GiB) leaves its input in
# fuzz/artifacts/<target>/; the script then exits 1. To keep one as a regression, fix the bug and
# copy the input to fuzz/regressions/<target>/<name>: `cargo test -p parindex-core --test
# broken_input` replays every file there through the same entry point.
#
# cargo fuzz needs a nightly compiler for -Z flags; on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it run (set below). The build is release with debug assertions (-a, so integer overflow
# panics), without a sanitizer (-s none: parindex-core forbids unsafe code, and a sanitizer
# halves the executions); FUZZ_SANITIZER=address brings ASan back.
# Requires: cargo install cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${1:-600}"
shift || true
ALL=(criteria_loader evidence_csv evidence_facts evidence_stream evidence_xlsx rule_eval
    rule_helpers workbook)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
JOBS="${JOBS:-2}"
SANITIZER="${FUZZ_SANITIZER:-none}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi

declare -A MAX_LEN=([criteria_loader]=32768 [evidence_csv]=16384 [evidence_facts]=16384
    [evidence_stream]=16384 [evidence_xlsx]=131072 [rule_eval]=4096 [rule_helpers]=64
    [workbook]=131072)
declare -A DICT=([criteria_loader]=toml [evidence_csv]=csv [evidence_facts]=toml
    [evidence_stream]=csv [evidence_xlsx]=csv [rule_eval]=rhai [rule_helpers]=rhai [workbook]=csv)
# The memory limit of each target, in MiB: the workbook target checks the reader's bounds.
declare -A RSS=([workbook]=512)

# Build once, then run the binaries directly: a source change during the runs cannot rebuild
# (or break) a target halfway.
(cd fuzz && cargo fuzz build -s "$SANITIZER" -a)
BIN="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
mkdir -p fuzz/logs

run_one() {
    local t="$1"
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    echo "fuzzing $t for ${SECONDS_EACH}s (log: fuzz/logs/$t.log)"
    "$BIN/$t" "fuzz/corpus/$t" "fuzz/seeds/$t" \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb="${RSS[$t]:-4096}" \
        -max_len="${MAX_LEN[$t]}" -dict="fuzz/dicts/${DICT[$t]}.dict" \
        -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"fuzz/logs/$t.log" 2>&1 || true
}

running=0
for t in "${TARGETS[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

status=0
for t in "${TARGETS[@]}"; do
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/logs/$t.log" | grep -o '[0-9]*$' || echo "?")
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "fuzz/logs/$t.log" | tail -1)
    found=$(find "fuzz/artifacts/$t" -type f 2>/dev/null | wc -l)
    echo "$t: ${runs} executions in ${secs:-?}s, ${found} crash/timeout/oom input(s) in fuzz/artifacts/$t"
    if [ "$found" -gt 0 ]; then status=1; fi
done
exit "$status"
