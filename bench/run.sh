#!/usr/bin/env bash
# Weather Tweets benchmark: measures this machine's raw limits and our pipeline in ONE run, so every figure
# is compared with a limit measured minutes apart on the same box under the same background load.
#
#   bench/run.sh            full run (DURATION s per scenario, default 25) -> bench/RESULTS.md, bench/results.png,
#                           one line in bench/history.csv
#   bench/run.sh --smoke    a few seconds per scenario (CI): report under bench/target/smoke/, exit != 0 only when
#                           a step broke or a store is not exact; unmet speed targets are reported, not fatal
#   bench/run.sh --jmh      only the JMH micro-benchmarks of the hot paths
#
# Environment: DURATION, WARMUP (seconds), SERVICE_HEAP (default 256m), RABBITMQ_URI (default the local
# RabbitMQ). This script installs the tools and builds; the scenarios are bench's Benchmark class, which runs the
# system on the system-harness module (the fault suite's): private redis-server and valkey-server instances (so
# INFO commandstats counts only this run), Kafka embedded by the standalone launcher (--infra-only), the shared
# RabbitMQ with exchange/queue names unique to the run. Every process it starts is stopped on exit.
set -euo pipefail

MODE=full
for arg in "$@"; do
  case "$arg" in
    --smoke) MODE=smoke ;;
    --jmh) MODE=jmh ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $arg (use --smoke, --jmh or nothing)" >&2; exit 2 ;;
  esac
done

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$ROOT"
RUN_ID=$(date +%Y%m%d%H%M%S)-$$
if [ "$MODE" = smoke ]; then OUT=$BENCH/target/smoke; else OUT=$BENCH/target/run-$RUN_ID; fi
rm -rf "$OUT"; mkdir -p "$OUT/logs"
RESULTS=$OUT/results.properties
: > "$RESULTS"
FAILURES=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
put() { printf '%s=%s\n' "$1" "$2" >> "$RESULTS"; }
# Numbered after the scenarios' own failure lines, which Benchmark writes into the same file.
fail() { log "FAILED: $*"; FAILURES+=("$*"); put "failure.$(($(grep -c '^failure\.' "$RESULTS") + 1))" "$*"; }

# ---------------------------------------------------------------------------------------------------- tools
die() { fail "$*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
JAVA_HOME=$(pick_jdk) || { echo "No JDK >= 21 under /usr/lib/jvm" >&2; exit 1; }
export JAVA_HOME
JAVA=$JAVA_HOME/bin/java

APT_UPDATED=
apt_install() { # package command
  command -v "$2" >/dev/null 2>&1 && return 0
  log "installing $1 (apt)"
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq >/dev/null || true; APT_UPDATED=1; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

run_jmh() { # extra JMH options...
  log "JMH micro-benchmarks"
  "$JAVA" -cp "$BENCH_CP" org.openjdk.jmh.Main -rf json -rff "$OUT/jmh.json" "$@" > "$OUT/logs/jmh.log" 2>&1 \
    || { tail -30 "$OUT/logs/jmh.log" >&2; fail "JMH run"; }
  grep -E '^(Benchmark|[A-Za-z].*(thrpt|avgt))' "$OUT/logs/jmh.log" >&2 || true
}

if [ "$MODE" = jmh ]; then
  build
  run_jmh -f 1 -wi 3 -w 2s -i 5 -r 2s
  cp "$OUT/jmh.json" "$BENCH/target/jmh-latest.json"
  log "JMH results: $OUT/jmh.json (also bench/target/jmh-latest.json)"
  [ ${#FAILURES[@]} -eq 0 ]
  exit $?
fi

apt_install wrk wrk
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || apt_install redis-server redis-server
command -v redis-benchmark >/dev/null || apt_install redis-tools redis-benchmark
command -v valkey-server >/dev/null || { log "valkey-server is missing (see .ci/services.sh)"; exit 1; }
# nginx (Debian's nginx-light) is the trivial HTTP server of the limits; without it Benchmark uses the JDK's.
apt_install nginx-light nginx || log "nginx-light could not be installed: the HTTP limit uses the JDK's HttpServer"
# S4 is the course's Locust load; Debian's python3-locust (2.12) runs locust/locustfile.py.
apt_install python3-locust locust || log "python3-locust could not be installed: S4 falls back to loadgen -c 10"
build

# ------------------------------------------------------------------------------------------------ scenarios
# Limits, then S1 … S3 with the exactness checks; results.properties gets every figure, failure.N every failure.
if [ "$MODE" = smoke ]; then SCENARIOS=smoke; else SCENARIOS=full; fi
# In the background, so that Ctrl-C or SIGTERM reaches it here too: it stops its processes and deletes the run's
# queues, and nothing after it runs (a broken run must not replace the committed report).
# (Not through tool(): a function in the background is a subshell, and the signal would stop it, not the JVM.)
"$JAVA" -cp "$BENCH_CP" io.weathertweets.bench.Benchmark "$SCENARIOS" "$OUT" "$ROOT" "$RUN_ID" &
BENCH_PID=$!
INTERRUPTED=
trap 'INTERRUPTED=1; kill -TERM "$BENCH_PID" 2>/dev/null' INT TERM
while :; do
  SCENARIOS_STATUS=0
  wait "$BENCH_PID" || SCENARIOS_STATUS=$?
  kill -0 "$BENCH_PID" 2>/dev/null || break # still running: the wait ended for the signal
done
trap - INT TERM
if [ -n "$INTERRUPTED" ]; then log "interrupted; partial results in $OUT"; exit 130; fi
# Killed (or broken) before it could write a failure line of its own: say so.
if [ "$SCENARIOS_STATUS" != 0 ] && ! grep -q '^failure\.' "$RESULTS"; then
  fail "the scenarios ended with status $SCENARIOS_STATUS before reporting (logs: $OUT/logs)"
fi

# StateSerdeBenchmark compares two state formats for a design decision (bench/ANALYSIS.md); --jmh runs it.
if [ "$MODE" = smoke ]; then run_jmh -f 1 -wi 1 -w 1s -i 1 -r 1s -e StateSerdeBenchmark
else run_jmh -f 1 -wi 2 -w 2s -i 3 -r 2s -e StateSerdeBenchmark; fi

# ------------------------------------------------------------------------------------------------ report
# A full run that broke reports under its own directory, next to its logs, not over the committed report.
if [ "$MODE" = smoke ] || [ "$SCENARIOS_STATUS" != 0 ]; then REPORT_DIR=$OUT; HISTORY=$OUT/history.csv
else REPORT_DIR=$BENCH; HISTORY=$BENCH/history.csv; fi
tool Report "$RESULTS" "$OUT/jmh.json" "$REPORT_DIR/RESULTS.md" "$REPORT_DIR/results.png" "$HISTORY" || fail "report"
log "report: $REPORT_DIR/RESULTS.md"
if [ "$SCENARIOS_STATUS" != 0 ] || [ ${#FAILURES[@]} -gt 0 ]; then
  log "failures:"; sed -n 's/^failure\.[0-9]*=/  /p' "$RESULTS" >&2
  exit 1
fi
log "done (unmet speed targets, if any, are listed as met=no in the report)"
