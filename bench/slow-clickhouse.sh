#!/usr/bin/env bash
# Back-pressure benchmark: MySQL commits RATE rows/s throughout while ClickHouse runs only DUTY % of
# each second for SLOW_SECONDS (paused and resumed with SIGSTOP/SIGCONT; DUTY=0 stops it throughout).
#   bench/slow-clickhouse.sh [RATE=5000] [SLOW_SECONDS=60] [DUTY=10]
# Starts its own MySQL and ClickHouse under .tributary/bench-slow (local binaries), runs the pipeline with
# the tributary launcher's defaults and prints its RSS and ClickHouse's backlog every second, the time
# the backlog took to drain and whether both sides ended equal. Not a test; results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 512m SlowClickHouseBenchmark "$@"
