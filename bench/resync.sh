#!/usr/bin/env bash
# Another table's freshness while `tributary resync` re-reads a big one, against its freshness just
# before, in one run.   bench/resync.sh [ROWS=2000000] [RATE=1000 rows/s] [SECONDS=20 before the resync]
# Starts its own MySQL and ClickHouse under .tributary/bench-resync; record results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 1g ResyncBenchmark "$@"
