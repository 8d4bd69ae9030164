#!/usr/bin/env bash
# Large TVIEWs: a full pg_tviews_refresh() against a chunked CALL pg_tviews_rebuild(), side by
# side in one run, each with a concurrent writer of single base rows.
#
#   bash bench/rebuild.sh [--rows N] [--chunk N] [--port P] [--keep]
#
# Uses the installed extension (it does not build). Starts a throwaway PostgreSQL 15 instance in
# /tmp/pg_tviews_bench_rebuild (unix socket only), and for two TVIEWs of N rows (default
# 200,000) each
#   item  one base row per key: no key locks (the rebuild locks each chunk's rows)
#   post  a JSONB document joining its author: per-key locks, or one TVIEW-wide lock for a
#         refresh of more than pg_tviews.max_key_locks (256) keys
# damages 1% of the rows, then times (1) pg_tviews_refresh, (2) pg_tviews_rebuild with the
# chunk size (default 10,000) and (3) with 256 keys per chunk, while a writer updates a random
# base row every 10 ms in its own transaction and records how long each update took. Prints
# total time, the writer's longest and 99th-percentile update, and the share of updates that
# waited over 100 ms; checks the TVIEW equals its definition after each. Run as root.
set -euo pipefail

ROWS=200000
CHUNK=10000
PORT=55471
KEEP=0
while (($#)); do
    case "$1" in
        --rows) ROWS="$2"; shift 2 ;;
        --chunk) CHUNK="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
require_root
DIR=/tmp/pg_tviews_bench_rebuild
q() { psql_at "$DIR" "$PORT" bench -qAt "$@"; }

bench_instance "$DIR" "$PORT" "$KEEP" "shared_buffers = '512MB'" "max_wal_size = '4GB'" \
    "checkpoint_timeout = '30min'"
log "creating two TVIEWs of $ROWS rows"
q <<EOF
CREATE TABLE tb_item (pk_item int PRIMARY KEY, v int NOT NULL, note text NOT NULL);
INSERT INTO tb_item SELECT g, 0, md5(g::text) FROM generate_series(1, $ROWS) g;
CREATE TABLE tb_user (pk_user int PRIMARY KEY, name text NOT NULL);
INSERT INTO tb_user SELECT g, 'user ' || g FROM generate_series(1, 1000) g;
CREATE TABLE tb_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES tb_user,
                      title text NOT NULL, v int NOT NULL);
INSERT INTO tb_post SELECT g, 1 + g % 1000, 'post ' || g, 0 FROM generate_series(1, $ROWS) g;
CREATE INDEX ON tb_post (fk_user);
CREATE TABLE tv_item AS SELECT i.pk_item, i.v, i.note FROM tb_item i;
CREATE TABLE tv_post AS
SELECT p.pk_post, jsonb_build_object('title', p.title, 'v', p.v,
                                     'author', jsonb_build_object('id', u.pk_user, 'name', u.name)) AS data
  FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_user;
VACUUM ANALYZE;
-- One row per writer update.
CREATE UNLOGGED TABLE bench_latency (op text, ms float8);
CREATE UNLOGGED TABLE bench_stop (op text);
EOF

# Starts the writer for operation $1 on base table $2 in the background, as WRITER_PID.
start_writer() {
    local op="$1" base="$2"
    as_postgres "$PGBIN/psql" -X -q -h "$DIR" -p "$PORT" -d bench >/dev/null 2>&1 <<EOF &
DO \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    IF EXISTS (SELECT FROM bench_stop WHERE op = '$op') THEN
        RAISE EXCEPTION 'stop';
    END IF;
    UPDATE $base SET v = v + 1 WHERE pk_$(sed 's/^tb_//' <<<"$base") = 1 + (random() * ($ROWS - 1))::int;
    INSERT INTO bench_latency VALUES ('$op', 1000 * extract(epoch FROM clock_timestamp() - t0));
END \$\$ \watch 0.01
EOF
    WRITER_PID=$!
}

# Runs operation $2 (SQL) as $1 on TVIEW $3 (base table $4) with the writer; prints one line.
measure() {
    local op="$1" sql="$2" tview="$3" base="$4" t0 t1 total
    q -c "UPDATE $tview SET $(if [[ $tview == tv_item ]]; then echo "note = 'damaged'"; else echo "data = '{}'"; fi) WHERE $(sed 's/^tv_/pk_/' <<<"$tview") % 100 = 0"
    q -c "CHECKPOINT"
    start_writer "$op" "$base"
    sleep 1  # the writer's baseline
    t0=$(date +%s.%N)
    q -c "$sql" >/dev/null
    t1=$(date +%s.%N)
    sleep 1
    q -c "INSERT INTO bench_stop VALUES ('$op')"
    wait "$WRITER_PID" 2>/dev/null || true
    total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    q -F ' ' -c "SELECT '$op', '$total',
                        count(*), round(max(ms)::numeric, 1),
                        round((percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::numeric, 1),
                        round(100.0 * count(*) FILTER (WHERE ms > 100) / count(*), 1),
                        pg_tviews_verify('$tview')
                   FROM bench_latency WHERE op = '$op'"
}

{
    printf '%-34s %9s %8s %12s %10s %9s %8s\n' operation total_s updates max_wait_ms p99_ms 'waits>100ms%' verified
    for tv in item post; do
        for spec in "refresh|SELECT pg_tviews_refresh('tv_$tv')" \
                    "rebuild_$CHUNK|CALL pg_tviews_rebuild('tv_$tv', $CHUNK)" \
                    "rebuild_256|CALL pg_tviews_rebuild('tv_$tv', 256)"; do
            name="tv_${tv}_${spec%%|*}"
            measure "$name" "${spec#*|}" "tv_$tv" "tb_$tv" |
                awk '{ printf "%-34s %9s %8s %12s %10s %9s %8s\n", $1, $2, $3, $4, $5, $6, $7 }'
        done
    done
} | tee "$DIR.out"
q -c "SELECT entity_name, chunks_done, keys_done, keys_estimate, round(keys_per_second) AS keys_per_s
        FROM pg_tviews_progress ORDER BY run_id" -F ' ' | sed 's/^/run: /'
# Like bench/run.sh: a read model that differs from its definition afterwards fails the run.
if awk 'NR > 1 && $NF != "t" { bad = 1; print "NOT EQUAL TO ITS DEFINITION after " $1 } END { exit !bad }' "$DIR.out"; then
    exit 1
fi
