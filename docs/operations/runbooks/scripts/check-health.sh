#!/usr/bin/env bash
# check-health.sh: pg_tviews health check for cron or a monitoring agent (Nagios-style).
#
#   check-health.sh [psql connection options]      e.g. check-health.sh -d mydb
#
# Connects like psql (PGHOST, PGPORT, PGDATABASE, PGUSER or options). Prints one line per
# problem ("STATUS|check|tview|detail"); exit status 0 all OK, 1 WARNING, 2 ERROR, 3 the check
# could not run.
set -uo pipefail

out="$(psql -X -qAt -F '|' -v ON_ERROR_STOP=1 "$@" -c "
    SELECT status, check_name, coalesce(tview, ''), detail
    FROM pg_tviews_health_check()
    WHERE status <> 'OK'" 2>&1)" || {
    printf 'UNKNOWN: %s\n' "$out"
    exit 3
}
if [[ -z "$out" ]]; then
    echo "OK: pg_tviews health check found no problem"
    exit 0
fi
printf '%s\n' "$out"
if grep -q '^ERROR|' <<<"$out"; then exit 2; fi
exit 1
