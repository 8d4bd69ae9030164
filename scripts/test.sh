#!/usr/bin/env bash
# Runs the pg_tviews test suites and ends with one line "N passed, N failed".
#
#   bash scripts/test.sh                  set-up, then every suite
#   bash scripts/test.sh unit regress     set-up, then only the named suites
#
# Suites: unit (GoogleTest, src/core), regress (pg_regress), isolation (pg_isolation_regress),
# tap (PostgreSQL::Test::Cluster: crash recovery, 2PC across restart, dump/restore), fuzz
# (differential fuzzer against a throwaway server), runbooks (every SQL block and script of
# docs/operations/runbooks and every query of docs/operations/monitoring/queries.yaml, run
# against a fixture database), seeds (the seed documents' pg_tviews statements, verbatim). A
# failing suite does not stop the others. The exit status is non-zero when any test failed or
# any server log shows a crash.
#
# Environment:
#   SKIP_SETUP=1          do not run scripts/setup.sh (packages, build, install)
#   REGRESS_TESTS="a b"   run only these regress tests (basenames of test/regress/sql/*.sql)
#   ISOLATION_TESTS="a"   run only these isolation specs (basenames of test/isolation/specs/*.spec)
#   FUZZ_SEED=N           run the fuzzer once with this seed (default: 20261122, plus a random
#                         seed when CI is not "true")
#   FUZZ_STATEMENTS=N     statements per fuzzer run of the items workload (default 3000)
#   FUZZ_LINEAGE_STATEMENTS=N  statements per fuzzer run of the lineage workload (default 5000)
#   FUZZ_TIMEOUT=S        seconds before a fuzzer run counts as failed (default 300)
#   FUZZ_PORT=P           port of the fuzzer's throwaway server (default 55439)
#   TAP_TIMEOUT=S         seconds before a TAP test file counts as failed (default 300)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

ALL_SUITES=(unit regress isolation tap fuzz runbooks seeds)
RUN_DIR="$ROOT/test/.run"
FALLBACK_CONF="$RUN_DIR/pg_tviews.conf"

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# --- bookkeeping -------------------------------------------------------------------------

# Called by a suite (in its subshell) as its last act: "report PASSED FAILED [NOTE]".
report() {
    printf '%s %s %s\n' "$1" "$2" "${3:-}" >"$RUN_DIR/$SUITE.counts"
}

# Runs one suite in a subshell, so that an unexpected error (set -e) aborts only that suite and
# is counted as one failure, then adds its counts to the totals.
run_suite() {
    SUITE="$1"
    local start=$SECONDS passed=0 failed=1 note="aborted: see the output above"
    printf '\n========== %s ==========\n' "$SUITE"
    rm -f "$RUN_DIR/$SUITE.counts"
    # errexit is ignored inside a subshell that is part of a || list, so turn it off around
    # the subshell instead and back on inside it.
    set +e
    (
        set -e
        "suite_$SUITE"
    )
    set -e
    if [[ -f "$RUN_DIR/$SUITE.counts" ]]; then
        read -r passed failed note <"$RUN_DIR/$SUITE.counts"
    fi
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    SUMMARY+=("$(printf '%-10s %4d passed, %4d failed  %5ss  %s' "$SUITE" "$passed" "$failed" \
        $((SECONDS - start)) "$note")")
    printf -- '---------- %s: %d passed, %d failed (%ss)\n' "$SUITE" "$passed" "$failed" $((SECONDS - start))
}

# Adds the crashes found in the given logs to the caller's "failed" variable, printing them.
count_crashes() {
    local crashes
    crashes="$(pg_log_crashes "$@")"
    if ((crashes > 0)); then
        printf 'CRASH: %d crashed backend(s) in the server log (lines above)\n' "$crashes"
        failed=$((failed + crashes))
    fi
}

# --- unit ----------------------------------------------------------------------------------

