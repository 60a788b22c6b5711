#!/usr/bin/env bash
# Bulk-change benchmark: one UPDATE of every row of a ROWS-row table, then one DELETE of half of them.
#   bench/bulk-change.sh [ROWS=2000000]
# Starts its own MySQL and ClickHouse under .tributary/bench-bulk (local binaries), runs the pipeline with
# the tributary launcher's defaults and prints its RSS and the changes visible in ClickHouse every second,
# each statement's changes/s and whether both sides ended equal. Not a test; results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 512m BulkChangeBenchmark "$@"
