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
# RabbitMQ), KEEP_LOGS. Everything runs on this machine: private redis-server and valkey-server instances (so
# INFO commandstats counts only this run), Kafka embedded by the standalone launcher (--infra-only), the shared
# RabbitMQ with exchange/queue names unique to the run. Every process started here is stopped on exit.
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
if [ "$MODE" = smoke ]; then
  DURATION=${DURATION:-4}; WARMUP=${WARMUP:-2}; COURSE_REQUESTS=${COURSE_REQUESTS:-1000}
  KAFKA_LIMIT_RECORDS=300000; REDIS_N=100000; VERIFY_TIMEOUT=60
  OUT=$BENCH/target/smoke
else
  # Five JVMs compiling on 2 cores under load take ~60-90 s to reach steady throughput (single tweets: 420 req/s in
  # the first 10 s, 3,100 after 60 s, 3,500 after 90 s); the figures are meant to be steady-state ones.
  DURATION=${DURATION:-25}; WARMUP=${WARMUP:-60}; COURSE_REQUESTS=${COURSE_REQUESTS:-10000}
  KAFKA_LIMIT_RECORDS=3000000; REDIS_N=1000000; VERIFY_TIMEOUT=120
  OUT=$BENCH/target/run-$RUN_ID
fi
SERVICE_HEAP=${SERVICE_HEAP:-256m}
# No path = the default vhost "/" for both amqp-client and Spring (a bare trailing slash means vhost "" to amqp-client).
RABBITMQ_URI=${RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672}
rm -rf "$OUT"; mkdir -p "$OUT/logs"
RESULTS=$OUT/results.properties
: > "$RESULTS"
FAILURES=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
put() { printf '%s=%s\n' "$1" "$2" >> "$RESULTS"; }
fail() { log "FAILED: $*"; FAILURES+=("$*"); put "failure.${#FAILURES[@]}" "$*"; }

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

