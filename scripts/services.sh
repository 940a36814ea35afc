#!/usr/bin/env bash
# Starts the local services Bulwark's tests use (see docs/services.md) when they are installed but
# not listening. Prints one line per service; a service that is not installed is only noted,
# because its tests skip (or fail under BULWARK_REQUIRE_SERVICES=1, which is CI's business).
# Exits non-zero only when an installed service could not be started.
#
# The start commands mirror io.bulwark.test.services.LocalService; keep the two in step.
set -euo pipefail

readonly WAIT_SECONDS=60
readonly LOG_DIR="${TMPDIR:-/tmp}/bulwark-services"

port_open() {
  timeout 2 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Whether a service's server is installed: the binary its start command runs.
installed() {
  case $1 in
    postgresql) [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null ;;
    mariadb) [[ -x /usr/sbin/mariadbd ]] ;;
    redis) command -v redis-server >/dev/null ;;
    rabbitmq) command -v rabbitmq-server >/dev/null ;;
    nats) [[ -x /usr/sbin/nats-server ]] ;;
    mosquitto) command -v mosquitto >/dev/null ;;
  esac
}

start() {
  case $1 in
    postgresql) start_postgresql ;;
    mariadb) start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ;;
    redis)
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
      ;;
    rabbitmq) rabbitmq-server -detached ;;
    nats)
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
      ;;
    mosquitto) mosquitto -d -c /etc/mosquitto/mosquitto.conf ;;
  esac
}

start_postgresql() {
  # The cluster's version is the one directory under /etc/postgresql; a glob finds it without
  # parsing ls, and fails clearly unless there is exactly one version.
  local versions=(/etc/postgresql/*/)
  if [[ ${#versions[@]} -ne 1 || ! -d ${versions[0]} ]]; then
    echo "expected one version under /etc/postgresql, found: ${versions[*]}" >&2
    return 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(basename "${versions[0]}")" main start
}

# id:display name:port
readonly SERVICES=(
  postgresql:PostgreSQL:5432
  mariadb:MariaDB:3306
  redis:Redis:6379
  rabbitmq:RabbitMQ:5672
  nats:NATS:4222
  mosquitto:Mosquitto:1883
)

report() {
  printf '%-11s 127.0.0.1:%-5s %s\n' "$1" "$2" "$3"
}

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  cat <<'USAGE'
usage: scripts/services.sh    start the local services the tests use, where installed but down
The start commands (docs/services.md says which tests need which service):
  PostgreSQL  pg_ctlcluster --skip-systemctl-redirect <the version under /etc/postgresql> main start
  MariaDB     start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  Redis       redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  RabbitMQ    rabbitmq-server -detached
  NATS        nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server (as a daemon)
  Mosquitto   mosquitto -d -c /etc/mosquitto/mosquitto.conf
USAGE
  exit 0
fi

mkdir -p "$LOG_DIR"
failed=0
started=()

# Start everything that is down first, then wait for all of them, so that slow starters
# (RabbitMQ takes seconds) overlap instead of adding up. Start output goes to a log file:
# a daemon that inherited our stdout would hold the caller's pipe open after we exit.
for entry in "${SERVICES[@]}"; do
  IFS=: read -r id name port <<<"$entry"
  if port_open "$port"; then
    report "$name" "$port" "up"
  elif ! installed "$id"; then
    report "$name" "$port" "not installed (its tests skip, or fail under BULWARK_REQUIRE_SERVICES=1)"
  elif start "$id" >"$LOG_DIR/$id.log" 2>&1; then
    started+=("$entry")
  else
    report "$name" "$port" "failed to start: start command exited with $? (see $LOG_DIR/$id.log)"
    failed=1
  fi
done

deadline=$((SECONDS + WAIT_SECONDS))
for entry in "${started[@]}"; do
  IFS=: read -r id name port <<<"$entry"
  until port_open "$port" || ((SECONDS >= deadline)); do
    sleep 1
  done
  if port_open "$port"; then
    report "$name" "$port" "started"
  else
    report "$name" "$port" "failed to start: not listening after ${WAIT_SECONDS}s (see $LOG_DIR/$id.log)"
    failed=1
  fi
done

exit "$failed"
