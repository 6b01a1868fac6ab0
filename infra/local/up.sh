#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432) and Kafka (127.0.0.1:9092) available for
# development, CI and the jest global setup. Idempotent: services that already
# answer are left alone. Exits non-zero, naming the service, if either cannot
# be made available.
#
# Environment: see postgres.sh and kafka.sh (POSTGRES_PORT, KAFKA_PORT,
# KAFKA_VERSION, JUNHENG_CACHE_DIR, POSTGRES_WAIT_TIMEOUT, KAFKA_WAIT_TIMEOUT).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
postgres_ok=true
kafka_ok=true

# Start both first so the broker's JVM boots while PostgreSQL starts, then wait.
bash "${SCRIPT_DIR}/postgres.sh" start || postgres_ok=false
bash "${SCRIPT_DIR}/kafka.sh" start || kafka_ok=false
if "${postgres_ok}"; then bash "${SCRIPT_DIR}/postgres.sh" wait || postgres_ok=false; fi
if "${kafka_ok}"; then bash "${SCRIPT_DIR}/kafka.sh" wait || kafka_ok=false; fi

missing=()
"${postgres_ok}" || missing+=("PostgreSQL on 127.0.0.1:${POSTGRES_PORT:-5432}")
"${kafka_ok}" || missing+=("Kafka on 127.0.0.1:${KAFKA_PORT:-9092}")
if [ "${#missing[@]}" -gt 0 ]; then
  joined="${missing[0]}"
  for item in "${missing[@]:1}"; do joined="${joined}, ${item}"; done
  printf 'up: ERROR: could not make available: %s (see the messages above and infra/local/README.md)\n' \
    "${joined}" >&2
  exit 1
fi
echo "up: PostgreSQL and Kafka are available"