build() {
  local module missing=
  for module in ingress grpc-gateway streams-app rabbit-bridge loadgen standalone; do
    have_exec_jar "$module" || missing=1
  done
  if [ -n "$missing" ]; then
    log "building the services (./mvnw install -DskipTests)"
    ./mvnw -q -B -ntp install -DskipTests
  fi
  if [ ! -d bench/target/lib ] || [ ! -f bench/target/classes/META-INF/BenchmarkList ]; then
    log "building bench"
    ./mvnw -q -B -ntp -f bench/pom.xml package -DskipTests
  fi
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
command -v jq >/dev/null || apt_install jq jq
# S4 is the course's Locust load; Debian's python3-locust (2.12) runs locust/locustfile.py.
apt_install python3-locust locust || log "python3-locust could not be installed: S4 falls back to loadgen -c 10"
build
INGRESS_JAR=$(exec_jar ingress); GATEWAY_JAR=$(exec_jar grpc-gateway); STREAMS_JAR=$(exec_jar streams-app)
BRIDGE_JAR=$(exec_jar rabbit-bridge); LOADGEN_JAR=$(exec_jar loadgen)

# ---------------------------------------------------------------------------------------------- processes
cleanup() {
  local status=$?
  set +e
  [ -n "${SAMPLER_PID:-}" ] && kill "$SAMPLER_PID" 2>/dev/null
  stop_all ingress gateway-kafka gateway-rabbit streams bridge http-limit course-consumer kafka redis valkey redis-course
  if [ -n "${EXCHANGE:-}" ] && [ -d "$BENCH/target/lib" ]; then
    tool RabbitAdmin "$RABBITMQ_URI" delete "queue:$QUEUE" "queue:$QUEUE.dlq" "queue:$COURSE_QUEUE" \
      "queue:bench-limit-$RUN_ID" "exchange:$EXCHANGE" "exchange:$EXCHANGE.dlx" >/dev/null 2>&1
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r REDIS_PORT VALKEY_PORT COURSE_REDIS_PORT KAFKA_PORT KAFKA_CTRL_PORT HTTP_LIMIT_PORT INGRESS_PORT \
  GK_GRPC GK_HTTP GR_GRPC GR_HTTP STREAMS_HTTP BRIDGE_HTTP <<< "$(free_ports 13)"
PREFIX=bench-$RUN_ID
EXCHANGE=bench.$RUN_ID.tweets
QUEUE=bench.$RUN_ID.bridge
COURSE_QUEUE=bench.$RUN_ID.course
put mode "$MODE"; put run_id "$RUN_ID"; put date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
put duration_s "$DURATION"; put warmup_s "$WARMUP"; put service_heap "$SERVICE_HEAP"
# The streams-app's commit interval bounds how much longer than the sampled newest tweet an older one waited.
put streams.commit_interval_ms "$(sed -n 's/.*commit.interval.ms: .*:\([0-9]*\)}.*/\1/p' streams-app/src/main/resources/streams.yml)"
put machine "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
put loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"

log "output: $OUT"
# Private stores: commandstats then count this run only. Same persistence as the shared servers (none).
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT"
start valkey valkey-server --port "$VALKEY_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT"
start redis-course redis-server --port "$COURSE_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT"
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
VALKEY_URL=redis://127.0.0.1:$VALKEY_PORT
for port in "$REDIS_PORT" "$VALKEY_PORT" "$COURSE_REDIS_PORT"; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

log "Kafka (standalone --infra-only, only Kafka embedded)"
start_kafka "$KAFKA_PORT" "$KAFKA_CTRL_PORT" "$OUT/kafka-data"

# ------------------------------------------------------------------------------------------- raw limits
WRK=(wrk -t2 -c64 --timeout 10s)
wrk_run() { # seconds lua url outfile
  "${WRK[@]}" -d"$1"s -s "$2" "$3" > "$4" 2>&1 || { cat "$4" >&2; fail "wrk $3"; }
}
val() { sed -n "s/^$1=//p" "$2" | tail -1; }

# nginx (Debian's nginx-light) answering 202 is the trivial server; the JDK's HttpServer is the fallback where
# nginx cannot be installed (it is several times slower, which would flatter the ratios: the report says which).
if command -v nginx >/dev/null 2>&1 || apt_install nginx-light nginx 2>/dev/null; then
  mkdir -p "$OUT/nginx"
  cat > "$OUT/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/logs/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx/body;
  proxy_temp_path $OUT/nginx/proxy;
  fastcgi_temp_path $OUT/nginx/fastcgi;
  uwsgi_temp_path $OUT/nginx/uwsgi;
  scgi_temp_path $OUT/nginx/scgi;
  server { listen 127.0.0.1:$HTTP_LIMIT_PORT; location / { return 202; } }
}
EOF
  log "limit: trivial HTTP POST (nginx return 202, 2 workers), wrk -t2 -c64"
  put limit.http_server "nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'), return 202, 2 workers"
  start http-limit nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
else
  log "limit: trivial HTTP POST (JDK HttpServer: nginx not installable), wrk -t2 -c64"
  put limit.http_server "JDK HttpServer (nginx not installable), 4 threads"
  start http-limit "$JAVA" -Xmx256m -cp "$BENCH_CP" io.weathertweets.bench.TrivialHttpServer "$HTTP_LIMIT_PORT" 4
fi
for _ in $(seq 1 50); do curl -fs -XPOST -d '{}' "http://127.0.0.1:$HTTP_LIMIT_PORT/" && break; sleep 0.2; done
wrk_run "$(( WARMUP < 10 ? WARMUP : 10 ))" bench/wrk/tweet.lua "http://127.0.0.1:$HTTP_LIMIT_PORT/api/tweet" "$OUT/limit-http-warm.txt"
wrk_run "$DURATION" bench/wrk/tweet.lua "http://127.0.0.1:$HTTP_LIMIT_PORT/api/tweet" "$OUT/limit-http.txt"
put limit.http "$(val ok_per_s "$OUT/limit-http.txt")"; put limit.http_p99_ms "$(val p99_ms "$OUT/limit-http.txt")"
stop http-limit

log "limit: Kafka ProducerPerformance, $KAFKA_LIMIT_RECORDS x 70 B, acks=all, idempotent, linger.ms=5"
"$JAVA" -cp "$BENCH_CP" org.apache.kafka.tools.ProducerPerformance --topic "bench-limit-$RUN_ID" \
  --num-records "$KAFKA_LIMIT_RECORDS" --record-size 70 --throughput -1 \
  --producer-props bootstrap.servers="$KAFKA" acks=all enable.idempotence=true linger.ms=5 \
  > "$OUT/limit-kafka.txt" 2>&1 || { tail -20 "$OUT/limit-kafka.txt" >&2; fail "ProducerPerformance"; }
put limit.kafka "$(grep 'records sent' "$OUT/limit-kafka.txt" | tail -1 | sed -E 's/.*records sent, ([0-9.]+) records\/sec.*/\1/')"

log "limit: RabbitMQ persistent + confirms + manual ack, quorum queue"
tool RabbitLimit "$RABBITMQ_URI" "bench-limit-$RUN_ID" "$DURATION" > "$OUT/limit-rabbit.txt" 2>&1 \
  || { tail -20 "$OUT/limit-rabbit.txt" >&2; fail "RabbitMQ limit"; }
put limit.rabbit "$(val rate "$OUT/limit-rabbit.txt")"

log "limit: redis-benchmark SET/HSET, plain and -P 64 (private redis, --dbnum 9)"
redis-benchmark -p "$REDIS_PORT" --dbnum 9 -r 100000 -n "$REDIS_N" -c 50 -t set,hset --csv > "$OUT/limit-redis.csv" 2>&1 \
  || fail "redis-benchmark"
redis-benchmark -p "$REDIS_PORT" --dbnum 9 -r 100000 -n $((REDIS_N * 4)) -c 50 -P 64 -t set,hset --csv \
  > "$OUT/limit-redis-p64.csv" 2>&1 || fail "redis-benchmark -P 64"
redis-cli -p "$REDIS_PORT" -n 9 flushdb >/dev/null
rb() { awk -F'"' -v t="$1" '$2==t {print $4}' "$2" | head -1; }
put limit.redis_set "$(rb SET "$OUT/limit-redis.csv")"; put limit.redis_hset "$(rb HSET "$OUT/limit-redis.csv")"
put limit.redis_set_p64 "$(rb SET "$OUT/limit-redis-p64.csv")"; put limit.redis_hset_p64 "$(rb HSET "$OUT/limit-redis-p64.csv")"
redis-cli -p "$REDIS_PORT" config resetstat >/dev/null

# ---------------------------------------------------------------------------------------------- pipeline
# JFR (profile settings, ~1-2 % overhead) runs in every service so that a missed target can be explained by
# where the CPU went: hot methods per service land in $OUT/profile-<service>.txt.
SVC_JVM=(-Xmx"$SERVICE_HEAP" -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED
  -XX:StartFlightRecording=name=bench,settings=profile,maxsize=200m)
declare -A HTTP_PORT=([ingress]=$INGRESS_PORT [gateway-kafka]=$GK_HTTP [gateway-rabbit]=$GR_HTTP [streams]=$STREAMS_HTTP [bridge]=$BRIDGE_HTTP)
SERVICES=(ingress gateway-kafka gateway-rabbit streams bridge)

start_ingress() { # routing
  # All load comes from one address here: the per-client rate limit (2000/s by default) would measure itself.
  start ingress env INGRESS_PORT="$INGRESS_PORT" INGRESS_ROUTING="$1" INGRESS_RATE_LIMIT=0 KAFKA_GATEWAY_TARGET="127.0.0.1:$GK_GRPC" \
    RABBIT_GATEWAY_TARGET="127.0.0.1:$GR_GRPC" REDIS_URL="$REDIS_URL" VALKEY_URL="$VALKEY_URL" \
    "$JAVA" "${SVC_JVM[@]}" -jar "$INGRESS_JAR" --weather.stores.prefix="$PREFIX"
  wait_ready ingress "http://127.0.0.1:$INGRESS_PORT/actuator/health/readiness" 300
}

log "services: gateways (kafka, rabbit), streams-app, rabbit-bridge, ingress — one JVM each, heap $SERVICE_HEAP"
start gateway-kafka env GATEWAY_SINK=kafka GRPC_PORT="$GK_GRPC" SERVER_PORT="$GK_HTTP" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" \
  "$JAVA" "${SVC_JVM[@]}" -jar "$GATEWAY_JAR"
start gateway-rabbit env GATEWAY_SINK=rabbit GRPC_PORT="$GR_GRPC" SERVER_PORT="$GR_HTTP" RABBITMQ_URI="$RABBITMQ_URI" \
  "$JAVA" "${SVC_JVM[@]}" -jar "$GATEWAY_JAR" --weather.rabbit.exchange="$EXCHANGE"
start streams env SERVER_PORT="$STREAMS_HTTP" KAFKA_BOOTSTRAP_SERVERS="$KAFKA" REDIS_URL="$REDIS_URL" \
  STREAMS_STATE_DIR="$OUT/streams-state" WEATHER_STORE_PREFIX="$PREFIX" STREAMS_APPLICATION_ID="bench-$RUN_ID" \
  "$JAVA" "${SVC_JVM[@]}" -jar "$STREAMS_JAR"
start bridge env RABBITMQ_URI="$RABBITMQ_URI" VALKEY_URL="$VALKEY_URL" \
  "$JAVA" "${SVC_JVM[@]}" -jar "$BRIDGE_JAR" --server.port="$BRIDGE_HTTP" \
  --weather.store.prefix="$PREFIX" --weather.rabbit.exchange="$EXCHANGE" --weather.rabbit.queue="$QUEUE" \
  --weather.rabbit.dead-letter-exchange="$EXCHANGE.dlx" --weather.rabbit.dead-letter-queue="$QUEUE.dlq"
wait_ready gateway-kafka "http://127.0.0.1:$GK_HTTP/actuator/health/readiness" 300
wait_ready gateway-rabbit "http://127.0.0.1:$GR_HTTP/actuator/health/readiness" 300
wait_ready streams "http://127.0.0.1:$STREAMS_HTTP/actuator/health/readiness" 300
wait_ready bridge "http://127.0.0.1:$BRIDGE_HTTP/actuator/health/readiness" 300
start_ingress fanout

# Heap sampler: peak used heap per service and scenario (Micrometer's jvm_memory_used_bytes, area="heap").
(
  set +e +o pipefail  # a service restarting (the ingress between S1 and S2) must not end the sampler
  while true; do
    for svc in "${SERVICES[@]}"; do
      heap=$(curl -fs --max-time 5 "http://127.0.0.1:${HTTP_PORT[$svc]}/actuator/prometheus" 2>/dev/null \
        | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF; n++} END {if (n) printf "%.0f", s}')
      [ -n "$heap" ] && echo "$(date +%s) $svc $heap"
    done
    sleep 2
  done
) > "$OUT/heap-samples.txt" 2>/dev/null &
SAMPLER_PID=$!

prom() { curl -fs --max-time 5 "http://127.0.0.1:${HTTP_PORT[$1]}/actuator/prometheus" || true; }
prom_sum() { # service metric-regex
  prom "$1" | awk -v m="$2" '$0 ~ "^"m"[{ ]" {s += $NF} END {printf "%.0f", s}'
}
store_total() { redis-cli -p "$1" hget "$PREFIX:meta" tweets_total 2>/dev/null | grep -E '^[0-9]+$' || echo 0; }
# Commands the pipeline sent, without the harness's own reads (INFO, HGET of the meta hash, loadgen's HGETALL).
commands() {
  redis-cli -p "$1" info commandstats | tr -d '\r' \
    | awk -F'[:=,]' '/^cmdstat_/ && $1 !~ /^cmdstat_(info|hget|hgetall|ping|hello|client|select|command|config)/ {s += $3} END {print s+0}'
}

# Both stores started empty under this run's prefix and both gateways run for the whole run, so at rest each
# store's tweets_total must equal what its gateway published (cumulative): more is a double count, less a loss.
drain() { # seconds -> 0 when both stores account for every published tweet
  local deadline=$((SECONDS + $1))
  while :; do
    DR_KAFKA=$(prom_sum gateway-kafka weather_tweets_published_total); DR_RABBIT=$(prom_sum gateway-rabbit weather_tweets_published_total)
    DR_REDIS=$(store_total "$REDIS_PORT"); DR_VALKEY=$(store_total "$VALKEY_PORT")
    [ "$DR_REDIS" -eq "$DR_KAFKA" ] && [ "$DR_VALKEY" -eq "$DR_RABBIT" ] && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}

declare -A T0_TICKS
scenario_begin() { # name
  S_NAME=$1
  drain "$VERIFY_TIMEOUT" || fail "$S_NAME: stores not exact before the scenario (redis $DR_REDIS of $DR_KAFKA published to Kafka, valkey $DR_VALKEY of $DR_RABBIT published to RabbitMQ)"
  S_KAFKA_PUB=$DR_KAFKA; S_RABBIT_PUB=$DR_RABBIT
  S_REDIS_CMDS=$(commands "$REDIS_PORT"); S_VALKEY_CMDS=$(commands "$VALKEY_PORT")
  for svc in "${SERVICES[@]}"; do prom "$svc" > "$OUT/$S_NAME-$svc-before.txt"; done
  for svc in "${SERVICES[@]}"; do T0_TICKS[$svc]=$(ticks "${PID[$svc]}"); done
  S_START=$(date +%s.%N); S_START_S=$(date +%s)
}
# Load finished: CPU per service over the load phase, then wait until both stores account for every tweet.
scenario_end() { # [no-e2e]
  local name=$S_NAME
  local now elapsed; now=$(date +%s.%N); elapsed=$(echo "$now - $S_START" | bc -l)
  local end_s; end_s=$(date +%s)
  for svc in "${SERVICES[@]}"; do
    local t1; t1=$(ticks "${PID[$svc]}")
    put "$name.cpu.$svc" "$(echo "scale=4; ($t1 - ${T0_TICKS[$svc]}) / $CLK_TCK / $elapsed" | bc -l)"
    put "$name.heap_peak_mib.$svc" "$(awk -v s="$svc" -v a="$S_START_S" -v b="$end_s" '$2==s && $1>=a && $1<=b+2 && $3>m {m=$3} END {if (m) printf "%.0f", m/1048576}' "$OUT/heap-samples.txt")"
  done
  local exact=yes
  drain "$VERIFY_TIMEOUT" || exact=no
  local visible; visible=$(date +%s.%N)
  # CPU seconds from the start until both stores held every tweet: with the tweets published, the CPU per tweet
  # including what a consumer still did after the load (Report's CPU targets).
  for svc in "${SERVICES[@]}"; do
    put "$name.cpu_until_visible.$svc" "$(echo "scale=4; ($(ticks "${PID[$svc]}") - ${T0_TICKS[$svc]}) / $CLK_TCK" | bc -l)"
  done
  local kafka_n=$((DR_KAFKA - S_KAFKA_PUB)) rabbit_n=$((DR_RABBIT - S_RABBIT_PUB))
  put "$name.published_kafka" "$kafka_n"; put "$name.published_rabbit" "$rabbit_n"
  put "$name.visible_after_s" "$(echo "scale=2; ($visible - $now) / 1" | bc -l)"
  put "$name.sustained_kafka" "$(echo "scale=1; $kafka_n / ($visible - $S_START)" | bc -l)"
  put "$name.exact" "$exact"
  [ "$exact" = yes ] || fail "$name: stores not exact (redis $DR_REDIS of $DR_KAFKA published to Kafka, valkey $DR_VALKEY of $DR_RABBIT published to RabbitMQ, after ${VERIFY_TIMEOUT} s)"
  local redis_cmds valkey_cmds; redis_cmds=$(( $(commands "$REDIS_PORT") - S_REDIS_CMDS )); valkey_cmds=$(( $(commands "$VALKEY_PORT") - S_VALKEY_CMDS ))
  put "$name.redis_commands" "$redis_cmds"; put "$name.valkey_commands" "$valkey_cmds"
  [ "$kafka_n" -gt 0 ] && put "$name.redis_ops_per_tweet" "$(echo "scale=4; $redis_cmds / $kafka_n" | bc -l)"
  [ "$rabbit_n" -gt 0 ] && put "$name.valkey_ops_per_tweet" "$(echo "scale=4; $valkey_cmds / $rabbit_n" | bc -l)"
  for svc in "${SERVICES[@]}"; do prom "$svc" > "$OUT/$name-$svc-after.txt"; done
  local q
  # Where a request's time goes: ingress -> gateway call (per path), gateway -> broker acknowledgement.
  hist() { # key service metric label
    q=$(tool HistogramDelta "$OUT/$name-$2-before.txt" "$OUT/$name-$2-after.txt" "$3" "$4")
    case "$q" in count=0*) return 0 ;; esac
    put "$name.$1_p50_ms" "$(echo "$q" | sed -E 's/.*p50_ms=([^ ]+).*/\1/')"; put "$name.$1_p99_ms" "$(echo "$q" | sed -E 's/.*p99_ms=([^ ]+).*/\1/')"
  }
  hist forward_kafka ingress weather_forward_latency_seconds 'path="kafka"'
  hist forward_rabbit ingress weather_forward_latency_seconds 'path="rabbit"'
  hist publish_kafka gateway-kafka weather_publish_latency_seconds 'sink="kafka"'
  hist publish_rabbit gateway-rabbit weather_publish_latency_seconds 'sink="rabbit"'
  # Direct v1 gRPC clients (loadgen) send no accepted_at_ms, so their freshness is not measurable: skipped.
  if [ "$kafka_n" -gt 0 ] && [ "${1:-}" != no-e2e ]; then
    q=$(tool HistogramDelta "$OUT/$name-streams-before.txt" "$OUT/$name-streams-after.txt" weather_e2e_latency_seconds 'path="kafka"')
    put "$name.e2e_kafka_p50_ms" "$(echo "$q" | sed -E 's/.*p50_ms=([^ ]+).*/\1/')"; put "$name.e2e_kafka_p99_ms" "$(echo "$q" | sed -E 's/.*p99_ms=([^ ]+).*/\1/')"
  fi
  if [ "$rabbit_n" -gt 0 ] && [ "${1:-}" != no-e2e ]; then
    q=$(tool HistogramDelta "$OUT/$name-bridge-before.txt" "$OUT/$name-bridge-after.txt" weather_e2e_latency_seconds 'path="rabbit"')
    put "$name.e2e_rabbit_p50_ms" "$(echo "$q" | sed -E 's/.*p50_ms=([^ ]+).*/\1/')"; put "$name.e2e_rabbit_p99_ms" "$(echo "$q" | sed -E 's/.*p99_ms=([^ ]+).*/\1/')"
  fi
  log "$name: exact=$exact, stores complete $(val "$name.visible_after_s" "$RESULTS") s after the load"
}
INGRESS_URL=http://127.0.0.1:$INGRESS_PORT
LOADGEN=("$JAVA" -jar "$LOADGEN_JAR")

