#!/usr/bin/env bash
# Concurrent writers: throughput, latency and failures of pgbench clients writing the base tables
# of a TVIEW, against the same writes with no TVIEW, side by side in one run.
#
#   bash bench/concurrency.sh [--seconds S] [--products N] [--clients "1 2 4 8"]
#                             [--workloads "disjoint mixed tag_rename"] [--rounds R] [--port P]
#                             [--keep]
#
#   --seconds S     length of each pgbench run (default 15)
#   --products N    products in the data set (default 10,000; at least 1,000)
#   --clients LIST  client counts, space- or comma-separated (default "1 2 4 8")
#   --workloads L   any of disjoint, mixed, tag_rename (default all three)
#   --rounds R      run every (workload, clients) pair R times, bare and tview alternating;
#                   the report shows medians (default 1; 3 on a busy machine)
#   --port P        port of the throwaway instance (default 55490)
#   --keep          keep the instance's data (and every run's database, pgbench output and
#                   per-transaction log) in /tmp/pg_tviews_bench_concurrency
#
# Uses the installed extension (it does not build; PGBIN selects the PostgreSQL tree). Starts a
# throwaway PostgreSQL 15 instance, builds the data once and two template databases from it:
# bare (no read model) and tview (tv_product, a JSONB product document with nested category,
# supplier and inventory, review count and average, and tags read through a link table). For
# every workload and client count it runs pgbench (autocommit, READ COMMITTED, --max-tries=1, so
# deadlocks and serialization failures are counted, not retried) on a fresh copy of each template,
# alternating bare and tview, then checks every TVIEW with pg_tviews_verify(). Prints a Markdown
# report (tps, latency p50/p99 from pgbench's per-transaction log, failures by kind, scaling) and
# writes it into bench/RESULTS.md between <!-- concurrency:begin --> and <!-- concurrency:end -->.
# Exits non-zero when a TVIEW does not equal its definition after a run. Run as root.
set -euo pipefail

SECONDS_PER_RUN=15
PRODUCTS=10000
CLIENTS="1 2 4 8"
WORKLOADS="disjoint mixed tag_rename"
ROUNDS=1
PORT=55490
KEEP=0
ARGS=("$@")

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
    case "$1" in
        --seconds) SECONDS_PER_RUN="${2:-}"; shift 2 ;;
        --seconds=*) SECONDS_PER_RUN="${1#*=}"; shift ;;
        --products) PRODUCTS="${2:-}"; shift 2 ;;
        --products=*) PRODUCTS="${1#*=}"; shift ;;
        --clients) CLIENTS="${2:-}"; shift 2 ;;
        --clients=*) CLIENTS="${1#*=}"; shift ;;
        --workloads) WORKLOADS="${2:-}"; shift 2 ;;
        --workloads=*) WORKLOADS="${1#*=}"; shift ;;
        --rounds) ROUNDS="${2:-}"; shift 2 ;;
        --rounds=*) ROUNDS="${1#*=}"; shift ;;
        --port) PORT="${2:-}"; shift 2 ;;
        --port=*) PORT="${1#*=}"; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "unknown argument: $1" >&2; usage 2 ;;
    esac
