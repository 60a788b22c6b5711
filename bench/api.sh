#!/usr/bin/env bash
# API benchmark: wrk against the shipped Sakila endpoints at 100 and 500 connections.
#   bench/api.sh                     (BENCH_DURATION=20s BENCH_CONNECTIONS="100 500" to change)
# Starts `tributary demo` (real MySQL + ClickHouse + Sakila + pipeline + API) in its own directory,
# waits for the snapshot, runs each scenario and prints throughput, p50/p99 latency, errors and the
# JVM's resident memory. Not a test: figures depend on the machine; record them in docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${BENCH_DURATION:-20s}"
connections="${BENCH_CONNECTIONS:-100 500}"
port="${BENCH_PORT:-18080}"
dir="$here/.tributary/bench-api"
"$here/.ci/setup" >&2
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
ulimit -n 65536 2>/dev/null || ulimit -n 4096
mkdir -p "$dir"
log="$dir/demo.log"
# The benchmark measures the API, not the rate limiter: lift the per-client limit for this run.
TRIBUTARY_API_PORT=$port TRIBUTARY_API_RATE_LIMIT=100000000 "$here/tributary" demo --dir "$dir" >"$log" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null; wait $demo 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "Tributary demo is running" "$log" && break
  kill -0 $demo 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
export TOKEN="$(cat "$dir/api-token")"
base="http://127.0.0.1:$port"
# Wait for the Sakila snapshot: every one of its 16 tables reported in /status.
for _ in $(seq 1 300); do
  n=$(curl -s -H "Authorization: Bearer $TOKEN" "$base/status" | grep -o '"table":' | wc -l || true)
  [ "$n" -ge 16 ] && break
  sleep 1
done
sleep 3
jvm=$(pgrep -f "tributary.jar demo --dir $dir" | head -1)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; MySQL, ClickHouse, pipeline+API and wrk on the same box"
echo "duration per run: $duration, wrk threads: 2 (1 for a single connection)"
printf '%-46s %6s %10s %9s %9s %9s %8s\n' scenario conns "req/s" p50 p90 p99 errors
run() {
  local name="$1" script="$2" path="$3" c
  for c in $connections; do
    out=$(wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"$duration" --timeout 10s --latency -s "$here/bench/$script" "$base$path" 2>&1)
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p50=$(awk '$1=="50%"{print $2}' <<<"$out")
    p90=$(awk '$1=="90%"{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
    sock=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' <<<"$out")
    printf '%-46s %6s %10s %9s %9s %9s %8s\n' "$name" "$c" "$rps" "$p50" "$p90" "$p99" "$(( ${non2xx:-0} + ${sock:-0} ))"
  done
}
# Warm-up (JIT, connection pools, ClickHouse caches); not reported.
wrk -t2 -c100 -d10s -s "$here/bench/auth.lua" "$base/api/v1/endpoints/film_search?rating=PG" >/dev/null 2>&1
wrk -t2 -c50 -d10s -s "$here/bench/customer-rentals.lua" "$base/" >/dev/null 2>&1
run "film_search?rating=PG (cached 60s)" auth.lua "/api/v1/endpoints/film_search?rating=PG"
run "top_films?category=Action (cached 10s)" auth.lua "/api/v1/endpoints/top_films?category=Action&limit=10"
connections_all="$connections"; connections=1
run "customer_rentals?customer_id=random (uncached)" customer-rentals.lua "/"
run "open_rentals?store_id=1 (uncached, 4-way join)" auth.lua "/api/v1/endpoints/open_rentals?store_id=1&limit=20"
connections="$connections_all"
run "customer_rentals?customer_id=random (uncached)" customer-rentals.lua "/"
run "open_rentals?store_id=1 (uncached, 4-way join)" auth.lua "/api/v1/endpoints/open_rentals?store_id=1&limit=20"
echo "pipeline+API JVM resident memory after the runs: $(( $(ps -o rss= -p "$jvm") / 1024 )) MiB"
