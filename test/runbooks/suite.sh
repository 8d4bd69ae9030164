# shellcheck shell=bash
# The runbooks suite of scripts/test.sh, which sources this file and calls runbooks_suite.
#
# On a throwaway server it builds a fixture database (test/runbooks/fixture.sql), then runs as
# one test each, in order:
#   * the library's layout and each runbook's "When to use" and "Rollback" sections,
#   * every ```sql block of docs/operations/runbooks/**/*.md (files in sorted order),
#   * every docs/operations/runbooks/scripts/*.sql file,
#   * every docs/operations/runbooks/scripts/*.sh helper (against the clean fixture: exit 0),
#     and check-health.sh's exit status with a suspended TVIEW (1) and a disabled trigger (2),
#   * every query of docs/operations/monitoring/queries.yaml (it runs, and its result has
#     exactly the columns its metrics list declares, labels text and metrics numeric).
# A block or script runs with psql ON_ERROR_STOP and the variables of RUNBOOK_VARS. Its marker
# (<!-- runbook-test: ... --> before a block, "-- runbook-test: ..." on a script's first lines)
# says where:
#   (none)     the fixture database; state persists from block to block
#   sandbox    a fresh copy of the fixture (CREATE DATABASE ... TEMPLATE)
#   continue   the sandbox of the previous block or script (a procedure in several steps)
#   stale      the block intentionally leaves TVIEWs unmaintained (suspended, triggers off):
#              the after-check is skipped; only allowed in a sandbox
# After every other block: a probe write to tb_user (which cascades to tv_user and tv_post),
# then every fixture TVIEW must still be registered and equal its definition (pg_tviews_verify).
# A block that changes state without a sandbox marker, or terminates backends without limiting
# itself to the current database and sparing its own backend, fails before it runs.

RB_DOCS="$ROOT/docs/operations/runbooks"
RB_MONITORING="$ROOT/docs/operations/monitoring"
RB_SERVER="$RUN_DIR/runbooks"
RB_PORT="${RUNBOOKS_PORT:-55461}"
RB_WORK="$RUN_DIR/runbooks.work"
RB_FIXTURE=rb_fixture
RB_SANDBOX=rb_sandbox
RB_TVIEWS="tv_user tv_post tv_order"

# The placeholders of the runbook library, as psql variables (documented in its README).
RUNBOOK_VARS=(-v tview=tv_post -v parent_tview=tv_user -v entity=post -v base_table=tb_post
    -v key=1 -v lo=1 -v hi=50 -v chunk_size=50 -v gid=pg_tviews_runbook_test)

rb_psql() {
    local db="$1"
    shift
    psql_at "$RB_SERVER" "$RB_PORT" "$db" -v VERBOSITY=verbose "$@"
}

# Value of a one-row, one-column query.
rb_value() {
    local db="$1" sql="$2"
    rb_psql "$db" -qAt -c "$sql" </dev/null
}

# Statements that change state must run in a sandbox: prints the offending line, if any.
rb_lint() {
    local file="$1" flags="$2" code
    code="$(sed -e 's/--.*$//' "$file")"
    if [[ " $flags " != *" sandbox "* && " $flags " != *" continue "* ]]; then
        grep -inE 'pg_tviews_(suspend|resume|stats_reset|rebuild|drop|prune_capture)|disable trigger|enable trigger|pg_(terminate|cancel)_backend|(^|[^_a-z])(drop|truncate|reindex|vacuum full|alter (system|database|table|role))([^_a-z]|$)|(commit|rollback) prepared|create (unique )?index|\bcall\b' \
            <<<"$code" | head -n 1 && return 0
    fi
    if grep -qiE 'pg_(terminate|cancel)_backend' <<<"$code"; then
        if ! grep -qiE 'datname *= *current_database\(\)' <<<"$code" ||
            ! grep -qiE 'pg_backend_pid\(\)' <<<"$code"; then
            echo "pg_terminate_backend/pg_cancel_backend without datname = current_database() and pg_backend_pid()"
            return 0
        fi
    fi
    return 0
}

# Creates the sandbox afresh from the fixture.
rb_new_sandbox() {
    rb_psql postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $RB_SANDBOX WITH (FORCE)" \
        -c "CREATE DATABASE $RB_SANDBOX TEMPLATE $RB_FIXTURE" </dev/null
}

