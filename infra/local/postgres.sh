#!/usr/bin/env bash
# Local PostgreSQL for development and tests (Debian packages, no Docker).
#
# Usage: infra/local/postgres.sh start|wait [timeout-s]|status
#
#   start   if 127.0.0.1:$POSTGRES_PORT does not accept connections, start the
#           Debian cluster serving that port (pg_ctlcluster); when PostgreSQL is
#           not installed at all, install it with apt-get first (needs root).
#   wait    wait until the server accepts connections (bounded).
#   status  print whether it accepts connections; exit 0 when it does, 3 otherwise.
#
# Environment:
#   POSTGRES_PORT           port on 127.0.0.1 (default 5432)
#   POSTGRES_WAIT_TIMEOUT   seconds `wait` waits (default 60)
set -euo pipefail

POSTGRES_PORT="${POSTGRES_PORT:-5432}"
POSTGRES_WAIT_TIMEOUT="${POSTGRES_WAIT_TIMEOUT:-60}"

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: ERROR: %s\n' "$*" >&2; exit 1; }

is_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "${POSTGRES_PORT}" -t 2 >/dev/null 2>&1
  else
    # No client tools yet (PostgreSQL not installed): plain TCP probe.
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "${POSTGRES_PORT}" 2>/dev/null
  fi
}

installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] \
    && [ -n "$(ls -A /etc/postgresql 2>/dev/null)" ]
}

# Prints "<version> <cluster>" of the cluster configured for POSTGRES_PORT,
# falling back to the newest version's "main" cluster.
cluster_for_port() {
  local found=""
  if command -v pg_lsclusters >/dev/null 2>&1; then
    found="$(pg_lsclusters -h 2>/dev/null | awk -v p="${POSTGRES_PORT}" '$3 == p { print $1, $2; exit }')"
  fi
  if [ -z "${found}" ]; then
    local version
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    [ -n "${version}" ] && found="${version} main"
  fi
  printf '%s\n' "${found}"
}

# Fresh installs only: let local TCP clients in without a password, as the
# tests expect (postgresql://postgres@127.0.0.1:5432/postgres).
trust_loopback() {
  local version="$1" cluster="$2"
  local hba="/etc/postgresql/${version}/${cluster}/pg_hba.conf"
  [ -f "${hba}" ] || return 0
  local tmp
  tmp="$(mktemp)"
  {
    echo "# Added by infra/local/postgres.sh: passwordless loopback access for local development."
    echo "host    all    all    127.0.0.1/32    trust"
    echo "host    all    all    ::1/128         trust"
    cat "${hba}"
  } >"${tmp}"
  cat "${tmp}" >"${hba}"
  rm -f "${tmp}"
  say "configured trust authentication for 127.0.0.1 and ::1 in ${hba}"
}

install_postgres() {
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed; run as root (or: sudo apt-get install -y postgresql)"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available"
  say "PostgreSQL is not installed: installing it with apt-get (one-time)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
  local target
  target="$(cluster_for_port)"
  [ -n "${target}" ] || die "postgresql installed but no cluster was created"
  # shellcheck disable=SC2086
  trust_loopback ${target}
  # The package may have started the cluster already; restart so pg_hba applies.
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect ${target} stop >/dev/null 2>&1 || true
}

cmd_start() {
  if is_ready; then
    say "already accepting connections on 127.0.0.1:${POSTGRES_PORT}"
    return 0
  fi
  installed || install_postgres
  local target
  target="$(cluster_for_port)"
  [ -n "${target}" ] || die "no PostgreSQL cluster found under /etc/postgresql"
  say "starting cluster ${target/ //} (pg_ctlcluster --skip-systemctl-redirect ${target} start)"
  # shellcheck disable=SC2086
  if ! pg_ctlcluster --skip-systemctl-redirect ${target} start; then
    # "already running" on another address/port also lands here; re-check.
    is_ready || die "starting cluster ${target/ //} did not make 127.0.0.1:${POSTGRES_PORT} accept connections (pg_lsclusters shows what is configured)"
  fi
}

cmd_wait() {
  local timeout="${1:-${POSTGRES_WAIT_TIMEOUT}}"
  [[ "${timeout}" =~ ^[0-9]+$ ]] || die "wait: timeout must be a number of seconds, got '${timeout}'"
  local deadline=$((SECONDS + timeout))
  until is_ready; do
    if [ "${SECONDS}" -ge "${deadline}" ]; then
      die "not accepting connections on 127.0.0.1:${POSTGRES_PORT} after ${timeout}s"
    fi
    sleep 1
  done
  say "accepting connections on 127.0.0.1:${POSTGRES_PORT}"
}

cmd_status() {
  if is_ready; then
    say "UP on 127.0.0.1:${POSTGRES_PORT}"
    return 0
  fi
  if installed; then
    say "DOWN on 127.0.0.1:${POSTGRES_PORT} (installed cluster: $(cluster_for_port))"
  else
    say "DOWN on 127.0.0.1:${POSTGRES_PORT} (not installed)"
  fi
  return 3
}

usage() {
  echo "usage: $0 start|wait [timeout-s]|status" >&2
  exit 2
}

main() {
  local cmd="${1:-}"
  shift || true
  case "${cmd}" in
    start) cmd_start ;;
    wait) cmd_wait "$@" ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

main "$@"
