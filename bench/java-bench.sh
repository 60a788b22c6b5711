#!/usr/bin/env bash
# Shared by the Java benchmarks: installs what they need, builds the jar and the benchmark classes,
# then runs one of them.   bench/java-bench.sh HEAP CLASS [ARGS...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
heap="$1"; main="$2"; shift 2
"$here/.ci/setup" >&2
mvn -B -q -o install -DskipTests -DskipITs 2>/dev/null || mvn -B -q install -DskipTests -DskipITs
mvn -B -q -pl app test-compile
cp="$here/app/target/tributary.jar:$here/app/target/test-classes"
exec java "-Xmx$heap" -Duser.timezone=UTC -Dtributary.repo.root="$here" -cp "$cp" "io.tributary.app.bench.$main" "$@"
