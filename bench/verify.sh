#!/usr/bin/env bash
# tributary verify on a big table: the pipeline snapshots bench.events (ROWS, default 10M) and its CPU is
# measured idle, then again (restored) with continuous verification unthrottled for 60 s; it stops, and
# verify runs with the launcher's 512 MiB heap, by chunk checksums and with --rows, beside the cost of
# reading both sides in key order.
#   bench/verify.sh [ROWS=10000000]
# Starts its own MySQL and ClickHouse under .tributary/bench-verify; record results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 1g VerifyBenchmark "$@"
