#!/usr/bin/env bash
# pg_tviews benchmark: an e-commerce product document maintained four ways, side by side.
#
#   bash bench/run.sh [--sizes 1000,100000] [--reps N] [--port P] [--keep]
#
# Builds and installs the extension, starts a throwaway PostgreSQL 15 instance in bench/.run/
# (unix socket only), and for each size builds identical copies of the data for
#   a  the bare write (no read model)        b  pg_tviews
#   c  a hand-written trigger (recompute)    c2 a hand-written trigger (patch in place)
#   d  the bare write + REFRESH MATERIALIZED VIEW CONCURRENTLY
# then times four writes (single price update, category rename, review insert, 1,000-row price
# update) and prints medians, ratios and physical costs. Writes bench/RESULTS.md, stops the
# instance and deletes its data (about 2.5 GB at 100,000 products) unless --keep is given.
# Run as root (make install; the server runs as the postgres user).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
RUN="$BENCH/.run"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PG_USER=postgres

SIZES=1000,100000
REPS=30
PORT=55450
KEEP=0

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --sizes=*) SIZES="${1#*=}"; shift ;;
        --reps) REPS="$2"; shift 2 ;;
        --reps=*) REPS="${1#*=}"; shift ;;
        --port) PORT="$2"; shift 2 ;;
        --port=*) PORT="${1#*=}"; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done
