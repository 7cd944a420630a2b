#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the team-mode tests, on a free loopback port.
#
#   tools/pg_test_server.sh start [DIR]   initdb + start; prints the URL (postgresql://kapusta:kapusta@127.0.0.1:PORT/kapusta_test)
#   tools/pg_test_server.sh url [DIR]     prints the URL of a running cluster
#   tools/pg_test_server.sh stop [DIR]    stops the cluster and deletes DIR
#
# DIR defaults to ${TMPDIR:-/tmp}/kapusta-pg-test. The role `kapusta` may create databases, so the tests can make
# one database per module. As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

ACTION=${1:-}
DIR=${2:-${TMPDIR:-/tmp}/kapusta-pg-test}
ROLE=kapusta
PASSWORD=kapusta
DBNAME=kapusta_test

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo "pg_test_server: $name not found; install PostgreSQL (apt-get install -y postgresql)" >&2
  exit 1
}

# Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

print_url() {
  if [ ! -f "$DIR/port" ]; then
    echo "pg_test_server: no cluster in $DIR" >&2
    exit 1
  fi
  echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$(cat "$DIR/port")/$DBNAME"
}

start() {
  local initdb pg_ctl psql port attempt
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
  psql=$(find_bin psql)
  if [ -f "$DIR/port" ] && as_owner "$pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    print_url
    return
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
  as_owner "$initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  # Tests open and drop many short-lived connections and databases; durability is not needed.
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 start \
        -o "-p $port -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=200" >/dev/null; then
      echo "$port" >"$DIR/port"
      break
    fi
    if [ "$attempt" = 3 ]; then cat "$DIR/server.log" >&2; exit 1; fi
  done
  as_owner "$psql" -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" \
    -c "CREATE DATABASE $DBNAME OWNER $ROLE" >/dev/null
  print_url
}

stop() {
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl)
  if [ -d "$DIR/data" ]; then
    as_owner "$pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  url) print_url ;;
  *) echo "usage: $0 start|url|stop [DIR]" >&2; exit 2 ;;
esac
