#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector server for the test suite, from Debian's packages only.
#
#   scripts/postgres-test-server.sh install        install PostgreSQL 15 and build pgvector (root; idempotent)
#   scripts/postgres-test-server.sh start DIR      init a cluster in DIR, start it on a free loopback port,
#                                                  print its connection string on stdout
#   scripts/postgres-test-server.sh stop DIR       stop it (the caller removes DIR)
#   scripts/postgres-test-server.sh pause DIR      stop it cleanly (fast shutdown: sessions are ended, the
#                                                  data is kept), as an operator's restart would; for fault tests
#   scripts/postgres-test-server.sh resume DIR     start a paused server again, on the same port with the same settings
#   scripts/postgres-test-server.sh standby PRIMARY DIR
#                                                  copy the running server in PRIMARY (pg_basebackup -R) into DIR and
#                                                  start it as its streaming standby on a free port; print the port
#   scripts/postgres-test-server.sh crash DIR      stop it with an immediate shutdown (no checkpoint, nothing more sent
#                                                  to standbys), as a primary that dies would; for failover tests
#
# The cluster trusts nobody: host connections use scram-sha-256 with a random password, so the
# tests also prove that passwords never reach logs. fsync is off: the data is thrown away.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PGVECTOR_SUITE=trixie   # bookworm has no pgvector; trixie's source package builds against PostgreSQL 15

log() { echo "postgres-test-server: $*" >&2; }

# shellcheck source=lib/debian-mirror.sh
source "$(dirname "$0")/lib/debian-mirror.sh"

have_pgvector() { [ -f /usr/share/postgresql/15/extension/vector.control ] && [ -f /usr/lib/postgresql/15/lib/vector.so ]; }

# pg_config ships in postgresql-client-15, so it proves nothing about the server headers that
# building pgvector needs: check for postgres.h itself.
have_server_headers() { [ -f "$("$PG_BIN/pg_config" --includedir-server 2>/dev/null)/postgres.h" ]; }

install() {
  if [ -x "$PG_BIN/postgres" ] && have_pgvector; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL 15 with pgvector is missing and installing it needs root."
    log "Run 'sudo $0 install', or point COMPOZY_TEST_POSTGRES at a server that has pgvector."
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local packages=()
  [ -x "$PG_BIN/postgres" ] || packages+=(postgresql-15)
  if ! have_pgvector; then
    [ -x "$PG_BIN/pg_config" ] && have_server_headers || packages+=(postgresql-server-dev-15)
    command -v dpkg-source >/dev/null || packages+=(dpkg-dev)
    command -v make >/dev/null || packages+=(make)
    command -v gcc >/dev/null || packages+=(gcc)
  fi
  if [ ${#packages[@]} -gt 0 ]; then
    log "installing ${packages[*]} from Debian"
    apt-get update -qq
    apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
  if ! have_pgvector; then
    have_server_headers || { log "postgres.h is still missing after installing postgresql-server-dev-15"; exit 1; }
    build_pgvector
  fi
  have_pgvector || { log "pgvector is still missing after the build"; exit 1; }
}

build_pgvector() {
  log "building pgvector from Debian's $PGVECTOR_SUITE source package"
  local mirror work
  mirror=$(debian_mirror)
  work=$(mktemp -d "${TMPDIR:-/tmp}/compozy-pgvector.XXXXXX")
  # The build folder goes whatever happens; the RETURN trap is cleared so it runs once.
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  local sources="$work/sources.list"
  echo "deb-src $mirror $PGVECTOR_SUITE main" > "$sources"
  # A separate source list and state directory: the machine's own apt configuration is untouched.
  local apt_opts=(-o "Dir::Etc::sourcelist=$sources" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")
  mkdir -p "$work/lists/partial"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq pgvector >/dev/null 2>&1)
  local src
  src=$(find "$work" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [ -n "$src" ] || { log "apt-get source pgvector from $mirror ($PGVECTOR_SUITE) produced no source folder"; return 1; }
  # with_llvm=no: the bitcode for JIT would pull clang and llvm and take minutes.
  make -C "$src" -s -j"$(nproc)" with_llvm=no PG_CONFIG="$PG_BIN/pg_config" >/dev/null
  make -C "$src" -s install with_llvm=no PG_CONFIG="$PG_BIN/pg_config" >/dev/null
}

free_port() {
  python3 - <<'PY' 2>/dev/null || shuf -i 20000-60000 -n 1
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  local password port
  password="test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  port=$(free_port)
  printf '%s\n' "$password" > "$dir/.pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/.pwfile"; fi
  chmod 600 "$dir/.pwfile"
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/.pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/.pwfile"
  launch "$dir" "$port"
  # ON_ERROR_STOP: without it psql goes on after a failed CREATE EXTENSION and the server is
  # announced "with pgvector" that has none.
  as_owner "$PG_BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE EXTENSION IF NOT EXISTS vector" -c "SELECT extversion FROM pg_extension WHERE extname='vector'" >"$dir/pgvector.version"
  echo "$port" > "$dir/port"
  log "PostgreSQL $(as_owner "$PG_BIN/postgres" --version | awk '{print $3}') with pgvector $(cat "$dir/pgvector.version") on 127.0.0.1:$port"
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
}

launch() {
  local dir=$1 port=$2
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

pause() {
  local dir=$1
  [ -f "$dir/port" ] || { log "no server was started in $dir"; exit 1; }
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
}

resume() {
  local dir=$1
  [ -f "$dir/port" ] || { log "no server was started in $dir"; exit 1; }
  launch "$dir" "$(cat "$dir/port")"
}

standby() {
  local primary=$1 dir=$2 port
  [ -f "$primary/port" ] || { log "no server was started in $primary"; exit 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  # Over the primary's Unix socket, which initdb's pg_hba.conf trusts for replication too; -R writes
  # primary_conninfo and standby.signal, so the copy starts as a standby that streams from it.
  as_owner "$PG_BIN/pg_basebackup" -h "$primary" -p "$(cat "$primary/port")" -U postgres -D "$dir/data" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  port=$(free_port)
  launch "$dir" "$port"
  echo "$port" > "$dir/port"
  log "standby of $primary on 127.0.0.1:$port"
  echo "$port"
}

crash() {
  local dir=$1
  [ -f "$dir/port" ] || { log "no server was started in $dir"; exit 1; }
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] || return 0
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 2 ] || { log "usage: $0 start DIR"; exit 2; }; start "$2" ;;
  stop) [ $# -eq 2 ] || { log "usage: $0 stop DIR"; exit 2; }; stop "$2" ;;
  pause) [ $# -eq 2 ] || { log "usage: $0 pause DIR"; exit 2; }; pause "$2" ;;
  resume) [ $# -eq 2 ] || { log "usage: $0 resume DIR"; exit 2; }; resume "$2" ;;
  standby) [ $# -eq 3 ] || { log "usage: $0 standby PRIMARY DIR"; exit 2; }; standby "$2" "$3" ;;
  crash) [ $# -eq 2 ] || { log "usage: $0 crash DIR"; exit 2; }; crash "$2" ;;
  *) log "usage: $0 install | start DIR | stop DIR | pause DIR | resume DIR | standby PRIMARY DIR | crash DIR"; exit 2 ;;
esac
