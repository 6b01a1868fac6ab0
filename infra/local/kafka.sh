#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) without Docker.
#
# The broker jars come from Maven Central via infra/local/kafka/pom.xml and are
# cached under $JUNHENG_CACHE_DIR/kafka-<version>/ (default ~/.cache/junheng).
#
# Usage: infra/local/kafka.sh start|stop|status|wait [timeout-s]|restart|logs|remove
#
# Environment:
#   KAFKA_INSTANCE         run a separate, named broker beside the default one: its own
#                          config, data, logs, pid file and cluster id under
#                          <home>/instances/<name>/, the jars shared; needs KAFKA_PORT and
#                          KAFKA_CONTROLLER_PORT. `remove` (instances only) stops it and
#                          deletes its directory. Unset: the default broker, as always.
#   KAFKA_VERSION          broker version (default: <kafka.version> in kafka/pom.xml)
#   KAFKA_PORT             client (PLAINTEXT) port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1 (default 9093)
#   KAFKA_WAIT_TIMEOUT     seconds `wait` waits for the broker (default 90)
#   KAFKA_STOP_TIMEOUT     seconds `stop` waits after SIGTERM before SIGKILL (default 30)
#   KAFKA_HEAP_OPTS        JVM heap flags (default "-Xmx512m -Xms256m")
#   JUNHENG_CACHE_DIR      cache root (default $HOME/.cache/junheng)
#   JAVA_HOME              JDK to run the broker with (default: java on PATH; 17+)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="${SCRIPT_DIR}/kafka/pom.xml"

pinned_version() {
  sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "${POM}" | head -n 1
}

