#!/usr/bin/env bash
# Where the pipeline's CPU time goes: BENCH_JFR=1 bench/pipeline.sh records JFR profiles of the
# pipeline JVM (.tributary/bench-pipeline/run1.jfr snapshot, run2.jfr catch-up + freshness);
# this prints samples per thread and the hottest methods of one.   bench/profile.sh FILE.jfr [TOP]
exec "$(dirname "${BASH_SOURCE[0]}")/java-bench.sh" 512m JfrHotMethods "$@"