# S1: single tweets over HTTP, fan-out to both brokers.
log "S1 warm-up ($WARMUP s), then $DURATION s"
wrk_run "$WARMUP" bench/wrk/tweet.lua "$INGRESS_URL/api/tweet" "$OUT/s1-warm.txt"
sleep 2
scenario_begin s1
wrk_run "$DURATION" bench/wrk/tweet.lua "$INGRESS_URL/api/tweet" "$OUT/s1.txt"
put s1.rate "$(val ok_per_s "$OUT/s1.txt")"; put s1.p50_ms "$(val p50_ms "$OUT/s1.txt")"; put s1.p99_ms "$(val p99_ms "$OUT/s1.txt")"
put s1.errors "$(val errors "$OUT/s1.txt")"
scenario_end

# S1h: half of S1's rate (loadgen paces it; wrk cannot), for the latency and freshness targets.
S1_RATE=$(val s1.rate "$RESULTS"); HALF=$(printf '%.0f' "$(echo "${S1_RATE:-200} / 2" | bc -l)"); [ "$HALF" -ge 10 ] || HALF=10
log "S1h: loadgen http-single at $HALF tweets/s for $DURATION s"
scenario_begin s1h
"${LOADGEN[@]}" --mode=http-single --url="$INGRESS_URL" -c 32 --rate="$HALF" -n $((HALF * DURATION)) --json \
  > "$OUT/s1h.json" 2> "$OUT/logs/s1h.err" || fail "S1h loadgen"
