#!/usr/bin/env bash
# Makes sure the servers the tests talk to are installed and running on this machine:
# RabbitMQ on 5672 (guest/guest), Redis on 6379, Valkey on 6380 (valkey-server from bookworm-backports),
# Debian's chromium for the live page's browser test, and a Java 17 runtime for the too-old-Java test.
# Idempotent: installs or starts only what is missing. Needs root (apt-get) on a fresh machine.
set -euo pipefail

log() { echo "[services] $*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "[services] $name did not open port $port within 60 s" >&2; return 1
}
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- RabbitMQ (real broker: quorum queues, dead-lettering and redelivery are tested against it)
if ! port_open 5672; then
  command -v rabbitmq-server >/dev/null || { log "installing rabbitmq-server"; apt_install rabbitmq-server; }
  log "starting RabbitMQ"
  rabbitmq-server -detached
  wait_port 5672 RabbitMQ
fi

# --- Redis (the Kafka Streams path's store)
if ! port_open 6379; then
  command -v redis-server >/dev/null || { log "installing redis-server"; apt_install redis-server; }
  log "starting Redis on 6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379 Redis
fi

# --- Valkey (the RabbitMQ path's store), a real valkey-server from bookworm-backports
if ! command -v valkey-server >/dev/null; then
  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding the bookworm-backports suite"
    cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
  fi
  log "installing valkey-server"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null
fi
if ! port_open 6380; then
  log "starting Valkey on 6380"
  mkdir -p /var/lib/valkey-ci
  valkey-server --daemonize yes --bind 127.0.0.1 --port 6380 --save "" --appendonly no \
    --dir /var/lib/valkey-ci --logfile /var/lib/valkey-ci/valkey.log
  wait_port 6380 Valkey
fi
# --- Debian's Chromium, for the live page's headless browser test (a test tool's own browser download fails here)
if ! [ -x /usr/bin/chromium ]; then
  log "installing chromium"
  apt_install chromium
fi

# --- A Java 17 runtime: the executable jar's launcher must refuse it with a clear message (ExecutableJarIT)
if ! [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then
  log "installing openjdk-17-jre-headless"
  apt_install openjdk-17-jre-headless
fi

log "RabbitMQ :5672, Redis :6379, Valkey :6380 are up; chromium at /usr/bin/chromium"
