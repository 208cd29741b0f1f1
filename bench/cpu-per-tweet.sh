#!/usr/bin/env bash
# CPU per single tweet, per service, at a FIXED rate: the figure the S1 analysis reasons with (µs of CPU each JVM
# spends per accepted fan-out tweet), measured so that two builds can be compared in one window.
#
#   bench/cpu-per-tweet.sh [VARIANT_DIR...]
#
# A VARIANT_DIR holds ingress.jar and gateway.jar (exec jars, or symbolic links to them) and optionally ingress.args,
# gateway.args and streams.args (one extra argument per line, e.g. --some.property=value); without one, the jars
# under */target are "current".
# Kafka (embedded by the standalone launcher), private redis/valkey and the rabbit-bridge run once; per round and
# variant the streams-app (its state kept), the two gateways and the ingress start (the ingress and the gateways from
# that variant's jars), get WARMUP_TWEETS single tweets as fast as they are accepted (32 in flight), then DURATION s
# of loadgen http-single at RATE tweets/s while each service's utime+stime (/proc/<pid>/stat) is read before and after. The table gives µs per accepted tweet per
# service WITHOUT the JIT compiler threads (/proc/<pid>/task/*): on two cores shared by seven JVMs, C2 still used
# ~40 % of the ingress's CPU after 30,000 warm-up requests, a start-up cost that would otherwise swamp any
# per-request difference; jit_us gives it for all services together. Variants alternate (A B A B ... for ROUNDS
# rounds) so drift on a shared machine hits both. The last two columns are the Kafka path's freshness in the window
# (the streams-app's weather_e2e_latency_seconds: the newest tweet of each update it writes; needs bench's classes).
# With JFR=1 every service records a JFR window (settings=profile) over each measured window; the hot
# methods land in OUT/<round>-<variant>-<service>.hot.txt.
#
# Environment: RATE (400), WARMUP_TWEETS (40000), DURATION (30), ROUNDS (2), ROUTING (fanout), JFR (0), SERVICE_HEAP (256m),
# RABBITMQ_URI. Output: a table on stdout and OUT/results.tsv (OUT is bench/target/cpu-<timestamp>).
# Heavy: on a shared machine run it under the build lock, e.g. `flock /tmp/build.lock bench/cpu-per-tweet.sh A B`.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$ROOT"
RATE=${RATE:-400}; WARMUP_TWEETS=${WARMUP_TWEETS:-40000}; DURATION=${DURATION:-30}; ROUNDS=${ROUNDS:-2}; ROUTING=${ROUTING:-fanout}
JFR=${JFR:-0}; SERVICE_HEAP=${SERVICE_HEAP:-256m}
RABBITMQ_URI=${RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672}
RUN_ID=$(date +%Y%m%d%H%M%S)-$$
OUT=$BENCH/target/cpu-$RUN_ID
mkdir -p "$OUT/logs"
log() { printf '[cpu %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
JAVA_HOME=$(pick_jdk) || die "No JDK >= 21 under /usr/lib/jvm"
JAVA=$JAVA_HOME/bin/java
STREAMS_JAR=$(exec_jar streams-app); BRIDGE_JAR=$(exec_jar rabbit-bridge); LOADGEN_JAR=$(exec_jar loadgen)

VARIANTS=()
if [ $# -eq 0 ]; then
  mkdir -p "$OUT/current"
  ln -s "$ROOT/$(exec_jar ingress)" "$OUT/current/ingress.jar"
  ln -s "$ROOT/$(exec_jar grpc-gateway)" "$OUT/current/gateway.jar"
  set -- "$OUT/current"
fi
for dir in "$@"; do
  [ -f "$dir/ingress.jar" ] && [ -f "$dir/gateway.jar" ] || { echo "$dir: needs ingress.jar and gateway.jar" >&2; exit 2; }
  VARIANTS+=("$(cd "$dir" && pwd)")
done

cleanup() {
  local status=$?
  set +e
  stop_all
  # The bridge's queues live in the shared RabbitMQ; the (unbound, empty) exchanges are left.
  for queue in "${QUEUE:-}" "${QUEUE:+$QUEUE.dlq}"; do
    [ -n "$queue" ] && timeout 30 rabbitmqctl -q delete_queue "$queue" >/dev/null 2>&1
  done
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
read -r REDIS_PORT VALKEY_PORT KAFKA_PORT KAFKA_CTRL_PORT INGRESS_PORT GK_GRPC GK_HTTP GR_GRPC GR_HTTP STREAMS_HTTP \
  BRIDGE_HTTP <<< "$(free_ports 11)"
PREFIX=cpu-$RUN_ID; EXCHANGE=cpu.$RUN_ID.tweets; QUEUE=cpu.$RUN_ID.bridge
REDIS_URL=redis://127.0.0.1:$REDIS_PORT; VALKEY_URL=redis://127.0.0.1:$VALKEY_PORT
SVC_JVM=(-Xmx"$SERVICE_HEAP" -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED)

log "output: $OUT; $RATE tweets/s ($ROUTING), warm-up $WARMUP_TWEETS tweets, window $DURATION s, $ROUNDS round(s) of ${#VARIANTS[@]} variant(s)"
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT"
start valkey valkey-server --port "$VALKEY_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT"
start_kafka "$KAFKA_PORT" "$KAFKA_CTRL_PORT" "$OUT/kafka-data"

start bridge env RABBITMQ_URI="$RABBITMQ_URI" VALKEY_URL="$VALKEY_URL" \
  "$JAVA" "${SVC_JVM[@]}" -jar "$BRIDGE_JAR" --server.port="$BRIDGE_HTTP" \
  --weather.store.prefix="$PREFIX" --weather.rabbit.exchange="$EXCHANGE" --weather.rabbit.queue="$QUEUE" \
  --weather.rabbit.dead-letter-exchange="$EXCHANGE.dlx" --weather.rabbit.dead-letter-queue="$QUEUE.dlq"

extra_args() { # file -> one argument per line, none when the file is missing
  EXTRA=(); [ -f "$1" ] && mapfile -t EXTRA < <(grep -v '^\s*$' "$1"); return 0
}
start_variant() { # dir
  extra_args "$1/streams.args"
  start streams env SERVER_PORT="$STREAMS_HTTP" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" REDIS_URL="$REDIS_URL" \
    STREAMS_STATE_DIR="$OUT/streams-state" WEATHER_STORE_PREFIX="$PREFIX" STREAMS_APPLICATION_ID="cpu-$RUN_ID" \
    "$JAVA" "${SVC_JVM[@]}" -jar "$STREAMS_JAR" ${EXTRA[@]+"${EXTRA[@]}"}
  extra_args "$1/gateway.args"
  start gateway-kafka env GATEWAY_SINK=kafka GRPC_PORT="$GK_GRPC" SERVER_PORT="$GK_HTTP" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" \
    "$JAVA" "${SVC_JVM[@]}" -jar "$1/gateway.jar" ${EXTRA[@]+"${EXTRA[@]}"}
  start gateway-rabbit env GATEWAY_SINK=rabbit GRPC_PORT="$GR_GRPC" SERVER_PORT="$GR_HTTP" RABBITMQ_URI="$RABBITMQ_URI" \
    "$JAVA" "${SVC_JVM[@]}" -jar "$1/gateway.jar" --weather.rabbit.exchange="$EXCHANGE" ${EXTRA[@]+"${EXTRA[@]}"}
  wait_ready gateway-kafka "http://127.0.0.1:$GK_HTTP/actuator/health/readiness" 300
  wait_ready gateway-rabbit "http://127.0.0.1:$GR_HTTP/actuator/health/readiness" 300
  wait_ready streams "http://127.0.0.1:$STREAMS_HTTP/actuator/health/readiness" 300
  wait_ready bridge "http://127.0.0.1:$BRIDGE_HTTP/actuator/health/readiness" 300
  extra_args "$1/ingress.args"
  start ingress env INGRESS_PORT="$INGRESS_PORT" INGRESS_ROUTING="$ROUTING" INGRESS_RATE_LIMIT=0 \
    KAFKA_GATEWAY_TARGET="127.0.0.1:$GK_GRPC" RABBIT_GATEWAY_TARGET="127.0.0.1:$GR_GRPC" REDIS_URL="$REDIS_URL" \
    VALKEY_URL="$VALKEY_URL" WEATHER_STORE_PREFIX="$PREFIX" "$JAVA" "${SVC_JVM[@]}" -jar "$1/ingress.jar" ${EXTRA[@]+"${EXTRA[@]}"}
  wait_ready ingress "http://127.0.0.1:$INGRESS_PORT/actuator/health/readiness" 300
}
LOADGEN=("$JAVA" -jar "$LOADGEN_JAR" --mode=http-single
  --url="http://127.0.0.1:$INGRESS_PORT" -c 32 --no-progress --json)
SERVICES=(ingress gateway-kafka gateway-rabbit streams bridge)
PROFILED=(ingress gateway-kafka gateway-rabbit streams bridge)

printf 'round\tvariant\taccepted\tfailed\trate\tp50_ms\tp99_ms' > "$OUT/results.tsv"
printf '\t%s_us' "${SERVICES[@]}" >> "$OUT/results.tsv"
printf '\ttotal_us\tjit_us\te2e_kafka_p50_ms\te2e_kafka_p99_ms\n' >> "$OUT/results.tsv"
# The Kafka path's freshness over the window: the streams-app's weather_e2e_latency_seconds histogram, before and after.
streams_metrics() { curl -fs --max-time 5 "http://127.0.0.1:$STREAMS_HTTP/actuator/prometheus" > "$1" || true; }
e2e_kafka() { # before after -> "p50 p99" in ms
  tool HistogramDelta "$1" "$2" weather_e2e_latency_seconds 'path="kafka"' | sed -E 's/.*p50_ms=([^ ]+).*p99_ms=([^ ]+).*/\1 \2/'
}
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    name=$(basename "$variant"); tag=$round-$name
    log "round $round, variant $name: starting the streams-app, the gateways and the ingress"
    start_variant "$variant"
    "${LOADGEN[@]}" --rate=0 -n "$WARMUP_TWEETS" > "$OUT/$tag-warm.json" 2> "$OUT/logs/$tag-warm.err" || true
    if [ "$JFR" = 1 ]; then
      for svc in "${PROFILED[@]}"; do
        "$JAVA_HOME/bin/jcmd" "${PID[$svc]}" JFR.start name=cpu settings=profile >/dev/null 2>&1 || true
      done
    fi
    streams_metrics "$OUT/$tag-streams-before.txt"
    declare -A T0=() J0=()
    for svc in "${SERVICES[@]}"; do T0[$svc]=$(ticks "${PID[$svc]}"); J0[$svc]=$(jit_ticks "${PID[$svc]}"); done
    "${LOADGEN[@]}" --rate="$RATE" -n $((RATE * DURATION)) > "$OUT/$tag.json" 2> "$OUT/logs/$tag.err" || true
    line="$round	$name"
    accepted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$OUT/$tag.json")
    read -r failed rate p50 p99 < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
print(r["failed"]+r["rejected"], round(r["tweetsPerSecond"]), r["latency"]["p50Ms"], r["latency"]["p99Ms"])' "$OUT/$tag.json")
    line+="	$accepted	$failed	$rate	$p50	$p99"
    total=0; jit=0
    for svc in "${SERVICES[@]}"; do
      j=$(( $(jit_ticks "${PID[$svc]}") - J0[$svc] )); [ "$j" -ge 0 ] || j=0  # a compiler thread may have exited
      us=$(( ($(ticks "${PID[$svc]}") - T0[$svc] - j) * 1000000 / CLK_TCK / (accepted > 0 ? accepted : 1) ))
      total=$((total + us)); jit=$((jit + j)); line+="	$us"
    done
    streams_metrics "$OUT/$tag-streams-after.txt"
    read -r e2e50 e2e99 < <(e2e_kafka "$OUT/$tag-streams-before.txt" "$OUT/$tag-streams-after.txt")
    echo "$line	$total	$(( jit * 1000000 / CLK_TCK / (accepted > 0 ? accepted : 1) ))	$e2e50	$e2e99" >> "$OUT/results.tsv"
    log "$(tail -1 "$OUT/results.tsv")"
    if [ "$JFR" = 1 ]; then
      for svc in "${PROFILED[@]}"; do
        "$JAVA_HOME/bin/jcmd" "${PID[$svc]}" JFR.stop name=cpu filename="$OUT/$tag-$svc.jfr" >/dev/null 2>&1 \
          && "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$OUT/$tag-$svc.jfr" > "$OUT/$tag-$svc.hot.txt" 2>&1 || true
      done
    fi
    stop ingress; stop gateway-kafka; stop gateway-rabbit; stop streams
  done
done
column -t -s $'\t' "$OUT/results.tsv"
log "results: $OUT/results.tsv"