put s1h.target_rate "$HALF"
put s1h.rate "$(jq -r .tweetsPerSecond "$OUT/s1h.json")"; put s1h.p50_ms "$(jq -r .latency.p50Ms "$OUT/s1h.json")"
put s1h.p99_ms "$(jq -r .latency.p99Ms "$OUT/s1h.json")"; put s1h.failed "$(jq -r .failed "$OUT/s1h.json")"
scenario_end

# S4: the course load with Locust (its S5 twin queue listens to the same tweets).
tool RabbitAdmin "$RABBITMQ_URI" bind "$COURSE_QUEUE" "$EXCHANGE" || fail "declare the S5 queue"
scenario_begin s4
if command -v locust >/dev/null 2>&1 && locust --help >/dev/null 2>&1; then
  log "S4: locust headless -u 10 -r 10, $COURSE_REQUESTS requests"
  put s4.tool locust
  S4_T0=$(date +%s.%N)
  WEATHER_MAX_REQUESTS=$COURSE_REQUESTS locust -f locust/locustfile.py --headless -u 10 -r 10 --host "$INGRESS_URL" \
    --run-time 600s --csv "$OUT/s4" --only-summary > "$OUT/logs/s4-locust.log" 2>&1 || true
  S4_T1=$(date +%s.%N)
  # The printed summary is final; the CSV can be written before the last requests are counted.
  SUMMARY=$(awk '/^ *Aggregated/ {print; n++} n==2 {exit}' "$OUT/logs/s4-locust.log")
  if [ -z "$SUMMARY" ]; then tail -20 "$OUT/logs/s4-locust.log" >&2; fail "S4: no Locust statistics"; else
    COUNT=$(echo "$SUMMARY" | head -1 | awk '{print $2}'); FAILS=$(echo "$SUMMARY" | head -1 | awk '{print $3}' | cut -d'(' -f1)
    put s4.requests "$COUNT"; put s4.failures "$FAILS"
    put s4.rate "$(echo "scale=1; $COUNT / ($S4_T1 - $S4_T0)" | bc -l)"
    put s4.p50_ms "$(echo "$SUMMARY" | sed -n 2p | awk '{print $2}')"; put s4.p99_ms "$(echo "$SUMMARY" | sed -n 2p | awk '{print $9}')"
    [ "$COUNT" = "$COURSE_REQUESTS" ] && [ "$FAILS" = 0 ] || fail "S4: $COUNT requests, $FAILS failures"
  fi