# After-check of a block: maintenance still works and every fixture TVIEW is fresh. Prints
# what is wrong, nothing when all is well.
rb_after_check() {
    local db="$1" tv out
    out="$(rb_psql "$db" -qAt -c "UPDATE tb_user SET revision = revision + 1 WHERE pk_user = 1" \
        -c "SELECT coalesce(string_agg(t, ', '), '') FROM unnest(string_to_array('$RB_TVIEWS', ' ')) t
             WHERE NOT EXISTS (SELECT 1 FROM pg_tviews v WHERE v.tview = t)" \
        -c "SELECT coalesce(string_agg(tview, ', ' ORDER BY tview), '') FROM pg_tviews
             WHERE NOT pg_tviews_verify(tview)" </dev/null 2>&1)" || {
        echo "after-check failed: $out"
        return
    }
    out="$(sed -e '/^UPDATE/d' <<<"$out")"
    local missing stale
    missing="$(sed -n 1p <<<"$out")"
    stale="$(sed -n 2p <<<"$out")"
    [[ -n "$missing" ]] && echo "TVIEWs no longer registered: $missing"
    [[ -n "$stale" ]] && echo "TVIEWs not equal to their definition: $stale"
    return 0
}

# Runs one block or script: rb_unit LABEL FLAGS FILE. Succeeds when it passed.
RB_PREV_SANDBOX=0
rb_unit() {
    local label="$1" flags="$2" file="$3" db="$RB_FIXTURE" flag problem log="$3.log" rc=0
    for flag in $flags; do
        case "$flag" in
            sandbox | continue | stale) ;;
            *) echo "FAIL $label: unknown runbook-test marker \"$flag\""; RB_PREV_SANDBOX=0; return 1 ;;
        esac
    done
    if ! grep -qE '[^[:space:]]' <(sed -e 's/--.*$//' "$file"); then
        echo "FAIL $label: empty block"
        return 1
    fi
    problem="$(rb_lint "$file" "$flags")"
    if [[ -n "$problem" ]]; then
        echo "FAIL $label: changes state or ends sessions without a sandbox marker: $problem"
        RB_PREV_SANDBOX=0
        return 1
    fi
    if [[ " $flags " == *" stale "* && " $flags " != *" sandbox "* && " $flags " != *" continue "* ]]; then
        echo "FAIL $label: \"stale\" is only allowed in a sandbox"
        return 1
    fi
    if [[ " $flags " == *" continue "* ]]; then
        if ((RB_PREV_SANDBOX == 0)); then
            echo "FAIL $label: \"continue\" does not follow a block in a sandbox"
            return 1
        fi
        db="$RB_SANDBOX"
    elif [[ " $flags " == *" sandbox "* ]]; then
        rb_new_sandbox || { echo "FAIL $label: could not create the sandbox"; return 1; }
        db="$RB_SANDBOX"
    fi
    RB_PREV_SANDBOX=0
    [[ "$db" == "$RB_SANDBOX" ]] && RB_PREV_SANDBOX=1
    rb_psql "$db" "${RUNBOOK_VARS[@]}" -f "$file" </dev/null >"$log" 2>&1 || rc=$?
    if ((rc != 0)); then
        echo "FAIL $label ($db): psql exit $rc"
        sed -e 's/^/    | /' "$log" | tail -n 25
        return 1
    fi
    if [[ " $flags " != *" stale "* ]]; then
        problem="$(rb_after_check "$db")"
        if [[ -n "$problem" ]]; then
            echo "FAIL $label ($db): $problem"
            return 1
        fi
    fi
    echo "ok   $label ($db${flags:+; $flags})"
}

# Runs a shell helper against a database: rb_helper FILE DB EXPECTED_EXIT_STATUS.
rb_helper() {
    local file="$1" db="$2" want="$3" rc=0 log
    log="$RB_WORK/$(basename "$file").$db.log"
    PGHOST="$RB_SERVER" PGPORT="$RB_PORT" PGDATABASE="$db" PGUSER="$PG_USER" \
        bash "$file" </dev/null >"$log" 2>&1 || rc=$?
    if ((rc != want)); then
        echo "FAIL ${file#"$ROOT"/} on $db: exit $rc, expected $want"
        sed -e 's/^/    | /' "$log" | tail -n 20
        return 1
    fi
    echo "ok   ${file#"$ROOT"/} (exit $rc on $db: $(head -n 1 "$log"))"
}

