# shellcheck shell=bash
# Shared shell helpers for setup.sh, demo.sh and test.sh. Source it: it only sets variables and
# defines functions.
#
# Throwaway PostgreSQL instances live in a directory of their own: DIR/data is the cluster,
# DIR is also the unix socket directory, DIR/server.log the server log. They listen on no TCP
# address, so two instances only need different directories (and ports, for the socket name).

# PGBIN may point at a private copy of the PostgreSQL 15 tree (its lib/ and share/ relocated
# beside it), so that two checkouts can build, install and test side by side.
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PGXS_DIR="$(dirname "$PGBIN")/lib/pgxs"  # pg_regress, pg_isolation_regress
export PGBIN PGXS_DIR
PG_USER=postgres

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_root() {
    [[ $EUID -eq 0 ]] || die "run as root (apt-get, make install and runuser need it)"
}

# PostgreSQL refuses to run as root, so servers and pg_regress run as the postgres OS user.
as_postgres() { runuser -u "$PG_USER" -- "$@"; }

# The postgres user must be able to reach DIR through every parent directory.
check_reachable_by_postgres() {
    local dir="$1"
    as_postgres test -x "$dir" -a -r "$dir" ||
        die "$dir is not reachable by the $PG_USER user (check the permissions of its parents)"
}

# A unix socket path is limited to 107 bytes; fail early with a clear message.
check_socket_path() {
    local dir="$1" port="$2" path="$1/.s.PGSQL.$2"
    ((${#path} <= 107)) || die "socket path $path is too long; use a shorter directory"
}

pg_instance_running() {
    local dir="$1"
    [[ -f "$dir/data/postmaster.pid" ]] && as_postgres "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# Creates DIR (wiping what was there) and a fresh cluster in DIR/data configured for pg_tviews.
pg_instance_init() {
    local dir="$1" port="$2"
    rm -rf "$dir"
    mkdir -p "$dir"
    chown "$PG_USER:$PG_USER" "$dir"
    chmod 0755 "$dir"  # clients of other users need to reach the socket
    check_reachable_by_postgres "$dir"
    check_socket_path "$dir" "$port"
    as_postgres "$PGBIN/initdb" -D "$dir/data" --auth=trust --username="$PG_USER" \
        --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
    # shared_preload_libraries: the statement-end refresh hooks must exist before any statement.
    cat >>"$dir/data/postgresql.conf" <<EOF

# pg_tviews throwaway instance
listen_addresses = ''
port = $port
unix_socket_directories = '$dir'
shared_preload_libraries = 'pg_tviews'
max_prepared_transactions = 10
fsync = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

# Starts the instance in DIR (initialising it first when DIR/data does not exist).
pg_instance_start() {
    local dir="$1" port="$2"
    [[ -f "$dir/data/PG_VERSION" ]] || pg_instance_init "$dir" "$port"
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { tail -n 30 "$dir/server.log" >&2; die "server in $dir did not start"; }
}

pg_instance_stop() {
    local dir="$1"
    pg_instance_running "$dir" || return 0
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null
}

pg_instance_restart() {
    local dir="$1"
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null ||
        { tail -n 30 "$dir/server.log" >&2; die "server in $dir did not restart"; }
}

# For bench scripts: a fresh instance in DIR with a database "bench" holding the extension,
# stopped (and unless KEEP is 1 deleted) when the script exits. Further arguments are extra
# postgresql.conf lines. Usage: bench_instance DIR PORT KEEP [setting...]
bench_instance() {
    local dir="$1" port="$2" keep="$3" setting
    shift 3
    pg_instance_stop "$dir"
    pg_instance_init "$dir" "$port"
    for setting in "$@"; do echo "$setting" >>"$dir/data/postgresql.conf"; done
    pg_instance_start "$dir" "$port"
    # Expanded now: the trap runs when these locals are gone.
    # shellcheck disable=SC2064
    trap "pg_instance_stop '$dir'; ((${keep})) || rm -rf '$dir'" EXIT
    psql_at "$dir" "$port" postgres -q -c 'CREATE DATABASE bench'
    psql_at "$dir" "$port" bench -q -c 'CREATE EXTENSION pg_tviews'
}

# psql against the instance in DIR: psql_at DIR PORT DBNAME [psql args...]. -X ignores any
# ~/.psqlrc so output does not depend on the machine.
psql_at() {
    local dir="$1" port="$2" db="$3"
    shift 3
    "$PGBIN/psql" -X -h "$dir" -p "$port" -U "$PG_USER" -d "$db" -v ON_ERROR_STOP=1 "$@"
}

# Scans server logs for crashed backends: prints the offending lines on stderr and the number of
# crashes on stdout (0 when none). A crash is counted by its "terminated by signal" line (a
# PANIC is followed by one); a PANIC without such a line still counts once per log. Missing
# files are ignored: an instance that never started has no log.
pg_log_crashes() {
    local file total=0 n
    for file in "$@"; do
        [[ -f "$file" ]] || continue
        grep -nE 'terminated by signal|PANIC' "$file" | sed "s|^|$file:|" >&2 || true
        n="$(grep -c 'terminated by signal' "$file" || true)"
        if ((n == 0)) && grep -q 'PANIC' "$file"; then n=1; fi
        total=$((total + n))
    done
    echo "$total"
}