else
  log "S4: Locust is not installed: loadgen -c 10 -n $COURSE_REQUESTS instead"
  put s4.tool "loadgen -c 10"
  "${LOADGEN[@]}" --mode=http-single --url="$INGRESS_URL" -c 10 -n "$COURSE_REQUESTS" --json > "$OUT/s4.json" \
    2> "$OUT/logs/s4.err" || fail "S4 loadgen"
  put s4.requests "$(jq -r .sent "$OUT/s4.json")"; put s4.failures "$(jq -r '.failed + .rejected' "$OUT/s4.json")"
  put s4.rate "$(jq -r .tweetsPerSecond "$OUT/s4.json")"; put s4.p50_ms "$(jq -r .latency.p50Ms "$OUT/s4.json")"
  put s4.p99_ms "$(jq -r .latency.p99Ms "$OUT/s4.json")"
fi
scenario_end

# S5: the course projects' consumer design on the same tweets (per-message Redis commands), own Redis.
log "S5: per-message consumer draining the S4 tweets into its own redis-server"
redis-cli -p "$COURSE_REDIS_PORT" config resetstat >/dev/null
tool CourseConsumer "$RABBITMQ_URI" "$COURSE_QUEUE" 127.0.0.1 "$COURSE_REDIS_PORT" "$PREFIX" $((DURATION * 4 + 30)) \
  > "$OUT/s5.txt" 2>&1 || { cat "$OUT/s5.txt" >&2; fail "S5 consumer"; }