# Splits queries.yaml (the subset postgres_exporter's extend.query-path files use: a top-level
# name, "query: |" block, "metrics:" list of "- column:" with usage and description) into
# DIR/NAME.sql and DIR/NAME.metrics ("column usage" lines); prints the names.
rb_split_queries() {
    local yaml="$1" dir="$2"
    awk -v dir="$dir" '
        /^[A-Za-z_][A-Za-z0-9_]*:[ \t]*$/ { name = $0; sub(/:.*/, "", name); print name; mode = ""; next }
        /^  query:[ \t]*\|[-+]?[ \t]*$/ { mode = "query"; next }
        /^  query:[ \t]*"/ { q = $0; sub(/^  query:[ \t]*"/, "", q); sub(/"[ \t]*$/, "", q)
                             print q > (dir "/" name ".sql"); mode = ""; next }
        /^  metrics:[ \t]*$/ { mode = "metrics"; next }
        /^  [A-Za-z_]+:/ { mode = ""; next }
        mode == "query" && /^    / { l = $0; sub(/^    /, "", l); print l > (dir "/" name ".sql"); next }
        mode == "query" && /^[ \t]*$/ { print "" > (dir "/" name ".sql"); next }
        mode == "metrics" && /^    - [A-Za-z_][A-Za-z0-9_]*:[ \t]*$/ {
            col = $0; sub(/^    - /, "", col); sub(/:.*/, "", col); next }
        mode == "metrics" && /^        usage:/ {
            u = $0; sub(/^        usage:[ \t]*/, "", u); gsub(/"/, "", u)
            print col, u > (dir "/" name ".metrics"); next }
    ' "$yaml"
}

# One exporter query: it runs, and its columns are exactly the declared ones.
rb_query_unit() {
    local name="$1" dir="$2" desc declared actual rc=0 bad
    if [[ ! -s "$dir/$name.sql" || ! -s "$dir/$name.metrics" ]]; then
        echo "FAIL queries.yaml $name: no query or no metrics"
        return 1
    fi
    desc="$( (cat "$dir/$name.sql"; printf '\n\\gdesc\n') | rb_psql "$RB_FIXTURE" -qAt -F ' ' 2>&1)" || rc=$?
    if ((rc != 0)); then
        echo "FAIL queries.yaml $name: $desc"
        return 1
    fi
    if ! out="$(rb_psql "$RB_FIXTURE" -qAt -f "$dir/$name.sql" </dev/null 2>&1)"; then
        echo "FAIL queries.yaml $name: $out"
        return 1
    fi
    declared="$(awk '{print $1}' "$dir/$name.metrics" | sort | tr '\n' ' ')"
    actual="$(awk '{print $1}' <<<"$desc" | sort | tr '\n' ' ')"
    if [[ "$declared" != "$actual" ]]; then
        echo "FAIL queries.yaml $name: columns [$actual] but metrics declare [$declared]"
        return 1
    fi
    # Labels must be text; every other column a number or a boolean.
    bad="$(awk 'NR == FNR { usage[$1] = $2; next }
                { col = $1; $1 = ""; sub(/^ /, ""); type = $0
                  textual = (type == "text" || type == "name" || type ~ /^character/)
                  numeric = (type ~ /^(integer|bigint|smallint|numeric|double precision|real|boolean)/)
                  if (usage[col] == "LABEL" && !textual) print col " (" type ") is a LABEL"
                  if (usage[col] != "LABEL" && !numeric) print col " (" type ") is not numeric" }' \
        "$dir/$name.metrics" - <<<"$desc")"
    if [[ -n "$bad" ]]; then
        echo "FAIL queries.yaml $name: $bad"
        return 1
    fi
    echo "ok   queries.yaml $name ($(wc -l <"$dir/$name.metrics") columns, $(wc -l <<<"$out") rows on the fixture)"
}

# The library's layout (the structure seed 003 asks for) and each runbook's sections: "When to
# use" and "Rollback". Prints what is missing.
rb_structure() {
    local f
    for f in README.md \
        01-health-monitoring/{tview-health-check,queue-management,performance-monitoring}.md \
        02-refresh-operations/{manual-refresh,batch-refresh,refresh-troubleshooting}.md \
        03-maintenance/{regular-maintenance,connection-management,table-analysis}.md \
        04-incident-response/{emergency-procedures,incident-checklist,post-incident-review}.md \
        scripts/{health-check,refresh-status,queue-cleanup,emergency-disable,emergency-restore}.sql; do
        [[ -f "$RB_DOCS/$f" ]] || echo "missing $f"
    done
    while IFS= read -r f; do
        grep -q '\*\*When to use\*\*' "$f" || echo "${f#"$RB_DOCS"/}: no **When to use**"
        grep -qE '^#+ Rollback' "$f" || echo "${f#"$RB_DOCS"/}: no Rollback section"
    done < <(find "$RB_DOCS" -mindepth 2 -name '*.md' | LC_ALL=C sort)
}

