#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker and controller in one JVM)
# for jejak's tests and demos, without Docker.
#
#   bash scripts/kafka.sh start  [--dir DIR]   starts it (or restarts a stopped
#                                             one with the same data and ports),
#                                             prints HOST:PORT when it answers
#   bash scripts/kafka.sh stop   [--dir DIR]   SIGTERM, then SIGKILL after 30 s
#   bash scripts/kafka.sh status [--dir DIR]   prints "running HOST:PORT" or
#                                             "stopped" (exit code 3)
#
# DIR holds the configuration, data, logs, pid and bootstrap address; default
# $JEJAK_KAFKA_DIR, else scripts/.kafka/run. The jars are resolved once with
# Maven (scripts/kafka/pom.xml) into scripts/.kafka/lib.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
lib="$root/scripts/.kafka/lib"
kafka_version=3.9.2
start_timeout=${JEJAK_KAFKA_START_TIMEOUT:-120}

usage() {
  echo "usage: bash scripts/kafka.sh start|stop|status [--dir DIR]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
cmd=$1
shift
dir=${JEJAK_KAFKA_DIR:-$root/scripts/.kafka/run}
while [ $# -gt 0 ]; do
  case $1 in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    *) usage ;;
  esac
done
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# The pid of this directory's broker if it is running, else nothing. The
# command line must name this directory's config, so that a recycled pid
# never gets signalled.
running_pid() {
  [ -f "$dir/pid" ] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $dir/server.properties"; then
    echo "$pid"
  fi
}

fetch_jars() {
  [ -f "$lib/.complete-$kafka_version" ] && return 0
  command -v mvn >/dev/null || { echo "kafka.sh: mvn is missing: run scripts/setup.sh" >&2; exit 1; }
  echo "kafka.sh: resolving Kafka $kafka_version with Maven into $lib" >&2
  rm -rf "$lib"
  mkdir -p "$lib"
  # A registry's hiccup should not fail a test run: three tries.
  local try
  for try in 1 2 3; do
    mvn -B -q -f "$root/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -Djejak.kafka.lib="$lib" >&2 && break
    [ $try -lt 3 ] || { echo "kafka.sh: Maven could not resolve Kafka $kafka_version (3 tries)" >&2; exit 1; }
    echo "kafka.sh: Maven failed (try $try of 3); trying again in 10 s" >&2
    sleep 10
  done
  touch "$lib/.complete-$kafka_version"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# First start only: pick ports, write the configuration, format the storage.
configure() {
  local port cport cluster
  port=$(free_port)
  cport=$(free_port)
  while [ "$cport" = "$port" ]; do cport=$(free_port); done
  cluster=$(python3 -c 'import base64, uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
num.network.threads=2
num.io.threads=4
log.retention.hours=168
EOF
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$dir/logs/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  echo "127.0.0.1:$port" >"$dir/bootstrap"
  java -Xmx256m -cp "$lib/*" -Dlog4j.configuration="file:$dir/log4j.properties" \
    kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" >"$dir/logs/format.out" 2>&1 ||
    { cat "$dir/logs/format.out" >&2; rm -f "$dir/server.properties"; exit 1; }
}

start() {
  local pid bootstrap
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    cat "$dir/bootstrap"
    return 0
  fi
  command -v java >/dev/null || { echo "kafka.sh: java is missing: run scripts/setup.sh" >&2; exit 1; }
  fetch_jars
  [ -f "$dir/server.properties" ] || configure
  bootstrap=$(cat "$dir/bootstrap")
  local out="$dir/logs/kafka.out"
  [ -f "$out" ] && mv "$out" "$out.1"
  # setsid: the broker outlives this script and ignores the terminal's
  # Ctrl-C; only 'stop' ends it.
  setsid java -Xms128m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$dir/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$lib/*" kafka.Kafka "$dir/server.properties" >"$out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/pid"
  # Started means: the server says so in its log (after a restart, a newer
  # line than any before), and the listener accepts connections.
  local started_before
  started_before=$(grep -c "Kafka Server started" "$dir/logs/server.log" 2>/dev/null || true)
  local deadline=$((SECONDS + start_timeout))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "kafka.sh: the broker exited while starting; last lines of $out and server.log:" >&2
      tail -n 20 "$out" "$dir/logs/server.log" >&2 || true
      rm -f "$dir/pid"
      exit 1
    fi
    local now
    now=$(grep -c "Kafka Server started" "$dir/logs/server.log" 2>/dev/null || true)
    if [ "${now:-0}" -gt "${started_before:-0}" ] &&
      (exec 3<>"/dev/tcp/${bootstrap%:*}/${bootstrap#*:}") 2>/dev/null; then
      break
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$out" "$dir/logs/server.log" >&2 || true
      echo "kafka.sh: the broker did not answer within ${start_timeout}s; see $dir/logs" >&2
      stop >/dev/null
      exit 1
    fi
    sleep 0.2
  done
  echo "$bootstrap"
}

stop() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    rm -f "$dir/pid"
    echo "stopped"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka.sh: the broker ignored SIGTERM for 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$dir/pid"
  echo "stopped"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status)
    pid=$(running_pid)
    if [ -n "$pid" ]; then
      echo "running $(cat "$dir/bootstrap") (pid $pid, dir $dir)"
    else
      echo "stopped"
      exit 3
    fi
    ;;
  *) usage ;;
esac