S5_N=$(val consumed "$OUT/s5.txt"); S5_CMDS=$(commands "$COURSE_REDIS_PORT")
put s5.consumed "${S5_N:-0}"; put s5.rate "$(val rate "$OUT/s5.txt")"; put s5.redis_commands "$S5_CMDS"
S5_TOTAL=$(redis-cli -p "$COURSE_REDIS_PORT" get "$PREFIX:tweets_total")
[ "${S5_N:-0}" -gt 0 ] && put s5.redis_ops_per_tweet "$(echo "scale=3; $S5_CMDS / $S5_N" | bc -l)"
[ "${S5_TOTAL:-0}" = "$(val s4.published_rabbit "$RESULTS")" ] && put s5.exact yes || { put s5.exact no; fail "S5: its Redis counts ${S5_TOTAL:-0} of $(val s4.published_rabbit "$RESULTS") tweets"; }

# S2, S3: routing kafka.
log "restarting the ingress with INGRESS_ROUTING=kafka"
stop ingress
start_ingress kafka
log "S2 warm-up ($WARMUP s), then $DURATION s"
wrk_run "$WARMUP" bench/wrk/tweet.lua "$INGRESS_URL/api/tweet" "$OUT/s2-warm.txt"
sleep 2
scenario_begin s2
wrk_run "$DURATION" bench/wrk/tweet.lua "$INGRESS_URL/api/tweet" "$OUT/s2.txt"
put s2.rate "$(val ok_per_s "$OUT/s2.txt")"; put s2.p50_ms "$(val p50_ms "$OUT/s2.txt")"; put s2.p99_ms "$(val p99_ms "$OUT/s2.txt")"
put s2.errors "$(val errors "$OUT/s2.txt")"
scenario_end

