#!/bin/sh
# `make bench QUICK=1` as a test: the harness runs every row B1-B8 against innit and its
# peers and fails if a row was not produced. It checks that the numbers exist, not how
# good they are (benchmarks are not timed tests).
SUITE=bench
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
bench/run --quick >"$WORK/bench-quick.out" 2>&1
check quick-run "$WORK/bench-quick.out" "bench/run --quick failed or left a row empty"