done
CLIENTS="${CLIENTS//,/ }"
WORKLOADS="${WORKLOADS//,/ }"
bad() { echo "$1" >&2; exit 2; }
[[ "$SECONDS_PER_RUN" =~ ^[1-9][0-9]*$ ]] || bad "--seconds: a positive integer"
[[ "$PRODUCTS" =~ ^[1-9][0-9]*$ ]] || bad "--products: an integer >= 1000"
((PRODUCTS >= 1000)) || bad "--products: an integer >= 1000"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || bad "--rounds: a positive integer"
[[ "$PORT" =~ ^[1-9][0-9]*$ ]] || bad "--port: an integer"
read -r -a CLIENT_LIST <<<"$CLIENTS"
read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
((${#CLIENT_LIST[@]} > 0)) || bad "--clients: at least one client count"
((${#WORKLOAD_LIST[@]} > 0)) || bad "--workloads: at least one workload"
for c in "${CLIENT_LIST[@]}"; do
    [[ "$c" =~ ^[1-9][0-9]*$ ]] || bad "--clients: integers from 1 to 64"
    ((c <= 64)) || bad "--clients: integers from 1 to 64"
done
for w in "${WORKLOAD_LIST[@]}"; do
    [[ "$w" =~ ^(disjoint|mixed|tag_rename)$ ]] || bad "--workloads: disjoint, mixed or tag_rename, not $w"
done

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
SRC="$BENCH/concurrency"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
require_root
DIR=/tmp/pg_tviews_bench_concurrency
WORK="$DIR/work"
RESULTS="$BENCH/RESULTS.md"
BEGIN_MARK='<!-- concurrency:begin -->'
END_MARK='<!-- concurrency:end -->'
if [[ -f "$RESULTS" ]]; then
    nb="$(grep -cxF "$BEGIN_MARK" "$RESULTS" || true)"
    ne="$(grep -cxF "$END_MARK" "$RESULTS" || true)"
    ((nb == ne && nb <= 1)) ||
        die "$RESULTS has $nb '$BEGIN_MARK' and $ne '$END_MARK' lines; fix it by hand first"
fi

START_EPOCH=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
RUNS=$((${#WORKLOAD_LIST[@]} * ${#CLIENT_LIST[@]} * ROUNDS * 2))
log "$RUNS pgbench runs of ${SECONDS_PER_RUN}s (about $((RUNS * (SECONDS_PER_RUN + 4) / 60 + 1)) minutes)"

# fsync stays off (bench_instance's default): no disk in the picture, only CPU and locks.
bench_instance "$DIR" "$PORT" "$KEEP" "shared_buffers = '256MB'" "max_connections = 100" \
    "log_line_prefix = '%m [%p] %e %q%u@%d '"
mkdir -p "$WORK/log" "$WORK/out"
chown -R "$PG_USER:$PG_USER" "$WORK"
cp "$SRC"/pgbench_*.sql "$WORK/"
chmod a+r "$WORK"/pgbench_*.sql

sql() { local db="$1"; shift; PGOPTIONS='-c client_min_messages=warning' psql_at "$DIR" "$PORT" "$db" -qAt "$@"; }

log "building $PRODUCTS products (database bench: the bare arm's template)"
sql bench -c 'CREATE EXTENSION pg_prewarm'
sql bench -v n_products="$PRODUCTS" -f "$SRC/schema.sql" >/dev/null
read -r N_CATEGORIES N_SUPPLIERS N_TAGS N_REVIEWS N_LINKS <<<"$(sql bench -F ' ' -c "
    SELECT (SELECT count(*) FROM tb_category), (SELECT count(*) FROM tb_supplier),
           (SELECT count(*) FROM tb_tag), (SELECT max(pk_review) FROM tb_review),
           (SELECT count(*) FROM tb_product_tag)")"
log "creating the TVIEW (database tpl_tview: the tview arm's template)"
sql postgres -c 'CREATE DATABASE tpl_tview TEMPLATE bench'
sql tpl_tview -f "$SRC/tview.sql"
MISSING="$(sql tpl_tview -c 'SELECT count(*) FROM pg_tviews_missing_indexes')"
((MISSING == 0)) || die "pg_tviews_missing_indexes lists $MISSING index(es): add them to $SRC/schema.sql"
[[ "$(sql tpl_tview -c "SELECT pg_tviews_verify('tv_product')")" == t ]] ||
    die "tv_product does not equal its definition right after creation"
DOC_BYTES="$(sql tpl_tview -c 'SELECT round(avg(pg_column_size(data))) FROM tv_product')"
# No session (nor autovacuum) may use a template while it is copied.
sql postgres -c 'ALTER DATABASE bench ALLOW_CONNECTIONS false' \
    -c 'ALTER DATABASE tpl_tview ALLOW_CONNECTIONS false'

TSV="$WORK/runs.tsv"
NOTES="$WORK/notes.md"
EXAMPLES="$WORK/deadlock_examples.md"
: >"$TSV"
: >"$NOTES"
: >"$EXAMPLES"
note() { printf -- '- %s\n' "$*" >>"$NOTES"; log "NOTE: $*"; }
STALE=0

# pgbench's script arguments for workload $1.
workload_scripts() {
    case "$1" in
        disjoint) echo "-f $WORK/pgbench_disjoint_price.sql" ;;
        mixed) echo "-f $WORK/pgbench_price.sql@80 -f $WORK/pgbench_review_update.sql@5" \
                    "-f $WORK/pgbench_review_insert.sql@5 -f $WORK/pgbench_category_rename.sql@10" ;;
        tag_rename) echo "-f $WORK/pgbench_tag_rename.sql" ;;
    esac
}
MIXED_SCRIPTS=(price review_update review_insert category_rename)

# Other work on the machine, as the mean number of runnable processes over one second while
# this benchmark is idle (between runs), less the sampling process itself.
other_load() {
    local i sum=0 n
    for ((i = 0; i < 10; i++)); do
        n="$(awk '$1 == "procs_running" { print $2 }' /proc/stat)"
        sum=$((sum + (n > 1 ? n - 1 : 0)))
        sleep 0.1
    done
    awk -v s="$sum" 'BEGIN { printf "%.1f", s / 10 }'
}

# The first line "prefix N" of pgbench's summary in file $2 prints N (empty when absent).
summary_value() { sed -nE "s/^$1 ([0-9.]+).*/\\1/p" "$2" | head -n1; }

# One pgbench run: run_one WORKLOAD CLIENTS ARM ROUND. Appends a line to $TSV.
run_one() {
    local workload="$1" clients="$2" arm="$3" round="$4"
    local name="${workload}_c${clients}_${arm}" template=bench threads=$((clients < 2 ? clients : 2))
    ((ROUNDS == 1)) || name="${name}_r$round"
    local db="r_$name" out="$WORK/out/$name.txt" slice="$WORK/out/$name.server.log"
    local offset rc=0 tps txns dl ser other aborted verify=- lat p50 p99 load
    [[ $arm == tview ]] && template=tpl_tview
    sql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE $template"
    # Same start for every run: all relations in shared buffers, no checkpoint pending.
    sql "$db" -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c
                   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')" >/dev/null
    sql "$db" -c 'CHECKPOINT'
    offset=$(stat -c %s "$DIR/server.log")
    load="$(other_load)"
    log "$workload, $clients client(s), $arm$( ((ROUNDS == 1)) || echo ", round $round")"
    # shellcheck disable=SC2046  # workload_scripts prints several words on purpose
    (cd "$WORK" && as_postgres timeout --kill-after=10 $((SECONDS_PER_RUN + 120)) \
        "$PGBIN/pgbench" -n -h "$DIR" -p "$PORT" -U "$PG_USER" -T "$SECONDS_PER_RUN" \
        -c "$clients" -j "$threads" --max-tries=1 --failures-detailed \
        --log --log-prefix="$WORK/log/$name" \
        -D products="$PRODUCTS" -D nclients="$clients" -D categories="$N_CATEGORIES" \
        -D tags="$N_TAGS" -D reviews="$N_REVIEWS" \
        $(workload_scripts "$workload") "$db") >"$out" 2>&1 || rc=$?
    tail -c "+$((offset + 1))" "$DIR/server.log" >"$slice"
    case $rc in
        0) ;;
        2) note "$name: pgbench exit status 2 (a client aborted; see below)" ;;
        124|137) note "**$name: pgbench did not finish within $((SECONDS_PER_RUN + 120)) s and was killed** (hung clients?)" ;;
        *) cat "$out" >&2; die "$name: pgbench failed (exit $rc)" ;;
    esac
    tps="$(summary_value 'tps =' "$out")"
    txns="$(summary_value 'number of transactions actually processed:' "$out")"
    dl="$(summary_value 'number of deadlock failures:' "$out")"
    ser="$(summary_value 'number of serialization failures:' "$out")"
    aborted="$(grep -c 'aborted in command' "$out" || true)"
    { grep 'aborted in command' "$out" || true; } | sed "s/^/$name: /" | sort | uniq -c |
        while read -r count line; do note "$count × $line"; done
    # Errors of this run's sessions in the server log, by SQLSTATE: other than 40P01 (deadlock)
    # and 40001 (serialization) they are "other failures".
    other="$(awk -v who="$PG_USER@$db" '$6 == who && $7 == "ERROR:" && $5 != "40P01" && $5 != "40001"' "$slice" | wc -l)"
    awk -v who="$PG_USER@$db" '$6 == who && ($7 == "ERROR:" || $7 == "FATAL:" || $7 == "PANIC:") && $5 != "40P01" && $5 != "40001" {
             $1 = $2 = $3 = $4 = $6 = ""; sub(/^ +/, ""); print }' "$slice" | sort | uniq -c |
        while read -r count line; do note "$name: $count × server log: $line"; done
    local crashes srv_dl srv_ser
    crashes="$(pg_log_crashes "$slice" 2>/dev/null)"
    ((crashes == 0)) || note "**$name: $crashes server process crash(es) in the server log**"
    srv_dl="$(awk -v who="$PG_USER@$db" '$6 == who && $7 == "ERROR:" && $5 == "40P01"' "$slice" | wc -l)"
    srv_ser="$(awk -v who="$PG_USER@$db" '$6 == who && $7 == "ERROR:" && $5 == "40001"' "$slice" | wc -l)"
    # The server may log a few more: transactions still waiting when pgbench stopped, whose
    # backends then fail without a client (at most one per client).
    if ((srv_dl < ${dl:-0} || srv_ser < ${ser:-0} || srv_dl + srv_ser > ${dl:-0} + ${ser:-0} + clients)); then
        note "$name: pgbench counted ${dl:-0} deadlocks / ${ser:-0} serialization failures, the server log $srv_dl / $srv_ser"
    fi
    # The first deadlock of each workload's tview runs, as the server logged it (without prefix).
    if [[ $arm == tview ]] && ((srv_dl > 0)) && ! grep -qF "#### $workload," "$EXAMPLES"; then
        {
            printf '#### %s, %s clients, tview: the first deadlock in the server log\n\n```\n' "$workload" "$clients"
            awk -v who="$PG_USER@$db" '
                function strip(l) { sub(/^[^@]*@[^ ]* /, "", l); return l }
                !on && $6 == who && $5 == "40P01" && $7 == "ERROR:" { on = 1; pid = $4; print strip($0); next }
                on && /^\t/ { print; next }
                on && $4 == pid && $7 ~ /^(DETAIL|HINT|CONTEXT|STATEMENT):$/ { print strip($0); next }
                on { exit }' "$slice"
            printf '```\n\n'
        } >>"$EXAMPLES"
    fi
    # Latency percentiles of the successful transactions (third field: microseconds; a failed
    # transaction's is "deadlock", "serialization" or "failed").
    lat="$({ cat "$WORK/log/$name".* 2>/dev/null || true; } | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n |
        awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "- -"; exit }
            i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
            i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
            printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')"
    read -r p50 p99 <<<"$lat"
    if [[ $workload == mixed ]] && ((${dl:-0} + ${ser:-0} > 0)); then
        local by_script
        by_script="$({ cat "$WORK/log/$name".* 2>/dev/null || true; } | awk -v names="${MIXED_SCRIPTS[*]}" '
            BEGIN { split(names, n, " ") }
            $3 == "deadlock" || $3 == "serialization" { f[n[$4 + 1] " " $3]++ }
            END { for (k in f) { printf "%s%s %d", sep, k, f[k]; sep = ", " } }')"
        note "$name: failures by script: $by_script"
    fi
    if [[ $arm == tview ]]; then
        verify="$(sql "$db" -c "SELECT string_agg(CASE WHEN pg_tviews_verify(entity_name) AND NOT coalesce(stale, false)
                                                  THEN 'ok' ELSE '**STALE** ' || entity_name END, ', '
                                                  ORDER BY entity_name)
                                  FROM pg_tviews_metadata" 2>&1)" || verify="**verify failed**: $verify"
        if [[ "$verify" =~ ^ok(,\ ok)*$ ]]; then
            verify=ok
        else
            STALE=$((STALE + 1))
            note "**$name: a TVIEW does not equal its definition after the run: $verify**"
            log "STALE TVIEW after $name: $verify"
        fi
    fi
    ((KEEP)) || sql postgres -c "DROP DATABASE $db WITH (FORCE)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$clients" "$arm" \
        "${tps:--}" "${txns:-0}" "$p50" "$p99" "${dl:-0}" "${ser:-0}" "$other" "$aborted" "$verify" \
        "$load" "$round" >>"$TSV"
    log "  tps ${tps:--}, p50 $p50 ms, p99 $p99 ms, deadlocks ${dl:-0}, serialization ${ser:-0}, other $other${verify:+, verify $verify}"
}

