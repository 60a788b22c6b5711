#!/usr/bin/env bash
# Pipeline benchmark: snapshot rows/s, binlog catch-up events/s and commit-to-ClickHouse freshness.
#   bench/pipeline.sh [ROWS=2000000] [CHANGES=200000] [RATE=2000] [SECONDS=30]
# Starts its own MySQL and ClickHouse under .tributary/bench-pipeline (local binaries), runs the
# real jar as a separate process and prints the figures; freshness over time is plotted in
# .tributary/bench-pipeline/freshness.svg. Not a test; record results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 1g PipelineBenchmark "$@"
