# Shared by bench/run.sh, bench/cpu-per-tweet.sh and .ci/run: the JDK, the build, bench's own tools (Java classes
# that start and watch the system through the system-harness module). Source it; a script may define die() first
# (default: log to stderr, exit 1).

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

# The services' executable jars and bench's classes, built when missing (./mvnw is run from the repository root).
build() {
  local module missing=
  for module in ingress grpc-gateway streams-app rabbit-bridge loadgen standalone; do
    compgen -G "$module/target/$module-*-exec.jar" >/dev/null || missing=1
  done
  if [ -n "$missing" ]; then
    echo "building the services (./mvnw install -DskipTests)" >&2
    ./mvnw -q -B -ntp install -DskipTests
  fi
  # bench runs from its classes and target/lib (the harness's jar among them): rebuilt with the harness whenever a
  # source of either is newer than what was built, the classes or the harness's jar in target/lib (bench's classes
  # may have been compiled on their own, without the jar being copied again).
  local built=bench/target/classes/io/weathertweets/bench/Benchmark.class
  local harness
  harness=$(compgen -G "bench/target/lib/system-harness-*.jar" | head -n 1) || true
  # No harness jar found also covers a target/lib that is not there at all.
  if [ -z "$harness" ] || [ ! -f bench/target/classes/META-INF/BenchmarkList ] || [ ! -f "$built" ] \
    || [ -n "$(find bench/src bench/pom.xml system-harness/src system-harness/pom.xml -newer "$built" -print -quit)" ] \
    || [ -n "$(find system-harness/src system-harness/pom.xml -newer "$harness" -print -quit)" ]; then
    echo "building bench and the system harness" >&2
    ./mvnw -q -B -ntp -pl system-harness,bench install -DskipTests
  fi
}