suite_unit() {
    local passed=0 failed=0 rc=0 out="$RUN_DIR/unit.out"
    if ! make -s -C "$ROOT/test/unit"; then
        report 0 1 "build failed"
        return
    fi
    "$ROOT/test/unit/build/unit_tests" --gtest_brief=1 2>&1 </dev/null | tee "$out" || rc=$?
    passed="$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?.*/\1/p' "$out" | tail -n 1)"
    failed="$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?.*/\1/p' "$out" | tail -n 1)"
    passed="${passed:-0}" failed="${failed:-0}"
    # A crash or an abort prints no summary line; count it as one failure.
    if ((rc != 0 && failed == 0)); then failed=1; fi
    report "$passed" "$failed"
}

# --- regress and isolation -----------------------------------------------------------------

# The temp-config: the regress suite's own file, or until it exists an equivalent one.
temp_config() {
    if [[ -f "$ROOT/test/regress/pg_tviews.conf" ]]; then
        echo "$ROOT/test/regress/pg_tviews.conf"
        return
    fi
    printf "shared_preload_libraries = 'pg_tviews'\nmax_prepared_transactions = 10\n" >"$FALLBACK_CONF"
    log "test/regress/pg_tviews.conf is missing; using $FALLBACK_CONF"
    echo "$FALLBACK_CONF"
}

# Basenames of the files matching DIR/*.EXT in sorted order (the numbering is the schedule),
# restricted to the names in FILTER when it is not empty.
list_tests() {
    local dir="$1" ext="$2" filter="$3" file name
    [[ -d "$dir" ]] || return 0
    while IFS= read -r file; do
        name="$(basename "$file" ".$ext")"
        if [[ -z "$filter" || " $filter " == *" $name "* ]]; then echo "$name"; fi
    done < <(find "$dir" -maxdepth 1 -name "*.$ext" | LC_ALL=C sort)
}

# pg_regress and pg_isolation_regress run as postgres, which cannot write into the root-owned
# work tree: they get a postgres-owned copy of the suite directory as input and output dir.
prepare_copy() {
    local src="$1" copy="$2"
    rm -rf "$copy"
    mkdir -p "$copy"
    cp -r "$src/." "$copy/"
    rm -rf "$copy/results" "$copy/log" "$copy/tmp_check" "$copy/output_iso"
    chown -R "$PG_USER:$PG_USER" "$copy"
    check_reachable_by_postgres "$copy"
}

# Shared body of the regress and isolation suites: run_regress_driver DRIVER SRC_DIR TESTS...
run_regress_driver() {
    local driver="$1" src="$2"
    shift 2
    local copy="$RUN_DIR/$SUITE" conf rc=0 passed failed
    prepare_copy "$src" "$copy"
    conf="$(temp_config)"
    # C locale and UTF8: expected output must not depend on the machine's locale.
    (cd "$copy" && as_postgres "$driver" \
        --temp-instance="$copy/tmp_check" --temp-config="$conf" --load-extension=pg_tviews \
        --inputdir="$copy" --outputdir="$copy" --bindir="$PGBIN" \
        --no-locale --encoding=UTF8 "$@") </dev/null 2>&1 | tee "$copy/driver.out" || rc=$?
    passed="$(grep -cE '\.\.\. +ok' "$copy/driver.out" || true)"
    failed="$(grep -cE '\.\.\. +(FAILED|failed)' "$copy/driver.out" || true)"
    if [[ -f "$copy/regression.diffs" && -s "$copy/regression.diffs" ]]; then
        printf '\n--- %s/regression.diffs (first 200 lines)\n' "$copy"
        head -n 200 "$copy/regression.diffs"
    fi
    # Exit status 2: the run was cut short (initdb, server start, a missing expected file).
    if ((rc != 0 && failed == 0)); then failed=1; fi
    # Nothing ran at all: the instance did not come up; its logs say why.
    if ((rc != 0 && passed + failed <= 1)); then
        for f in "$copy/log/initdb.log" "$copy/log/postmaster.log"; do
            if [[ -f "$f" ]]; then printf '\n--- tail of %s\n' "$f"; tail -n 30 "$f"; fi
        done
    fi
    # pg_regress writes the server log under the output dir; a failed run also leaves the
    # temp instance, so look in both places.
    count_crashes "$copy/log/postmaster.log" "$copy/tmp_check/log/postmaster.log"
    report "$passed" "$failed"
}