log "S3a: POST /api/tweets, 100 tweets per request, wrk -t2 -c16, $DURATION s"
BATCH=100 wrk -t2 -c16 --timeout 10s -d"$WARMUP"s -s bench/wrk/tweet.lua "$INGRESS_URL/api/tweets" > "$OUT/s3http-warm.txt" 2>&1 || true
scenario_begin s3http
BATCH=100 wrk -t2 -c16 --timeout 10s -d"$DURATION"s -s bench/wrk/tweet.lua "$INGRESS_URL/api/tweets" > "$OUT/s3http.txt" 2>&1 || fail "S3 wrk batch"
put s3http.rate "$(val tweets_per_s "$OUT/s3http.txt")"; put s3http.p50_ms "$(val p50_ms "$OUT/s3http.txt")"
put s3http.p99_ms "$(val p99_ms "$OUT/s3http.txt")"; put s3http.errors "$(val errors "$OUT/s3http.txt")"
scenario_end

# Sized from what Redis sustained over HTTP (not what the ingress accepted), so the run stays near DURATION.
S3_N=$(printf '%.0f' "$(echo "$(val s3http.sustained_kafka "$RESULTS") * $DURATION" | bc -l)")
[ "$S3_N" -ge 20000 ] || S3_N=20000; [ "$S3_N" -le 1000000 ] || S3_N=1000000
for mode in grpc-batch grpc-stream; do
  log "S3: loadgen --mode=$mode, $S3_N tweets, batches of 500, to the Kafka gateway"
  scenario_begin "s3${mode#grpc-}"
  "${LOADGEN[@]}" --mode="$mode" --grpc-target="127.0.0.1:$GK_GRPC" -c 8 --batch-size 500 -n "$S3_N" --json \
    > "$OUT/s3$mode.json" 2> "$OUT/logs/s3$mode.err" || fail "S3 loadgen $mode"
  put "s3${mode#grpc-}.rate" "$(jq -r .tweetsPerSecond "$OUT/s3$mode.json")"
  put "s3${mode#grpc-}.p50_ms" "$(jq -r .latency.p50Ms "$OUT/s3$mode.json")"; put "s3${mode#grpc-}.p99_ms" "$(jq -r .latency.p99Ms "$OUT/s3$mode.json")"
  put "s3${mode#grpc-}.failed" "$(jq -r '.failed + .rejected' "$OUT/s3$mode.json")"
  scenario_end no-e2e
