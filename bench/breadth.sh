#!/usr/bin/env bash
# Breadth benchmark: a new pipeline over schemas of many small tables (four shapes, three rows each).
#   bench/breadth.sh [COUNTS=100,1000,3000]
# Starts its own MySQL and ClickHouse under .tributary/bench-breadth (local binaries) and prints, per table count,
# the snapshot's structure read and global-lock hold time, the snapshot read time, process start to every view
# filled, an ADD COLUMN on a tenth of the tables (no row follows) until every view has it, and RSS.
# Not a test; results in docs/scaling.md.
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 512m BreadthBenchmark "$@"