[[ "$SIZES" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "--sizes: comma-separated integers" >&2; exit 2; }
[[ "$REPS" =~ ^[0-9]+$ ]] && ((REPS >= 3)) || { echo "--reps: an integer >= 3" >&2; exit 2; }
for n in ${SIZES//,/ }; do
    ((n >= 1000)) || { echo "--sizes: each size must be >= 1000 (the bulk update touches 1,000 rows)" >&2; exit 2; }
done
[[ $EUID -eq 0 ]] || { echo "run as root (make install needs it; the server runs as $PG_USER)" >&2; exit 1; }

log() { printf '==> %s\n' "$*" >&2; }
as_pg() { runuser -u "$PG_USER" -- "$@"; }
psql_bench() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -d bench "$@"; }

START_EPOCH=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

log "building and installing pg_tviews"
make -s -C "$ROOT" >/dev/null
make -s -C "$ROOT" install >/dev/null

stop_instance() {
    if [[ -f "$RUN/data/postmaster.pid" ]]; then
        as_pg "$PGBIN/pg_ctl" -D "$RUN/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    fi
}
finish() {
    local rc=$?
    stop_instance
    ((rc == 0)) || log "failed (exit $rc); the server log is $RUN/server.log"
    if ((KEEP)); then
        log "instance data kept in $RUN/data (start: runuser -u $PG_USER -- $PGBIN/pg_ctl -D $RUN/data -l $RUN/server.log start)"
    else
        rm -rf "$RUN/data"
    fi
}
trap finish EXIT

log "starting a throwaway instance in $RUN (port $PORT)"
stop_instance
rm -rf "$RUN"
mkdir -p "$RUN"
chown "$PG_USER:$PG_USER" "$RUN"
as_pg "$PGBIN/initdb" -D "$RUN/data" --auth=trust --username="$PG_USER" --encoding=UTF8 \
    --no-locale >"$RUN/initdb.log" 2>&1 || { cat "$RUN/initdb.log" >&2; exit 1; }
# Defaults everywhere (fsync, synchronous_commit, full_page_writes, autovacuum, checkpoints)
# except memory for the buffer cache and index builds.
cat >>"$RUN/data/postgresql.conf" <<EOF

# pg_tviews benchmark instance
listen_addresses = ''
port = $PORT
unix_socket_directories = '$RUN'
shared_preload_libraries = 'pg_tviews'
shared_buffers = 512MB
maintenance_work_mem = 512MB
EOF
as_pg "$PGBIN/pg_ctl" -D "$RUN/data" -l "$RUN/server.log" -w -t 60 start >/dev/null ||
    { tail -n 30 "$RUN/server.log" >&2; exit 1; }

as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -d postgres -c "CREATE DATABASE bench"
psql_bench -c "CREATE EXTENSION pg_tviews"
psql_bench -f "$BENCH/sql/00_bench_schema.sql"
psql_bench -f "$BENCH/sql/20_driver.sql"

BULK_REPS=$(((REPS + 2) / 3))
for n in ${SIZES//,/ }; do
    # REFRESH MATERIALIZED VIEW CONCURRENTLY recomputes every document: at 50,000 products and
    # more it takes seconds per rep, so (d) gets 5 reps there.
    if ((n >= 50000)); then D_SINGLE=5; D_BULK=5; else D_SINGLE=$REPS; D_BULK=$BULK_REPS; fi
    log "size $n: generating data and building variants a, b, c, c2, d"
    psql_bench -v n_products="$n" -f "$BENCH/sql/10_variants.sql" >/dev/null
    log "size $n: measuring ($REPS reps single-row ops, $BULK_REPS reps bulk; d: $D_SINGLE / $D_BULK)"
    t0=$(date +%s.%N)
    for op in price rename review bulk price_ddl; do
        if [[ $op == bulk ]]; then reps=$BULK_REPS; dreps=$D_BULK; else reps=$REPS; dreps=$D_SINGLE; fi
        log "  $op"
        psql_bench -c "CALL bench.measure($n, '$op', $reps, $dreps)"
    done
    t1=$(date +%s.%N)
    psql_bench -c "UPDATE bench.size_info SET measure_s = $t1 - $t0 WHERE size = $n"
    log "size $n: verifying the read models"
    psql_bench -v n_products="$n" -f "$BENCH/sql/30_verify.sql" >/dev/null
done

psql_bench -f "$BENCH/sql/40_report.sql"
REPORT="$(psql_bench -A -t -c "SELECT bench.report()")"
FAILED="$(psql_bench -A -t -c "SELECT count(*) FROM bench.check WHERE NOT ok")"

PG_VERSION="$(psql_bench -A -t -c "SELECT version()")"
CPU="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
MEM="$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain -- src include sql 2>/dev/null | grep -q . && echo ' (with uncommitted changes in src/, include/ or sql/)' || true)"
ELAPSED=$(($(date +%s) - START_EPOCH))
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

RESULTS="$BENCH/RESULTS.md"
# bench/concurrency.sh keeps its own section of RESULTS.md between these markers: carry it over.
CONCURRENCY_SECTION=""
if [[ -f "$RESULTS" ]]; then
    CONCURRENCY_SECTION="$(sed -n '/^<!-- concurrency:begin -->$/,/^<!-- concurrency:end -->$/p' "$RESULTS")"
fi
{
    cat <<EOF
# pg_tviews benchmark results

Generated by \`bash bench/run.sh --sizes $SIZES --reps $REPS\` — do not edit by hand; rerun.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: \`$(uname -a)\`
- CPU: $CPU, $(nproc) cores; memory $MEM
- PostgreSQL: $PG_VERSION
- pg_tviews: commit $COMMIT$DIRTY
- Instance: defaults (fsync on, synchronous_commit on, full_page_writes on, autovacuum on)
  except shared_buffers = 512MB, maintenance_work_mem = 512MB; unix socket only.
- Total run time: ${ELAPSED} s; load average (1, 5, 15 min) at start: $LOAD_START, at end: $LOAD_END.
  Other work on the machine shows up as noise: the variants are interleaved so that it hits
  them alike, but single medians can move by 10–20 % between runs; COMMIT times (a WAL flush
  to this machine's disk) are the noisiest.

## What is measured

One product document per product (\`pk_product\`, \`id\`, \`fk_category\`, \`fk_supplier\`,
\`data\` jsonb): the product's fields, nested category, supplier and inventory objects, review
count, average rating and the five most recent reviews (a \`LIMIT 5\` subquery inside a
correlated subquery). The definition is \`bench.definition()\` in \`bench/sql/00_bench_schema.sql\`.
Every variant lives in its own schema over an identical copy of the data (fixed seed,
md5-derived UUIDs), foreign keys declared and every foreign key column indexed:

- **a** bare write, no read model.
- **b** pg_tviews: \`CREATE TABLE b.tv_product AS <definition>\`.
- **c** hand-written PL/pgSQL, statement-level AFTER triggers with transition tables on product,
  category, supplier, review and inventory: gather the affected product keys, recompute those
  documents from the same definition (a view) and upsert the ones whose content changed. This is
  what pg_tviews does, written by hand, so b/c is the price of the generic machinery.
- **c2** hand-written, patching: same triggers, but a category/supplier/inventory change rewrites
  only that nested object (\`jsonb_set\`), a product's own fields or the review summary are merged
  with \`||\`; only new products and re-pointed foreign keys are recomputed. The hand-tuned bound.
- **d** a materialized view of the definition with a unique index, \`REFRESH MATERIALIZED VIEW
  CONCURRENTLY\` after each write, in the same transaction.

Operations, each rep its own transaction, targets varied between reps (different products,
categories and product ranges; the same targets for every variant): a single product price
update; a category rename (fan-out to every product of the category); a review insert (changes
the count, the average and the top five); a 1,000-row price update (\`pk_product BETWEEN x AND
x + 999\`; at 1,000 products that is every product). Timing is \`clock_timestamp()\` around the
statement inside a PL/pgSQL function (static SQL, cached plan) and around COMMIT, driven by a
procedure that commits between reps (\`bench/sql/20_driver.sql\`). a, b, c and c2 run
interleaved rep by rep on the same targets; d runs after them (its REFRESH creates and drops a
temporary table, which would otherwise also cost b, see the last table row). Rep 0 is an untimed
warm-up; every operation starts after a CHECKPOINT. Medians throughout. Single-row operations:
$REPS reps; bulk: $BULK_REPS reps; d at 50,000 products and more: 5 reps (each refresh recomputes
every document). After the measurements every read model is checked against its definition
(EXCEPT ALL both ways) and b, c and c2 against each other.

The last row of the first table of each size, *price update after an unrelated DROP TABLE*, is not
one of the four operations: each rep is preceded by \`CREATE TEMP TABLE ...; DROP TABLE ...\` in
its own transaction. It shows what any DROP in the database (including the transient table of a
\`REFRESH ... CONCURRENTLY\`) costs the next pg_tviews write.

## Results
$REPORT
EOF
    if [[ -n "$CONCURRENCY_SECTION" ]]; then
        printf '\n%s\n' "$CONCURRENCY_SECTION"
    fi
} >"$RESULTS"

cat "$RESULTS"
log "wrote $RESULTS (${ELAPSED} s)"
if ((FAILED > 0)); then
    log "$FAILED correctness check(s) FAILED: the timings above compare read models that are not all correct"
    exit 1
fi