done

for svc in "${SERVICES[@]}"; do
  kill -0 "${PID[$svc]}" 2>/dev/null || fail "$svc exited during the run (see $OUT/logs/$svc.log)"
  grep -q "OutOfMemoryError" "$OUT/logs/$svc.log" && fail "$svc ran out of heap ($SERVICE_HEAP)"
done
put loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
for svc in "${SERVICES[@]}"; do
  "$JAVA_HOME/bin/jcmd" "${PID[$svc]}" JFR.dump name=bench filename="$OUT/$svc.jfr" >/dev/null 2>&1 \
    && "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$OUT/$svc.jfr" > "$OUT/profile-$svc.txt" 2>&1 || true
done

# StateSerdeBenchmark compares two state formats for a design decision (bench/ANALYSIS.md); --jmh runs it.
if [ "$MODE" = smoke ]; then run_jmh -f 1 -wi 1 -w 1s -i 1 -r 1s -e StateSerdeBenchmark
else run_jmh -f 1 -wi 2 -w 2s -i 3 -r 2s -e StateSerdeBenchmark; fi

# ------------------------------------------------------------------------------------------------ report
if [ "$MODE" = smoke ]; then REPORT_DIR=$OUT; HISTORY=$OUT/history.csv; else REPORT_DIR=$BENCH; HISTORY=$BENCH/history.csv; fi
tool Report "$RESULTS" "$OUT/jmh.json" "$REPORT_DIR/RESULTS.md" "$REPORT_DIR/results.png" "$HISTORY" || fail "report"
log "report: $REPORT_DIR/RESULTS.md"
if [ ${#FAILURES[@]} -gt 0 ]; then
  log "${#FAILURES[@]} failure(s):"; printf '  %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
log "done (unmet speed targets, if any, are listed as met=no in the report)"
