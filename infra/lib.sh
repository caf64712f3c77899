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

# ---------------------------------------------------------------------------------------------------------------
# RabbitMQ: a private node (own HOME/cookie, node name, ports, data and log folders) that never touches Debian's
# default node. Ports derive from the AMQP port: Erlang distribution = PORT+20000, epmd = PORT+10000 (PORT-20000 and
# PORT-10000 for AMQP ports above 45535, whose sums would pass 65535).

rmq_dist_port() { if [ $(($1 + 20000)) -le 65535 ]; then echo $(($1 + 20000)); else echo $(($1 - 20000)); fi; }
rmq_epmd_port() { if [ $(($1 + 20000)) -le 65535 ]; then echo $(($1 + 10000)); else echo $(($1 - 10000)); fi; }

rmq_install() {
  command -v rabbitmq-server >/dev/null 2>&1 && [ -x /usr/sbin/rabbitmq-server ] && return 0
  log "installing RabbitMQ from Debian's packages"
  apt_install rabbitmq-server
}

# Runs a RabbitMQ command as the rabbitmq user with the private node's environment.
rmq_env_run() {
  local root=$1 port=$2; shift 2
  local envs=(HOME="$root/home" RABBITMQ_NODENAME="bp$port@localhost" RABBITMQ_NODE_PORT="$port"
    RABBITMQ_DIST_PORT="$(rmq_dist_port "$port")" ERL_EPMD_PORT="$(rmq_epmd_port "$port")" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_MNESIA_BASE="$root/mnesia" RABBITMQ_LOG_BASE="$root/log" RABBITMQ_PID_FILE="$root/rabbitmq.pid"
    RABBITMQ_ENABLED_PLUGINS_FILE="$root/enabled_plugins" RABBITMQ_CONFIG_FILE="$root/rabbitmq"
    RABBITMQ_ADVANCED_CONFIG_FILE="$root/advanced.config" RABBITMQ_CONF_ENV_FILE="$root/rabbitmq-env.conf")
  if as_root; then runuser -u rabbitmq -- env "${envs[@]}" "$@"; else env "${envs[@]}" "$@"; fi
}

rmq_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# rmq_start ROOT PORT [fresh]: starts the node when its port is closed; "fresh" wipes its data first (tests).
rmq_start() {
  local root=$1 port=$2 fresh=${3:-}
  if rmq_port_open "$port"; then log "RabbitMQ already answers on 127.0.0.1:$port"; return 0; fi
  rmq_install || return 1
  [ "$fresh" = fresh ] && rm -rf "$root/mnesia" "$root/log"
  mkdir -p "$root/home" "$root/mnesia" "$root/log"
  [ -f "$root/enabled_plugins" ] || echo '[].' > "$root/enabled_plugins"
  # Written every time: the same directory may be started on another port (BP_TEST_RABBITMQ_PORT).
  printf 'listeners.tcp.default = 127.0.0.1:%s\n' "$port" > "$root/rabbitmq.conf"
  : > "$root/rabbitmq-env.conf"
  as_root && chown -R rabbitmq:rabbitmq "$root"
  log "starting a private RabbitMQ node on 127.0.0.1:$port ($root)"
  rmq_env_run "$root" "$port" rabbitmq-server -detached >/dev/null 2>&1 || true
  # `rabbitmqctl await_startup` returns too early: poll the AMQP port (up to 3 minutes: Erlang boots slowly on a loaded machine).
  local i
  for i in $(seq 1 360); do
    if rmq_port_open "$port"; then log "RabbitMQ ready on 127.0.0.1:$port after $((i / 2)) s"; return 0; fi
    sleep 0.5
  done
  log "RabbitMQ did not open port $port; see $root/log"; return 1
}

rmq_stop() {
  local root=$1 port=$2
  [ -d "$root/home" ] || return 0
  if rmq_port_open "$port"; then
    # The CLI looks for the cookie in the rabbitmq user's real home: hand it the private node's cookie.
    rmq_env_run "$root" "$port" rabbitmqctl --erlang-cookie "$(cat "$root/home/.erlang.cookie" 2>/dev/null)" \
      -n "bp$port@localhost" stop >/dev/null 2>&1 \
      || { [ -f "$root/rabbitmq.pid" ] && kill "$(cat "$root/rabbitmq.pid")" 2>/dev/null; } || true
    log "RabbitMQ on port $port stopped"
  else
    # A node that never opened its port (a start that timed out) is found by its private directory and ended.
    local pid
    for pid in $(pgrep -f beam.smp 2>/dev/null); do
      if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "RABBITMQ_MNESIA_BASE=$root/mnesia"; then kill "$pid" 2>/dev/null || true; fi
    done
  fi
  # epmd (the Erlang port mapper the node started on its derived port) lives on after the node: end it too.
  ERL_EPMD_PORT="$(rmq_epmd_port "$port")" ERL_EPMD_ADDRESS=127.0.0.1 epmd -kill >/dev/null 2>&1 || true
}
