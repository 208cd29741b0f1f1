# Shared by bench/run.sh, bench/cpu-per-tweet.sh and .ci/run: the JDK, the services' executable jars, free ports,
# the processes a run starts (each logs to $OUT/logs/<name>.log), their readiness and their CPU from /proc, bench's
# own tools.
# Source it; a script that starts processes sets OUT first and may define die() (default: log to stderr, exit 1).

# A JDK >= 21: $JAVA_HOME when it is one, else the first under /usr/lib/jvm (the default java may be 17).
pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [ "${major:-0}" -ge 21 ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# bench's own classes and their dependencies (./mvnw -f bench/pom.xml package), and one of its tools by class name;
# the caller sets JAVA.
BENCH_CP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/target"
BENCH_CP="$BENCH_CP/classes:$BENCH_CP/lib/*"
tool() { "$JAVA" -cp "$BENCH_CP" "io.weathertweets.bench.$@"; }

declare -F die >/dev/null || die() { printf '%s\n' "$*" >&2; exit 1; }

# A module's executable jar, whatever the project's version: the newest when an older version's is still there.
have_exec_jar() { compgen -G "$1/target/$1-*-exec.jar" >/dev/null; } # module
exec_jar() { # module
  have_exec_jar "$1" || die "$1: no executable jar under $1/target (build it: ./mvnw -q install -DskipTests)"
  ls -t "$1"/target/"$1"-*-exec.jar | head -1
}

# Free TCP ports on 127.0.0.1, all bound at once so that they differ.
free_ports() { # count
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# ---------------------------------------------------------------------------------------------- processes
declare -A PID
start() { # name command... (environment passed by the caller with env)
  local name=$1; shift
  "$@" > "$OUT/logs/$name.log" 2>&1 &
  PID[$name]=$!
}
stop() { # name: SIGTERM, SIGKILL after 20 s
  local pid=${PID[$1]:-}
  [ -z "$pid" ] && return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  unset "PID[$1]"
}
stop_all() { # [name...]: these first, in this order, then every other started process
  local name pid
  for name in "$@" "${!PID[@]}"; do
    pid=${PID[$name]:-}
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
  done
  for name in "${!PID[@]}"; do
    pid=${PID[$name]}
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
  done
  return 0
}
wait_ready() { # name url seconds: until the health URL answers UP; the log's tail and die() otherwise
  local deadline=$((SECONDS + $3))
  until curl -fs "$2" 2>/dev/null | grep -q '"UP"'; do
    if ! kill -0 "${PID[$1]}" 2>/dev/null; then tail -40 "$OUT/logs/$1.log" >&2; die "$1 died on start"; fi
    if [ $SECONDS -ge $deadline ]; then tail -40 "$OUT/logs/$1.log" >&2; die "$1 not ready after $3 s"; fi
    sleep 0.5
  done
}

# Kafka alone, embedded by the standalone launcher (--infra-only); sets KAFKA to its bootstrap address.
start_kafka() { # port controller-port data-dir (REDIS_URL, VALKEY_URL, RABBITMQ_URI given: nothing else embedded)
  local jar; jar=$(exec_jar standalone) || exit 1
  start kafka env REDIS_URL="$REDIS_URL" VALKEY_URL="$VALKEY_URL" RABBITMQ_URI="$RABBITMQ_URI" \
    "$JAVA" -Xmx1g -Dweather.standalone.kafka-port="$1" -Dweather.standalone.kafka-controller-port="$2" \
    -jar "$jar" --infra-only "$3"
  for _ in $(seq 1 120); do
    grep -q "infrastructure is ready" "$OUT/logs/kafka.log" && break
    kill -0 "${PID[kafka]}" 2>/dev/null || { tail -30 "$OUT/logs/kafka.log" >&2; die "embedded Kafka died"; }
    sleep 0.5
  done
  KAFKA=$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$OUT/logs/kafka.log" | tail -1)
  [ -n "$KAFKA" ] || die "embedded Kafka did not start"
}

# ------------------------------------------------------------------------------------------------- CPU
CLK_TCK=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # utime + stime of a process
# CPU of the JIT compiler threads (C1/C2) alone: on two cores shared by seven JVMs they still compile minutes into
# the load, which is start-up cost, not cost per tweet. Counted from the stat line's end, as the name may hold spaces.
jit_ticks() {
  cat /proc/"$1"/task/*/stat 2>/dev/null | awk '/\(C[12] CompilerThre/ {n = split($0, f, ") "); split(f[n], g, " "); s += g[12] + g[13]} END {print s + 0}'
}
