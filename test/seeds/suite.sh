# shellcheck shell=bash
# The seeds suite of scripts/test.sh, which sources this file and calls seeds_suite.
#
# test/seeds/NNN_*.sql hold, verbatim, the SQL statements of seed document NNN (in
# ../shared/seeds/) that touch pg_tviews objects, cut into cases. Each case starts with
#   -- @case NNN lines A-B: heading          where in the seed it comes from
#   -- @db fixture|sandbox|continue          where it runs (see test/runbooks/suite.sh)
#   -- @expect ok                            or: -- @expect error SQLSTATE message text
#   -- @stale                                (optional) it leaves TVIEWs unmaintained on purpose
#   -- @setup SQL                            (optional, repeatable) our own SQL, run before it
#   -- @check SQL                            (optional, repeatable) must return true afterwards
# and its body is the seed's text. Placeholder names (your_tview_name, entity_name, ...) are
# replaced by fixture names with test/seeds/NNN.sed, applied to the body only, at run time.
# Each case is one test: the body must occur verbatim in the seed (leading indentation and
# shell quoting aside), run as expected (an expected error must be exactly that error, so the
# list of statements that cannot run as written cannot rot), pass its checks, and unless marked
# @stale leave every TVIEW of its database maintained (a probe write, then pg_tviews_verify).

SD_SERVER="$RUN_DIR/seeds"
SD_PORT="${SEEDS_PORT:-55462}"
SD_WORK="$RUN_DIR/seeds.work"
SD_FIXTURE=sd_fixture
SD_SANDBOX=sd_sandbox
SD_SEEDS="${SEEDS_DIR:-$ROOT/../shared/seeds}"

sd_psql() {
    local db="$1"
    shift
    psql_at "$SD_SERVER" "$SD_PORT" "$db" -v VERBOSITY=verbose "$@"
}

# Splits a case file into DIR/NNNN.head and DIR/NNNN.body (numbered from START); prints the
# number of cases.
sd_split() {
    local file="$1" dir="$2" start="$3"
    awk -v dir="$dir" -v n="$start" -v start="$start" '
        /^-- @case / { n++; head = sprintf("%s/%04d.head", dir, n); body = sprintf("%s/%04d.body", dir, n)
                       print > head; printf "" > body; inhead = 1; next }
        n == start { next }
        inhead && /^-- @/ { print >> head; next }
        { inhead = 0; print >> body }
        END { print n - start }
    ' "$file"
}

