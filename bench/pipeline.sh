#!/usr/bin/env bash
# Pipeline benchmark: snapshot rows/s, binlog catch-up events/s and commit-to-ClickHouse freshness.
#   bench/pipeline.sh [ROWS=2000000] [CHANGES=200000] [RATE=2000] [SECONDS=30]
# Starts its own MySQL and ClickHouse under .tributary/bench-pipeline (local binaries), runs the
# real jar as a separate process and prints the figures; freshness over time is plotted in
# .tributary/bench-pipeline/freshness.svg. Not a test; record results in docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
"$here/.ci/setup" >&2
mvn -B -q -o install -DskipTests -DskipITs 2>/dev/null || mvn -B -q install -DskipTests -DskipITs
mvn -B -q -pl app test-compile
cp="$here/app/target/tributary.jar:$here/app/target/test-classes"
exec java -Xmx1g -Duser.timezone=UTC -Dtributary.repo.root="$here" -cp "$cp" io.tributary.app.bench.PipelineBenchmark "$@"
