#!/usr/bin/env bash
# Suspend and resume: what a write costs while its TVIEW is suspended, and what catching up
# costs against a full refresh, side by side in one run.
#
#   bash bench/suspend.sh [--rows N] [--seconds S] [--port P] [--keep]
#
# Uses the installed extension (it does not build). Starts a throwaway PostgreSQL 15 instance in
# /tmp/pg_tviews_bench_suspend and builds N (default 100,000) items, each a JSONB document
# joining its category, three ways: a bare copy (no read model), a copy read by a TVIEW, and the
# same TVIEW suspended. pgbench updates random items' prices for S seconds (default 10) against
# each; then pg_tviews_resume() catches up the suspended TVIEW's backlog and, on the same data,
# pg_tviews_refresh() recomputes it in full. Prints latencies, ratios and the backlog size, and
# checks both TVIEWs equal their definitions. Run as root.
set -euo pipefail

ROWS=100000
SECONDS_PER_RUN=10
PORT=55480
KEEP=0
while (($#)); do
    case "$1" in
        --rows) ROWS="$2"; shift 2 ;;
        --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
require_root
DIR=/tmp/pg_tviews_bench_suspend
q() { psql_at "$DIR" "$PORT" bench -qAt "$@"; }

bench_instance "$DIR" "$PORT" "$KEEP"

log "creating $ROWS items three times"
q <<SQL
CREATE TABLE tb_cat (pk_cat int PRIMARY KEY, name text NOT NULL);
INSERT INTO tb_cat SELECT g, 'category ' || g FROM generate_series(1, 1000) g;
CREATE TABLE bare_item (pk_item int PRIMARY KEY, fk_cat int NOT NULL REFERENCES tb_cat,
                        price numeric NOT NULL, name text NOT NULL);
INSERT INTO bare_item SELECT g, 1 + g % 1000, g, 'item ' || g FROM generate_series(1, $ROWS) g;
CREATE TABLE tb_live (LIKE bare_item INCLUDING ALL);
INSERT INTO tb_live SELECT * FROM bare_item;
CREATE TABLE tb_held (LIKE bare_item INCLUDING ALL);
INSERT INTO tb_held SELECT * FROM bare_item;
CREATE TABLE tv_live AS
SELECT i.pk_item AS pk_live, jsonb_build_object('name', i.name, 'price', i.price, 'category', c.name) AS data
  FROM tb_live i JOIN tb_cat c ON c.pk_cat = i.fk_cat;
CREATE TABLE tv_held AS
SELECT i.pk_item AS pk_held, jsonb_build_object('name', i.name, 'price', i.price, 'category', c.name) AS data
  FROM tb_held i JOIN tb_cat c ON c.pk_cat = i.fk_cat;
VACUUM ANALYZE;
SELECT pg_tviews_suspend('tv_held') AS suspended \gset
SQL

# Mean latency in ms of single-row price updates on table $1 for SECONDS_PER_RUN seconds.
latency() {
    local script="$DIR/update_$1.sql"
    printf '\\set k random(1, %d)\nUPDATE %s SET price = price + 1 WHERE pk_item = :k;\n' \
        "$ROWS" "$1" >"$script"
    chmod a+r "$script"
    as_postgres "$PGBIN/pgbench" -n -h "$DIR" -p "$PORT" -T "$SECONDS_PER_RUN" -f "$script" bench \
        2>&1 | sed -nE 's/^latency average = ([0-9.]+) ms$/\1/p'
}
# Milliseconds statement $1 takes.
elapsed() {
    local t0 t1
    t0=$(date +%s%N)
    q -c "$1" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

log "pgbench: ${SECONDS_PER_RUN}s per variant"
bare=$(latency bare_item)
live=$(latency tb_live)
held=$(latency tb_held)
backlog=$(q -c "SELECT count(*) FROM pg_tviews_get_queue() WHERE entity_name = 'tv_held'")
resume_ms=$(elapsed "SELECT pg_tviews_resume('tv_held')")
refresh_ms=$(elapsed "SELECT pg_tviews_refresh('tv_held')")
verified=$(q -c "SELECT pg_tviews_verify('tv_live') AND pg_tviews_verify('tv_held')")

cat <<REPORT

single-row price update, $ROWS items, mean latency over ${SECONDS_PER_RUN}s (pgbench, one client)
  bare write (no read model)      $bare ms
  pg_tviews, TVIEW maintained     $live ms   ($(ratio "$live" "$bare")x bare)
  pg_tviews, TVIEW suspended      $held ms   ($(ratio "$held" "$bare")x bare, $(ratio "$held" "$live")x maintained)

catching up the suspended TVIEW
  backlog entries                 $backlog
  pg_tviews_resume()              $resume_ms ms
  pg_tviews_refresh() (full)      $refresh_ms ms   (resume takes $(ratio "$resume_ms" "$refresh_ms")x the time of a full refresh)
  both TVIEWs equal their definitions: $verified
REPORT
[[ "$verified" == t ]]
