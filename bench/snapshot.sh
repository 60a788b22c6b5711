#!/usr/bin/env bash
# Snapshot readers side by side: the chunk engine, the locking reader and Debezium's snapshot on the
# same table in one run.   bench/snapshot.sh [ROWS=2000000] [READERS=chunked,locking,debezium]
# Starts its own MySQL and ClickHouse under .tributary/bench-snapshot; record results in docs/benchmarks.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 1g SnapshotReadersBenchmark "$@"
