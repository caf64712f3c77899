#!/usr/bin/env bash
# Helpers shared by run.sh, test.sh and bench.sh: find or install PostgreSQL, run a private cluster.
# A private cluster (own folder, socket and port) never touches Debian's default cluster.

log() { printf '\033[1;34m[infra]\033[0m %s\n' "$*" >&2; }

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! as_root; then
    log "missing: $*; install them (apt-get install -y $*) or run as root"; return 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    log "installing PostgreSQL from Debian's packages"
    apt_install postgresql postgresql-contrib || return 1
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# Runs a command as the owner of the cluster (postgres when we are root, else ourselves).
as_pg() {
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start ROOT PORT [extra postgres options...]: initdb when new, start when not running.
pg_start() {
  local root=$1 port=$2; shift 2
  local bin; bin=$(pg_bin) || return 1
  mkdir -p "$root"
  as_root && chown postgres:postgres "$root"
  if [ ! -f "$root/data/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $root"
    as_pg "$bin/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on port $port"
  else
    as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
      -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c max_connections=300 $*" start >/dev/null
    log "PostgreSQL started on 127.0.0.1:$port"
  fi
}

pg_stop() {
  local root=$1 bin; bin=$(pg_bin) || return 0
  [ -f "$root/data/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null 2>&1 && log "PostgreSQL in $root stopped" || true
}

# pg_createdb PORT DB: creates the database when missing.
pg_createdb() {
  local port=$1 db=$2 bin; bin=$(pg_bin)
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { log "the .NET 10 SDK is required (dotnet on PATH)"; return 1; }
}
