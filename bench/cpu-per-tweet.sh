#!/usr/bin/env bash
# CPU per single tweet, per service, at a FIXED rate, for one or more builds in one window: bench's CpuPerTweet on
# the system harness (its Javadoc has the method).
#
#   bench/cpu-per-tweet.sh [VARIANT_DIR...]
#
# A VARIANT_DIR holds ingress.jar and gateway.jar (exec jars, or symbolic links to them) and optionally ingress.args,
# gateway.args and streams.args (one extra argument per line, e.g. --some.property=value) and jvm.args (JVM options
# of the ingress, the gateways and the streams-app, e.g. -XX:+UseSerialGC); without one, the jars
# under */target are "current". Variants alternate (A B A B ...) so drift on a shared machine hits both.
#
# Environment: RATE (400), WARMUP_TWEETS (40000), DURATION (30), ROUNDS (2), ROUTING (fanout), JFR (0), SERVICE_HEAP (256m),
# RABBITMQ_URI. Output: a table on stdout and OUT/results.tsv (OUT is bench/target/cpu-<timestamp>).
# Heavy: on a shared machine run it under the build lock, e.g. `flock /tmp/build.lock bench/cpu-per-tweet.sh A B`.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
JAVA_HOME=$(pick_jdk) || die "No JDK >= 21 under /usr/lib/jvm"
export JAVA_HOME
JAVA=$JAVA_HOME/bin/java
build
RUN_ID=$(date +%Y%m%d%H%M%S)-$$
tool CpuPerTweet "$BENCH/target/cpu-$RUN_ID" "$ROOT" "$RUN_ID" "$@"
