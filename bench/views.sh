#!/usr/bin/env bash
# Analytics view latency: p50/p99 of queries on a view fed by CHANGES signed changes (default 5,000,000).
#   bench/views.sh [CHANGES]
# Starts its own ClickHouse under .tributary/bench-views (local binary), uses the real changelog DDL
# and view installer, and prints load rate and query latencies. Not a test; results in docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
"$here/.ci/setup" >&2
mvn -B -q -o install -DskipTests -DskipITs 2>/dev/null || mvn -B -q install -DskipTests -DskipITs
mvn -B -q -pl app test-compile
cp="$here/app/target/tributary.jar:$here/app/target/test-classes"
exec java -Xmx512m -Duser.timezone=UTC -Dtributary.repo.root="$here" -cp "$cp" io.tributary.app.bench.ViewLatencyBenchmark "$@"