for workload in "${WORKLOAD_LIST[@]}"; do
    for clients in "${CLIENT_LIST[@]}"; do
        for ((round = 1; round <= ROUNDS; round++)); do
            for arm in bare tview; do
                run_one "$workload" "$clients" "$arm" "$round"
            done
        done
    done
done

# The report, from runs.tsv.
report_tables() {
    awk -F '\t' -v workloads="${WORKLOAD_LIST[*]}" -v clients="${CLIENT_LIST[*]}" '
    function ms(v) {
        if (v == "-") return "–"
        if (v >= 100) return sprintf("%.0f", v)
        if (v >= 10) return sprintf("%.1f", v)
        if (v >= 1) return sprintf("%.2f", v)
        return sprintf("%.3f", v)
    }
    function num(v) { return v == "-" ? "–" : (v >= 100 ? sprintf("%.0f", v) : sprintf("%.1f", v)) }
    function ratio(a, b) { return (a == "" || b == "" || a == "-" || b == "-" || b == 0) ? "" : a / b }
    function fmt(r) { return r == "" ? "n/a" : sprintf(r >= 0.1 ? "%.2f" : (r >= 0.01 ? "%.3f" : "%.4f"), r) }
    BEGIN {
        nw = split(workloads, W, " "); nc = split(clients, C, " ")
        desc["disjoint"] = "Each client updates the price of products of its own slice of the keys (single-row UPDATE): writers never touch the same key"
        desc["mixed"] = "80 % single-row price updates, 5 % review rating updates, 5 % review inserts, 10 % category renames (50 documents each); keys random over the whole table"
        desc["tag_rename"] = "Only tag renames (UPDATE tb_tag SET name = ... WHERE pk_tag = :t); products read tags through tb_product_tag, about 60 documents per tag"
    }
    # Median of the numeric values V[k, 1..n] ("-" when there are none).
    function median(V, k, n,    i, j, m, x, a) {
        m = 0
        for (i = 1; i <= n; i++) if (V[k, i] != "-") a[++m] = V[k, i] + 0
        if (m == 0) return "-"
        for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    # Rounds of one (workload, clients, arm): medians of tps and latencies, sums of counts.
    { k = $1 SUBSEP $2 SUBSEP $3; r = ++nr[k]
      T[k, r] = $4; L50[k, r] = $6; L99[k, r] = $7; LD[k, r] = $13
      txn[k] += $5; dl[k] += $8; ser[k] += $9; oth[k] += $10; ab[k] += $11
      if (!(k in ver) || ($12 != "ok" && $12 != "-")) ver[k] = $12 }
    END {
        for (k in nr) {
            tps[k] = median(T, k, nr[k]); p50[k] = median(L50, k, nr[k]); p99[k] = median(L99, k, nr[k])
            load[k] = median(LD, k, nr[k])
        }
        for (i = 1; i <= nw; i++) {
            w = W[i]
            printf "### %s\n\n%s.\n\n", w, desc[w]
            print "| clients | arm | tps | p50 ms | p99 ms | deadlocks | serialization failures | other failures | transactions | TVIEWs = definition | other load |"
            print "|---|---|---|---|---|---|---|---|---|---|---|"
            fails["bare"] = fails["tview"] = 0
            for (j = 1; j <= nc; j++) for (a = 1; a <= 2; a++) {
                arm = a == 1 ? "bare" : "tview"; k = w SUBSEP C[j] SUBSEP arm
                if (!(k in tps)) continue
                o = oth[k] (ab[k] > 0 ? " (" ab[k] " clients aborted)" : "")
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f |\n", C[j], arm, num(tps[k]),
                       ms(p50[k]), ms(p99[k]), dl[k], ser[k], o, txn[k], ver[k] == "-" ? "–" : ver[k], load[k]
                fails[arm] += dl[k] + ser[k] + oth[k]
            }
            print ""
            # Scaling tps(n)/tps(1) per arm, and the tview arm'"'"'s scaling over the bare arm'"'"'s.
            one_b = tps[w SUBSEP 1 SUBSEP "bare"]; one_t = tps[w SUBSEP 1 SUBSEP "tview"]
            sb = "1"; st = "1"; sr = ""; judged = 0; met = 1
            for (j = 1; j <= nc; j++) {
                n = C[j]; if (n == 1) continue
                rb = ratio(tps[w SUBSEP n SUBSEP "bare"], one_b); rt = ratio(tps[w SUBSEP n SUBSEP "tview"], one_t)
                sb = sb " → " fmt(rb) " (" n ")"; st = st " → " fmt(rt) " (" n ")"
                rr = ratio(rt, rb)
                sr = sr (sr == "" ? "" : ", ") n " clients " fmt(rr)
                if ((n == 2 || n == 4) && rr != "") { judged++; if (rr < 0.9) met = 0 }
            }
            if (one_b == "" || one_t == "") {
                print "- Throughput scaling: n/a (needs a 1-client run)."
            } else {
                printf "- Throughput scaling, tps(n) / tps(1): bare %s; tview %s.\n", sb, st
                printf "- tview scaling / bare scaling: %s", sr == "" ? "n/a" : sr
                if (w == "disjoint")
                    printf " → target ≥ 0.9 at 2 and 4 clients: **%s**", judged == 0 ? "n/a" : (met ? "met" : "not met")
                print "."
            }
            rel = ""
            for (j = 1; j <= nc; j++) {
                n = C[j]; r = ratio(tps[w SUBSEP n SUBSEP "tview"], tps[w SUBSEP n SUBSEP "bare"])
                rel = rel (rel == "" ? "" : ", ") n ": " fmt(r)
            }
            printf "- tview tps / bare tps by clients: %s", rel
            if (w == "mixed") {
                r = ratio(tps[w SUBSEP 8 SUBSEP "tview"], tps[w SUBSEP 8 SUBSEP "bare"])
                printf " → target ≥ 0.2 at 8 clients: **%s**", r == "" ? "n/a (no 8-client run)" : (r >= 0.2 ? "met" : "not met")
            }
            print "."
            printf "- Failures (deadlocks + serialization + other, all client counts): tview %d, bare %d → target tview ≤ bare: **%s**.\n\n",
                   fails["tview"], fails["bare"], fails["tview"] <= fails["bare"] ? "met" : "not met"
        }
    }' "$TSV"
}

PG_VERSION="$(sql postgres -c 'SELECT version()')"
CPU="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY=""
if git -C "$ROOT" status --porcelain -- src include sql 2>/dev/null | grep -q .; then
    DIRTY=" (with uncommitted changes in src/, include/ or sql/)"
fi
read -r LOAD_MEAN LOAD_MAX <<<"$(awk -F '\t' '{ s += $13; if (NR == 1 || $13 > hi) hi = $13 }
                                             END { printf "%.1f %.1f\n", s / NR, hi }' "$TSV")"
BUSY=""
if awk -v m="$LOAD_MEAN" 'BEGIN { exit !(m >= 0.5) }'; then
    BUSY="- **The machine was busy**: other work kept $LOAD_MEAN processes runnable on average (up to $LOAD_MAX) on its $(nproc) CPUs just before the runs (column *other load*), so both arms shared the CPUs with it and single rows move with it; scaling figures, which compare runs, are the least reliable. Rerun on a quiet machine, or with \`--rounds 3\`."
    log "NOTE: the machine was busy (other load $LOAD_MEAN on average, up to $LOAD_MAX)"
fi
ELAPSED=$(($(date +%s) - START_EPOCH))
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
CMD="bash bench/concurrency.sh"
for a in "${ARGS[@]}"; do
    if [[ "$a" =~ [^A-Za-z0-9_./=-] ]]; then CMD="$CMD \"$a\""; else CMD="$CMD $a"; fi
done
[[ -s "$NOTES" ]] || echo "- None: no errors other than 40P01/40001, no aborted client, no crash, every TVIEW equal to its definition." >"$NOTES"

ROW_RUNS="one pgbench run"
ROW_AGG=""
if ((ROUNDS > 1)); then
    ROW_RUNS="$ROUNDS pgbench runs"
    ROW_AGG=" With $ROUNDS rounds: tps, p50 and p99 are the medians of the rounds; failures and transactions their sums."
fi
SECTION="$WORK/section.md"
{
    cat <<EOF
$BEGIN_MARK
## Concurrent writers: bare vs TVIEW

Generated by \`$CMD\` — do not edit by hand; rerun. \`bench/run.sh\` keeps this section.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); total run time ${ELAPSED} s; load average (1, 5, 15 min) at start: $LOAD_START, at end: $LOAD_END; other load (runnable processes not of this benchmark, sampled for 1 s before each run): mean $LOAD_MEAN, max $LOAD_MAX on $(nproc) CPUs.
- CPU: $CPU, $(nproc) cores. PostgreSQL: $PG_VERSION. pg_tviews: commit $COMMIT$DIRTY.
- Instance: fsync off, shared_buffers = 256MB, otherwise defaults (deadlock_timeout = 1s, autovacuum on); unix socket.
- Data: $PRODUCTS products, $N_CATEGORIES categories (50 products each), $N_SUPPLIERS suppliers, $N_REVIEWS reviews, $N_TAGS tags, $N_LINKS product-tag links (about $((N_LINKS / N_TAGS)) products per tag); average tv_product document $DOC_BYTES bytes.
- Arms: **bare** — the base tables with pg_tviews installed but no TVIEW; **tview** — the same tables read by \`tv_product\` (nested category, supplier and inventory, review count and average rating, tags through \`tb_product_tag\`; \`bench/concurrency/tview.sql\`).
- Each row: $ROW_RUNS of ${SECONDS_PER_RUN} s (\`-c N -j min(N, 2)\`, simple protocol, autocommit, READ COMMITTED, \`--max-tries=1 --failures-detailed\`: a deadlock or serialization failure is counted and the client goes on with its next transaction, nothing is retried) on a fresh copy of the arm's template database (prewarmed, after a CHECKPOINT); bare and tview alternate. tps counts successful transactions; p50/p99 are their latencies, computed from pgbench's per-transaction log.$ROW_AGG Other failures: errors with any other SQLSTATE in the server log (pgbench aborts such a client). After every tview run every TVIEW is checked with \`pg_tviews_verify()\`.

$(report_tables)

Anomalies:

${BUSY:+$BUSY
}$(cat "$NOTES")

EOF
    if [[ -s "$EXAMPLES" ]]; then
        echo "pg_tviews' refresh locks appear as advisory locks [database OID, TVIEW OID, hash of the"
        echo "value, kind]; kind 29697 (0x7401) locks a whole TVIEW, 29698 (0x7402) one TVIEW key, 29699"
        echo "(0x7403) one value of a parent path, 29700 (0x7404) a whole path (src/refresh/key_locks.cpp)."
        echo
        cat "$EXAMPLES"
    fi
    echo "$END_MARK"
} >"$SECTION"

# Replace the section between the markers (append it when RESULTS.md has none).
if [[ -f "$RESULTS" ]] && grep -qxF "$BEGIN_MARK" "$RESULTS"; then
    awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v section="$SECTION" '
        $0 == begin { while ((getline line < section) > 0) print line; skip = 1; next }
        $0 == end { skip = 0; next }
        !skip' "$RESULTS" >"$RESULTS.tmp"
else
    { [[ -f "$RESULTS" ]] && cat "$RESULTS" && echo; cat "$SECTION"; } >"$RESULTS.tmp"
fi
mv "$RESULTS.tmp" "$RESULTS"

cat "$SECTION"
log "wrote the concurrency section of $RESULTS (${ELAPSED} s)"
if ((STALE > 0)); then
    log "$STALE run(s) left a TVIEW that does not equal its definition"
    exit 1
fi