KAFKA_INSTANCE="${KAFKA_INSTANCE:-}"
# An instance must name its ports: with the defaults it would find the default broker
# answering on 9092 and take it for itself.
EXPLICIT_PORTS="${KAFKA_PORT:+${KAFKA_CONTROLLER_PORT:+yes}}"
KAFKA_VERSION="${KAFKA_VERSION:-$(pinned_version)}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_WAIT_TIMEOUT="${KAFKA_WAIT_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
CACHE_ROOT="${JUNHENG_CACHE_DIR:-${HOME}/.cache/junheng}"
JAVA="${JAVA_HOME:+${JAVA_HOME}/bin/}java"

KAFKA_HOME="${CACHE_ROOT}/kafka-${KAFKA_VERSION}"
LIBS_DIR="${KAFKA_HOME}/libs"
# Everything a broker owns lives in its state directory; the default broker's is KAFKA_HOME
# itself (the layout predates instances), an instance's is its own directory under it.
if [ -n "${KAFKA_INSTANCE}" ]; then
  STATE_DIR="${KAFKA_HOME}/instances/${KAFKA_INSTANCE}"
  SAY_PREFIX="kafka[${KAFKA_INSTANCE}]"
else
  STATE_DIR="${KAFKA_HOME}"
  SAY_PREFIX="kafka"
fi
CONF_DIR="${STATE_DIR}/config"
DATA_DIR="${STATE_DIR}/data"
LOG_DIR="${STATE_DIR}/logs"
PID_FILE="${STATE_DIR}/kafka.pid"
CLUSTER_ID_FILE="${STATE_DIR}/cluster.id"
SERVER_PROPS="${CONF_DIR}/server.properties"
LOG4J_PROPS="${CONF_DIR}/log4j2.properties"
CONSOLE_LOG="${LOG_DIR}/console.log"

say() { printf '%s: %s\n' "${SAY_PREFIX}" "$*"; }
die() { printf '%s: ERROR: %s\n' "${SAY_PREFIX}" "$*" >&2; exit 1; }

if [ -n "${KAFKA_INSTANCE}" ]; then
  # The name becomes a directory name.
  [[ "${KAFKA_INSTANCE}" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
    die "KAFKA_INSTANCE must be letters, digits, '.', '_' or '-', got '${KAFKA_INSTANCE}'"
  [ -n "${EXPLICIT_PORTS}" ] || die "KAFKA_INSTANCE=${KAFKA_INSTANCE} needs KAFKA_PORT and KAFKA_CONTROLLER_PORT"
fi

# --- probes -----------------------------------------------------------------

# True when a Kafka broker answers an ApiVersions (v0) request on 127.0.0.1:PORT.
# A bare TCP connect is not enough: the listener socket is bound before the
# broker is ready to serve requests.
broker_answers() {
  # size=10 | api_key=18 (ApiVersions) | api_version=0 | correlation_id=0x4A480001 | client_id=null
  # The reply starts with int32 size + int32 correlation_id; we check the latter.
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x4a\x48\x00\x01\xff\xff" >&3
    reply="$(head -c 8 <&3 | od -An -tx1 | tr -d " \n")"
    [ "${reply:8:8}" = "4a480001" ]
  ' _ "${KAFKA_PORT}" 2>/dev/null
}

port_open() {
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Prints the pid from the pid file if that process is alive and is our broker.
running_pid() {
  [ -f "${PID_FILE}" ] || return 1
  local pid
  pid="$(cat "${PID_FILE}" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  # Several brokers run side by side with instances: a stale pid file whose pid now belongs to
  # another broker must not make `stop` kill that one, so an instance checks its own config.
  if [ -n "${KAFKA_INSTANCE}" ]; then
    tr '\0' '\n' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qxF "${SERVER_PROPS}" || return 1
  fi
  printf '%s\n' "${pid}"
}

# --- setup ------------------------------------------------------------------

resolve_jars() {
  if [ -f "${LIBS_DIR}/.complete" ]; then
    return 0
  fi
  if [ -n "${KAFKA_INSTANCE}" ]; then
    # An instance holds only its own lock; the jars are shared with the default broker,
    # whose start may be resolving them right now.
    exec 8>"${KAFKA_HOME}/.lock"
    if command -v flock >/dev/null 2>&1; then
      flock -w 300 8 || die "timed out waiting for another kafka.sh on ${KAFKA_HOME}/.lock"
    fi
    if [ -f "${LIBS_DIR}/.complete" ]; then
      exec 8>&-
      return 0
    fi
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch Kafka ${KAFKA_VERSION} jars)"
  say "resolving Kafka ${KAFKA_VERSION} jars from Maven into ${LIBS_DIR} (one-time)"
  local tmp="${KAFKA_HOME}/libs.tmp.$$"
  rm -rf "${tmp}"
  mkdir -p "${KAFKA_HOME}"
  if ! mvn -B -q -Dstyle.color=never -f "${POM}" \
      -Dkafka.version="${KAFKA_VERSION}" \
      dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="${tmp}" >"${KAFKA_HOME}/mvn.log" 2>&1; then
    rm -rf "${tmp}"
    sed 's/\x1b\[[0-9;]*m//g' "${KAFKA_HOME}/mvn.log" | grep -v '^\s*$' | tail -n 20 >&2 || true
    die "Maven could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (full log: ${KAFKA_HOME}/mvn.log)"
  fi
  [ -f "${tmp}/kafka_2.13-${KAFKA_VERSION}.jar" ] || die "kafka_2.13-${KAFKA_VERSION}.jar missing after resolution"
  touch "${tmp}/.complete"
  rm -rf "${LIBS_DIR}"
  mv "${tmp}" "${LIBS_DIR}"
  say "resolved $(find "${LIBS_DIR}" -name '*.jar' | wc -l | tr -d ' ') jars"
  if [ -n "${KAFKA_INSTANCE}" ]; then exec 8>&-; fi
}

write_config() {
  mkdir -p "${CONF_DIR}" "${DATA_DIR}" "${LOG_DIR}"
  cat >"${SERVER_PROPS}" <<EOF
# Generated by infra/local/kafka.sh - edits are overwritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${DATA_DIR}
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.hours=-1
log.segment.bytes=104857600
num.network.threads=2
num.io.threads=4
# After a crash (kill -9) the controller keeps the dead broker's registration
# until its session expires; a short session makes the restart ~4s, not ~10s.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
EOF
  cat >"${LOG4J_PROPS}" <<EOF
# Generated by infra/local/kafka.sh
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = ${LOG_DIR}/server.log
appender.file.filePattern = ${LOG_DIR}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

java_cp() {
  printf '%s/*' "${LIBS_DIR}"
}

format_storage() {
  if [ -f "${DATA_DIR}/meta.properties" ]; then
    return 0
  fi
  if [ ! -s "${CLUSTER_ID_FILE}" ]; then
    "${JAVA}" -cp "$(java_cp)" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"${CLUSTER_ID_FILE}.tmp"
    [ -s "${CLUSTER_ID_FILE}.tmp" ] || die "could not generate a cluster id"
    mv "${CLUSTER_ID_FILE}.tmp" "${CLUSTER_ID_FILE}"
  fi
  local cluster_id
  cluster_id="$(cat "${CLUSTER_ID_FILE}")"
  say "formatting storage in ${DATA_DIR} (cluster id ${cluster_id})"
  if ! "${JAVA}" -Dlog4j2.configurationFile="${LOG4J_PROPS}" -cp "$(java_cp)" kafka.tools.StorageTool format \
      -t "${cluster_id}" -c "${SERVER_PROPS}" --ignore-formatted >"${LOG_DIR}/format.log" 2>&1; then
    cat "${LOG_DIR}/format.log" >&2 || true
    die "storage format failed"
  fi
}

# --- commands ---------------------------------------------------------------

# Serialises concurrent start/stop calls (e.g. two test runs starting at once).
# fd 9 is closed for the broker itself so it does not keep holding the lock.
lock() {
  mkdir -p "${STATE_DIR}"
  exec 9>"${STATE_DIR}/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "timed out waiting for another kafka.sh on ${STATE_DIR}/.lock"
  fi
}

cmd_start() {
  lock
  if broker_answers; then
    say "a broker already answers on 127.0.0.1:${KAFKA_PORT}; nothing to do"
    return 0
  fi
  local pid
  if pid="$(running_pid)"; then
    say "broker process ${pid} is already running but not answering yet (see: $0 wait)"
    return 0
  fi
  if port_open "${KAFKA_PORT}"; then
    die "127.0.0.1:${KAFKA_PORT} is in use by something that is not an answering Kafka broker"
  fi
  command -v "${JAVA}" >/dev/null 2>&1 || die "java not found (Kafka ${KAFKA_VERSION} needs Java 17+; set JAVA_HOME or PATH)"
  resolve_jars
  write_config
  format_storage
  rm -f "${PID_FILE}"
  # setsid: detach from the caller's session so CI/jest process-group teardown
  # does not take the broker down; the inner shell records its pid then execs java.
  # shellcheck disable=SC2016,SC2086
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "${PID_FILE}" \
    "${JAVA}" ${KAFKA_HEAP_OPTS} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="${LOG4J_PROPS}" -Dkafka.logs.dir="${LOG_DIR}" \
    -cp "$(java_cp)" kafka.Kafka "${SERVER_PROPS}" \
    >"${CONSOLE_LOG}" 2>&1 </dev/null 8>&- 9>&- &
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "${PID_FILE}" ] && break
    sleep 0.1
    : "${i}"
  done
  say "started Kafka ${KAFKA_VERSION} (pid $(cat "${PID_FILE}" 2>/dev/null || echo '?')) on 127.0.0.1:${KAFKA_PORT}; logs: ${LOG_DIR}"
}

cmd_wait() {
  local timeout="${1:-${KAFKA_WAIT_TIMEOUT}}"
  [[ "${timeout}" =~ ^[0-9]+$ ]] || die "wait: timeout must be a number of seconds, got '${timeout}'"
  local deadline=$((SECONDS + timeout))
  while true; do
    if broker_answers; then
      say "broker answers on 127.0.0.1:${KAFKA_PORT}"
      return 0
    fi
    if [ -f "${PID_FILE}" ] && ! running_pid >/dev/null; then
      tail -n 30 "${CONSOLE_LOG}" "${LOG_DIR}/server.log" 2>/dev/null >&2 || true
      die "broker process exited during startup (logs: ${LOG_DIR})"
    fi
    if [ "${SECONDS}" -ge "${deadline}" ]; then
      die "no broker answering on 127.0.0.1:${KAFKA_PORT} after ${timeout}s (logs: ${LOG_DIR})"
    fi
    sleep 1
  done
}

cmd_stop() {
  lock
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "${PID_FILE}"
    if broker_answers; then
      say "not started by this script (no pid file in ${STATE_DIR}) but a broker answers on 127.0.0.1:${KAFKA_PORT}; leaving it alone"
    else
      say "not running"
    fi
    return 0
  fi
  say "stopping broker pid ${pid}"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null; do
    if [ "${SECONDS}" -ge "${deadline}" ]; then
      say "still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "${PID_FILE}"
  say "stopped"
}

cmd_status() {
  local pid state
  if pid="$(running_pid)"; then state="pid ${pid}"; else state="no process from this script"; fi
  if broker_answers; then
    say "UP on 127.0.0.1:${KAFKA_PORT} (${state}; version ${KAFKA_VERSION}; home ${STATE_DIR})"
    return 0
  fi
  say "DOWN on 127.0.0.1:${KAFKA_PORT} (${state}; version ${KAFKA_VERSION}; home ${STATE_DIR})"
  return 3
}

# Instances only: the default broker's data is the suite's shared cluster, never wiped here.
cmd_remove() {
  [ -n "${KAFKA_INSTANCE}" ] || die "remove needs KAFKA_INSTANCE (the default broker is never removed)"
  cmd_stop
  rm -rf "${STATE_DIR}"
  say "removed ${STATE_DIR}"
}

cmd_logs() {
  tail -n "${1:-100}" "${LOG_DIR}/server.log"
}

usage() {
  echo "usage: $0 start|stop|status|wait [timeout-s]|restart|logs [lines]|remove" >&2
  exit 2
}

main() {
  [ -n "${KAFKA_VERSION}" ] || die "could not determine the Kafka version (KAFKA_VERSION or ${POM})"
  local cmd="${1:-}"
  shift || true
  case "${cmd}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    wait) cmd_wait "$@" ;;
    restart) cmd_stop; cmd_start ;;
    logs) cmd_logs "$@" ;;
    remove) cmd_remove ;;
    *) usage ;;
  esac
}

main "$@"
