#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on loopback for running the suite in the server mode.
#
#   scripts/ci_services.sh start   start both (already running is fine), wait until they answer
#   scripts/ci_services.sh stop    stop both and delete their data (already stopped is fine)
#   scripts/ci_services.sh status  say whether each one answers
#   scripts/ci_services.sh env     print the DATABASE_URL and REDIS_URL exports, for eval
#
# The ports are unusual on purpose so that a developer's own PostgreSQL and Redis are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${LVZHI_CI_PG_PORT:-54329}
REDIS_PORT=${LVZHI_CI_REDIS_PORT:-63799}
PG_BIN=${LVZHI_CI_PG_BIN:-/usr/lib/postgresql/15/bin}
HOST=127.0.0.1
DB_NAME=lvzhi
DB_USER=lvzhi
DB_PASSWORD=lvzhi

STATE_DIR=var/ci
# The cluster lives in a temporary directory rather than in the checkout: its owner must be able
# to reach it (a checkout in a private home is not reachable for the postgres account), and the
# socket path must stay under the kernel's length limit however deep the checkout is.
PG_DIR_RECORD=$STATE_DIR/postgres.dir
REDIS_PIDFILE=$STATE_DIR/redis.pid
REDIS_LOG=$STATE_DIR/redis.log

say() { printf '[services] %s\n' "$*"; }
fail() {
  printf '[services] %s\n' "$*" >&2
  exit 1
}

# initdb refuses to run as root, so as root the cluster belongs to the postgres account.
if [ "$(id -u)" -eq 0 ]; then
  PG_OWNER=postgres
  as_owner() { runuser -u "$PG_OWNER" -- "$@"; }
else
  PG_OWNER=$(id -un)
  as_owner() { "$@"; }
fi

find_pg_bin() {
  if [ -x "$PG_BIN/pg_ctl" ]; then
    return
  fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/pg_ctl" ]; then
      PG_BIN=$candidate
      return
    fi
  done
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/pg_ctl" ]; then
    PG_BIN=$(pg_config --bindir)
    return
  fi
  fail "No PostgreSQL server binaries found (set LVZHI_CI_PG_BIN to their directory)."
}

pg_answers() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2; }
redis_answers() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

wait_for() {
  local what=$1 check=$2 tries=60
  until "$check"; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      fail "$what did not answer within 30 seconds."
    fi
    sleep 0.5
  done
}

recorded_pg_dir() {
  if [ -f "$PG_DIR_RECORD" ]; then
    cat "$PG_DIR_RECORD"
  fi
}

start_postgres() {
  find_pg_bin
  if pg_answers; then
    if [ -z "$(recorded_pg_dir)" ]; then
      # Something else holds the port: use it only if it is a cluster set up like ours.
      if PGPASSWORD=$DB_PASSWORD "$PG_BIN/psql" -h "$HOST" -p "$PG_PORT" -U "$DB_USER" \
        -d "$DB_NAME" -tAc 'SELECT 1' >/dev/null 2>&1; then
        say "PostgreSQL already answers on $HOST:$PG_PORT (started elsewhere); using it."
        return
      fi
      fail "Port $PG_PORT is taken by a PostgreSQL this script did not start; stop it first."
    fi
    say "PostgreSQL already running on $HOST:$PG_PORT."
    ensure_database
    return
  fi

  # Leftovers of a run that never stopped (a killed job, a reboot) are thrown away.
  local old
  old=$(recorded_pg_dir)
  if [ -n "$old" ] && [ -d "$old" ]; then
    rm -rf -- "$old"
  fi
  rm -f "$PG_DIR_RECORD"

  if ! id "$PG_OWNER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OWNER"
  fi
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lvzhi-ci-pg.XXXXXX")
  chown "$PG_OWNER" "$dir"
  chmod 700 "$dir"
  if ! as_owner test -w "$dir"; then
    rm -rf -- "$dir"
    fail "The $PG_OWNER account cannot write to ${TMPDIR:-/tmp}; set TMPDIR to a directory it can reach."
  fi
  echo "$dir" >"$PG_DIR_RECORD"

  say "Creating a PostgreSQL cluster in $dir"
  # No password on the socket, which only the owner can reach (mode 700); passwords over TCP.
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    {
      cat "$dir/initdb.log" >&2
      fail "initdb failed."
    }
  # Durability is worthless for a database that is deleted after the run, and costs time.
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=$HOST -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c unix_socket_directories='$dir'" \
    >/dev/null ||
    {
      cat "$dir/postgres.log" >&2
      fail "PostgreSQL did not start."
    }
  wait_for PostgreSQL pg_answers
  ensure_database
  say "PostgreSQL answers on $HOST:$PG_PORT."
}

ensure_database() {
  local dir
  dir=$(recorded_pg_dir)
  # CREATEDB because the test runner creates and drops its own test database.
  as_owner "$PG_BIN/psql" -h "$dir" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD ''$DB_PASSWORD'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
}

stop_postgres() {
  find_pg_bin
  local dir
  dir=$(recorded_pg_dir)
  if [ -z "$dir" ]; then
    say "PostgreSQL was not started here; nothing to stop."
    return
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
      say "pg_ctl stop failed; see $dir/postgres.log"
    say "PostgreSQL stopped."
  else
    say "PostgreSQL was not running."
  fi
  rm -rf -- "$dir"
  rm -f "$PG_DIR_RECORD"
}

redis_pid() {
  local pid
  if [ -f "$REDIS_PIDFILE" ]; then
    pid=$(cat "$REDIS_PIDFILE")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      echo "$pid"
    fi
  fi
}

start_redis() {
  if redis_answers; then
    if [ -z "$(redis_pid)" ]; then
      say "Redis already answers on $HOST:$REDIS_PORT (started elsewhere); using it."
    else
      say "Redis already running on $HOST:$REDIS_PORT."
    fi
    return
  fi
  command -v redis-server >/dev/null || fail "redis-server is not installed."
  # Jobs and cache entries of a test run are not worth keeping: no snapshots, no append log.
  redis-server --bind "$HOST" --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$PWD/$REDIS_PIDFILE" --logfile "$PWD/$REDIS_LOG" --dir "$PWD/$STATE_DIR" \
    --save '' --appendonly no
  wait_for Redis redis_answers
  say "Redis answers on $HOST:$REDIS_PORT."
}

stop_redis() {
  local pid tries=60
  pid=$(redis_pid)
  if [ -z "$pid" ]; then
    say "Redis was not started here or is not running."
    rm -f "$REDIS_PIDFILE"
    return
  fi
  redis-cli -h "$HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$REDIS_PIDFILE"
  say "Redis stopped."
}

status() {
  find_pg_bin
  local code=0
  if pg_answers; then say "PostgreSQL answers on $HOST:$PG_PORT."; else
    say "PostgreSQL does not answer on $HOST:$PG_PORT."
    code=1
  fi
  if redis_answers; then say "Redis answers on $HOST:$REDIS_PORT."; else
    say "Redis does not answer on $HOST:$REDIS_PORT."
    code=1
  fi
  return "$code"
}

case "${1:-}" in
  start)
    mkdir -p "$STATE_DIR"
    start_postgres
    start_redis
    ;;
  stop)
    # Both are attempted even if the first one fails, so nothing is left running.
    code=0
    stop_redis || code=1
    stop_postgres || code=1
    exit "$code"
    ;;
  status)
    status
    ;;
  env)
    echo "export DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@$HOST:$PG_PORT/$DB_NAME"
    echo "export REDIS_URL=redis://$HOST:$REDIS_PORT/0"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