# True when BODY occurs in SEED, ignoring each line's leading and trailing blanks, trailing
# empty lines, and shell backslash-escaped double quotes in the seed.
sd_verbatim() {
    perl -e '
        local $/;
        open(my $s, "<", $ARGV[0]) or die; my $seed = <$s>;
        open(my $b, "<", $ARGV[1]) or die; my $body = <$b>;
        for ($seed, $body) { s/^[ \t]+//mg; s/[ \t]+$//mg; }
        $seed =~ s/\\"/"/g;
        $body =~ s/\A\n+//; $body =~ s/\n+\z//;
        exit(length($body) && index($seed, $body) >= 0 ? 0 : 1);
    ' "$1" "$2"
}

sd_new_sandbox() {
    # A prepared transaction left by a failed case would keep the old sandbox alive.
    printf '%s\n' "SELECT format('ROLLBACK PREPARED %L', gid) FROM pg_prepared_xacts
        WHERE database = current_database() \\gexec" | sd_psql "$SD_SANDBOX" -q >/dev/null 2>&1 || true
    sd_psql postgres -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $SD_SANDBOX WITH (FORCE)" \
        -c "CREATE DATABASE $SD_SANDBOX TEMPLATE $SD_FIXTURE" </dev/null
}

# After a case: maintenance still works (a probe write) and every TVIEW equals its definition.
sd_after_check() {
    local db="$1" out
    out="$(sd_psql "$db" -qAt \
        -c "UPDATE tb_user SET revision = revision + 1 WHERE pk_user = 1" \
        -c "SELECT coalesce(string_agg(tview, ', ' ORDER BY tview), '') FROM pg_tviews
             WHERE NOT pg_tviews_verify(tview)" </dev/null 2>&1)" || {
        echo "after-check failed: $out"
        return
    }
    out="$(sed -e '/^UPDATE/d' <<<"$out")"
    [[ -n "$out" ]] && echo "TVIEWs not equal to their definition: $out"
    return 0
}

SD_PREV_SANDBOX=0
# Runs one case: sd_case DIR NNNN SEEDFILE SEDFILE. Succeeds when it passed.
sd_case() {
    local dir="$1" id="$2" seed="$3" sed_file="$4"
    local head="$dir/$id.head" body="$dir/$id.body" sql="$dir/$id.sql" log="$dir/$id.log"
    local label where expect state db rc=0 check out
    label="$(sed -n '1s/^-- @case //p' "$head")"
    where="$(sed -n 's/^-- @db *//p' "$head")"
    expect="$(sed -n 's/^-- @expect *//p' "$head")"
    sed -f "$sed_file" "$body" >"$sql"
    if [[ -n "$seed" ]] && ! sd_verbatim "$seed" "$body"; then
        echo "FAIL $label: the body is not verbatim text of $(basename "$seed")"
        SD_PREV_SANDBOX=0
        return 1
    fi
    case "$where" in
        fixture) db="$SD_FIXTURE"; SD_PREV_SANDBOX=0 ;;
        sandbox) sd_new_sandbox || { echo "FAIL $label: no sandbox"; return 1; }
                 db="$SD_SANDBOX"; SD_PREV_SANDBOX=1 ;;
        continue)
            if ((SD_PREV_SANDBOX == 0)); then echo "FAIL $label: continue without a sandbox"; return 1; fi
            db="$SD_SANDBOX" ;;
        *) echo "FAIL $label: bad @db \"$where\""; return 1 ;;
    esac
    while IFS= read -r check; do
        if ! out="$(sd_psql "$db" -q -c "$check" </dev/null 2>&1)"; then
            echo "FAIL $label ($db): setup failed: $out"
            return 1
        fi
    done < <(sed -n 's/^-- @setup *//p' "$head")
    sd_psql "$db" -f "$sql" </dev/null >"$log" 2>&1 || rc=$?
    state="$(grep -m 1 -oE 'ERROR: +[0-9A-Z]{5}: .*' "$log" | sed -E 's/ERROR: +//')"
    if [[ "$expect" == ok ]]; then
        if ((rc != 0)); then
            echo "FAIL $label ($db): ${state:-psql exit $rc}"
            sed -e 's/^/    | /' "$log" | tail -n 15
            return 1
        fi
    elif [[ "$expect" =~ ^error\ ([0-9A-Z]{5})\ (.*)$ ]]; then
        if ((rc == 0)) || [[ "$state" != "${BASH_REMATCH[1]}: "* || "$state" != *"${BASH_REMATCH[2]}"* ]]; then
            echo "FAIL $label ($db): expected error ${BASH_REMATCH[1]} \"${BASH_REMATCH[2]}\", got: ${state:-success}"
            return 1
        fi
    else
        echo "FAIL $label: bad @expect \"$expect\""
        return 1
    fi
    while IFS= read -r check; do
        out="$(sd_psql "$db" -qAt -c "$check" </dev/null 2>&1)" || true
        if [[ "$out" != t ]]; then
            echo "FAIL $label ($db): check not true ($out): $check"
            return 1
        fi
    done < <(sed -n 's/^-- @check *//p' "$head")
    if ! grep -q '^-- @stale' "$head"; then
        out="$(sd_after_check "$db")"
        if [[ -n "$out" ]]; then
            echo "FAIL $label ($db): $out"
            return 1
        fi
    fi
    echo "ok   $label ($db, ${expect%% *}${state:+: $state})"
}

seeds_suite() {
    local passed=0 failed=0 file num seed sed_file n=0 count id skipped_verbatim=""
    pg_instance_stop "$SD_SERVER"
    pg_instance_init "$SD_SERVER" "$SD_PORT"
    # shellcheck disable=SC2064
    trap "pg_instance_stop $(printf '%q' "$SD_SERVER")" EXIT
    pg_instance_start "$SD_SERVER" "$SD_PORT"
    rm -rf "$SD_WORK"
    mkdir -p "$SD_WORK"
    sd_psql postgres -q -c "CREATE DATABASE $SD_FIXTURE" </dev/null
    sd_psql "$SD_FIXTURE" -q -f "$ROOT/test/runbooks/fixture.sql" -f "$ROOT/test/seeds/prelude.sql" \
        </dev/null >/dev/null
    local files=()
    mapfile -t files < <(find "$ROOT/test/seeds" -maxdepth 1 -name '[0-9][0-9][0-9]_*.sql' | LC_ALL=C sort)
    for file in "${files[@]}"; do
        num="$(basename "$file")"
        num="${num%%_*}"
        sed_file="$ROOT/test/seeds/$num.sed"
        seed="$(find "$SD_SEEDS" -maxdepth 1 -name "${num}_*" 2>/dev/null | head -n 1 || true)"
        [[ -z "$seed" ]] && skipped_verbatim="; verbatim check skipped: no $SD_SEEDS"
        count="$(sd_split "$file" "$SD_WORK" "$n")"
        echo "seed $num: $count cases from ${file#"$ROOT"/}${seed:+ (checked against $(basename "$seed"))}"
        for ((i = n + 1; i <= n + count; i++)); do
            printf -v id '%04d' "$i"
            if sd_case "$SD_WORK" "$id" "$seed" "$sed_file"; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
            fi
        done
        n=$((n + count))
    done
    pg_instance_stop "$SD_SERVER"
    count_crashes "$SD_SERVER/server.log"
    report "$passed" "$failed" "${skipped_verbatim#; }"
}
