#!/usr/bin/env bash
# Analytics view latency: p50/p99 of queries on a view fed by CHANGES signed changes (default 5,000,000).
#   bench/views.sh [CHANGES]
# Starts its own ClickHouse under .tributary/bench-views (local binary), uses the real changelog DDL
# and view installer, and prints load rate and query latencies. Not a test; results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 512m ViewLatencyBenchmark "$@"