suite_regress() {
    local tests
    mapfile -t tests < <(list_tests "$ROOT/test/regress/sql" sql "${REGRESS_TESTS:-}")
    if ((${#tests[@]} == 0)); then
        echo "no regress tests in test/regress/sql"
        report 0 0 "no tests"
        return
    fi
    run_regress_driver "$PGXS_DIR/src/test/regress/pg_regress" "$ROOT/test/regress" "${tests[@]}"
}

suite_isolation() {
    local tests
    mapfile -t tests < <(list_tests "$ROOT/test/isolation/specs" spec "${ISOLATION_TESTS:-}")
    if ((${#tests[@]} == 0)); then
        echo "no isolation specs in test/isolation/specs"
        report 0 0 "no tests"
        return
    fi
    run_regress_driver "$PGXS_DIR/src/test/isolation/pg_isolation_regress" "$ROOT/test/isolation" \
        "${tests[@]}"
}

# --- fuzz ----------------------------------------------------------------------------------

fuzz_seeds() {
    if [[ -n "${FUZZ_SEED:-}" ]]; then
        echo "$FUZZ_SEED"
        return
    fi
    echo 20261122
    # Outside CI a fresh seed each run widens coverage; CI stays reproducible.
    if [[ "${CI:-}" != "true" ]]; then
        echo $((($(od -An -N4 -tu4 /dev/urandom) % 2000000000) + 1))
    fi
}

# One fuzzer run of one workload (items, lineage) against a fresh database; succeeds when the
# fuzzer exits 0.
fuzz_once() {
    local dir="$1" port="$2" seed="$3" statements="$4" workload="$5" rc=0 count_var
    PGOPTIONS='-c client_min_messages=warning' psql_at "$dir" "$port" postgres -q \
        -c 'DROP DATABASE IF EXISTS fuzz' -c 'CREATE DATABASE fuzz' </dev/null || return 1
    psql_at "$dir" "$port" fuzz -q -c 'CREATE EXTENSION pg_tviews' </dev/null || return 1
    echo "fuzz: $workload workload, seed $seed, $statements statements"
    PGUSER="$PG_USER" timeout "${FUZZ_TIMEOUT:-300}" "$ROOT/test/fuzz/build/tviews_fuzz" \
        --host "$dir" --port "$port" --dbname fuzz --seed "$seed" --statements "$statements" \
        --workload "$workload" </dev/null || rc=$?
    if ((rc == 0)); then
        echo "fuzz: $workload workload, seed $seed ok"
        return 0
    fi
    ((rc == 124)) && echo "fuzz: $workload workload, seed $seed timed out after ${FUZZ_TIMEOUT:-300}s"
    count_var=FUZZ_STATEMENTS
    [[ "$workload" == lineage ]] && count_var=FUZZ_LINEAGE_STATEMENTS
    echo "fuzz: $workload workload, seed $seed FAILED (exit $rc); reproduce with: FUZZ_SEED=$seed $count_var=$statements bash scripts/test.sh fuzz"
    return 1
}

suite_fuzz() {
    local dir="$RUN_DIR/fuzz" port="${FUZZ_PORT:-55439}" statements="${FUZZ_STATEMENTS:-3000}"
    local lineage_statements="${FUZZ_LINEAGE_STATEMENTS:-5000}"
    local passed=0 failed=0 seed workload count
    if [[ ! -f "$ROOT/test/fuzz/Makefile" ]]; then
        echo "test/fuzz/Makefile does not exist yet; skipping the fuzz suite"
        report 0 0 "skipped: no fuzzer"
        return
    fi
    if ! make -s -C "$ROOT/test/fuzz"; then
        report 0 1 "build failed"
        return
    fi
    pg_instance_stop "$dir"  # a server left by an interrupted run
    pg_instance_init "$dir" "$port"
    # Expanded now: the trap runs when this function's locals are gone.
    # shellcheck disable=SC2064
    trap "pg_instance_stop $(printf '%q' "$dir")" EXIT
    pg_instance_start "$dir" "$port"
    # Each seed runs both workloads; each run counts as one test.
    for seed in $(fuzz_seeds); do
        for workload in items lineage; do
            count="$statements"
            [[ "$workload" == lineage ]] && count="$lineage_statements"
            if fuzz_once "$dir" "$port" "$seed" "$count" "$workload"; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
            fi
        done
    done
    pg_instance_stop "$dir"
    count_crashes "$dir/server.log"
    report "$passed" "$failed"
}

# --- tap -----------------------------------------------------------------------------------

# TAP tests run with prove as postgres (initdb refuses root), on a postgres-owned copy of
# test/tap, with PostgreSQL 15's TAP modules; each test file counts as one test.
suite_tap() {
    local copy="$RUN_DIR/tap" passed=0 failed=0 file name
    local perl_lib="$PGXS_DIR/src/test/perl"
    prepare_copy "$ROOT/test/tap" "$copy"
    for file in "$copy"/t/*.pl; do
        [[ -e "$file" ]] || continue
        name="$(basename "$file")"
        if (cd "$copy" && as_postgres env PATH="$PGBIN:$PATH" PERL5LIB="$perl_lib" \
            PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" \
            timeout "${TAP_TIMEOUT:-300}" prove -v "t/$name") </dev/null; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            tail -n 40 "$copy/tmp_check/log/regress_log_${name%.pl}" 2>/dev/null || true
        fi
    done
    count_crashes "$copy"/tmp_check/log/*.log
    report "$passed" "$failed"
}

# --- runbooks and seeds ----------------------------------------------------------------------

# Throwaway servers on ports 55461 (runbooks) and 55462 (seeds); see the sourced files.
suite_runbooks() {
    # shellcheck source=test/runbooks/suite.sh
    source "$ROOT/test/runbooks/suite.sh"
    runbooks_suite
}

suite_seeds() {
    # shellcheck source=test/seeds/suite.sh
    source "$ROOT/test/seeds/suite.sh"
    seeds_suite
}

# --- main ----------------------------------------------------------------------------------

# Validates the suite names given on the command line (none: all suites).
select_suites() {
    local name
    if (($# == 0)); then
        SUITES=("${ALL_SUITES[@]}")
        return
    fi
    for name in "$@"; do
        case " ${ALL_SUITES[*]} " in
            *" $name "*) ;;
            *) usage >&2; die "unknown suite \"$name\"" ;;
        esac
    done
    SUITES=("$@")
}

# Set-up failures count as one failed test; the server suites then cannot trust the installed
# extension and are skipped, while unit tests need no server.
run_setup() {
    [[ "${SKIP_SETUP:-}" == "1" ]] && return 0
    printf '========== setup ==========\n'
    if bash "$ROOT/scripts/setup.sh" </dev/null; then
        return 0
    fi
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    SUMMARY+=("setup      FAILED (see above); server suites skipped")
    return 1
}

main() {
    if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
        usage
        exit 0
    fi
    require_root
    select_suites "$@"
    mkdir -p "$RUN_DIR"
    local setup_ok=1 suite start=$SECONDS
    run_setup || setup_ok=0
    for suite in "${SUITES[@]}"; do
        if ((setup_ok == 0)) && [[ "$suite" != unit ]]; then continue; fi
        run_suite "$suite"
    done
    printf '\n========== summary (%ss) ==========\n' $((SECONDS - start))
    printf '%s\n' "${SUMMARY[@]}" | sed 's/ *$//'
    printf '%d passed, %d failed\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
    ((TOTAL_FAILED == 0))
}

main "$@"