runbooks_suite() {
    local passed=0 failed=0 md id src flags file n=0 name problem
    if [[ ! -d "$RB_DOCS" ]]; then
        echo "docs/operations/runbooks does not exist"
        report 0 1 "no runbooks"
        return
    fi
    pg_instance_stop "$RB_SERVER"
    pg_instance_init "$RB_SERVER" "$RB_PORT"
    # shellcheck disable=SC2064
    trap "pg_instance_stop $(printf '%q' "$RB_SERVER")" EXIT
    pg_instance_start "$RB_SERVER" "$RB_PORT"
    rm -rf "$RB_WORK"
    mkdir -p "$RB_WORK/blocks" "$RB_WORK/queries"
    chmod -R a+rX "$RB_WORK"
    rb_psql postgres -q -c "CREATE DATABASE $RB_FIXTURE" </dev/null
    rb_psql "$RB_FIXTURE" -q -f "$ROOT/test/runbooks/fixture.sql" </dev/null >/dev/null
    if [[ -n "$(rb_after_check "$RB_FIXTURE")" ]]; then
        rb_after_check "$RB_FIXTURE"
        report 0 1 "fixture broken"
        return
    fi

    problem="$(rb_structure)"
    if [[ -z "$problem" ]]; then
        echo "ok   library layout and sections"
        passed=$((passed + 1))
    else
        echo "FAIL library layout and sections:"
        sed -e 's/^/    | /' <<<"$problem"
        failed=$((failed + 1))
    fi

    # Markdown blocks, then scripts, in a stable order.
    : >"$RB_WORK/manifest"
    while IFS= read -r md; do
        awk -v out="$RB_WORK/blocks" -v src="${md#"$ROOT"/}" -v start="$n" \
            -f "$ROOT/test/runbooks/extract.awk" "$md" >>"$RB_WORK/manifest"
        n=$(wc -l <"$RB_WORK/manifest")
    done < <(find "$RB_DOCS" -name '*.md' | LC_ALL=C sort)
    while IFS=$'\t' read -r id src flags; do
        if rb_unit "$src" "$flags" "$RB_WORK/blocks/$id.sql"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done <"$RB_WORK/manifest"
    echo "runbooks: $n sql blocks in $(find "$RB_DOCS" -name '*.md' | wc -l) markdown files"

    while IFS= read -r file; do
        flags="$(sed -n -e '1,5s/^-- runbook-test: *//p' "$file" | tr ',' ' ' | head -n 1)"
        cp "$file" "$RB_WORK/blocks/$(basename "$file")"
        if rb_unit "${file#"$ROOT"/}" "$flags" "$RB_WORK/blocks/$(basename "$file")"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done < <(find "$RB_DOCS/scripts" -name '*.sql' | LC_ALL=C sort)

    # Shell helpers: syntax, then a run against the clean fixture (exit 0).
    while IFS= read -r file; do
        if bash -n "$file" && rb_helper "$file" "$RB_FIXTURE" 0; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done < <(find "$RB_DOCS/scripts" -name '*.sh' | LC_ALL=C sort)
    # check-health.sh's exit status is what cron and agents act on: 1 for a WARNING (a
    # suspended TVIEW), 2 for an ERROR (a capture trigger disabled by hand).
    if [[ -f "$RB_DOCS/scripts/check-health.sh" ]]; then
        if rb_new_sandbox && rb_psql "$RB_SANDBOX" -q -c "SELECT pg_tviews_suspend('tv_order')" \
            </dev/null >/dev/null && rb_helper "$RB_DOCS/scripts/check-health.sh" "$RB_SANDBOX" 1; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
        if rb_new_sandbox && rb_psql "$RB_SANDBOX" -q \
            -c "ALTER TABLE tb_order DISABLE TRIGGER pg_tviews_capture_update" </dev/null >/dev/null &&
            rb_helper "$RB_DOCS/scripts/check-health.sh" "$RB_SANDBOX" 2; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    fi

    if [[ -f "$RB_MONITORING/queries.yaml" ]]; then
        while IFS= read -r name; do
            if rb_query_unit "$name" "$RB_WORK/queries"; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
            fi
        done < <(rb_split_queries "$RB_MONITORING/queries.yaml" "$RB_WORK/queries")
    else
        echo "FAIL docs/operations/monitoring/queries.yaml does not exist"
        failed=$((failed + 1))
    fi

    pg_instance_stop "$RB_SERVER"
    count_crashes "$RB_SERVER/server.log"
    report "$passed" "$failed"
}
