-- health-check.sql: pg_tviews health report for the current database. Read-only.
--
--   psql -X -v ON_ERROR_STOP=1 -d mydb -f health-check.sql
--   psql -X -v ON_ERROR_STOP=1 -v strict=1 -d mydb -f health-check.sql   (exit 3 on ERROR)
--
-- Sections: versions, health check, TVIEWs not ok, backlog, capture triggers not enabled,
-- prepared transactions. See 01-health-monitoring/tview-health-check.md for what to do.
\pset footer off

\echo '== versions'
SELECT e.extversion AS sql_version, pg_tviews_version() AS library_version,
       current_database() AS database, now() AS checked_at
FROM pg_extension e
WHERE e.extname = 'pg_tviews';

\echo '== health check (ERROR first)'
SELECT check_name, status, tview, detail, hint
FROM pg_tviews_health_check();

\echo '== TVIEWs whose status is not ok'
SELECT entity_name, status, suspended, stale, queued_keys, last_error, last_error_at
FROM pg_tviews_metadata
WHERE status <> 'ok'
ORDER BY refresh_priority DESC, entity_name;

\echo '== backlog (suspended and stale TVIEWs)'
SELECT entity_name, suspended, count(*) AS entries,
       count(*) FILTER (WHERE key IS NULL) AS whole_tview_entries,
       max(entry_age) AS oldest_age
FROM pg_tviews_get_queue()
GROUP BY entity_name, suspended
ORDER BY oldest_age DESC;

\echo '== capture triggers not enabled'
SELECT t.tgrelid::regclass AS base_table, t.tgname, t.tgenabled
FROM pg_trigger t
WHERE t.tgname LIKE 'pg\_tviews\_capture\_%'
  AND t.tgenabled NOT IN ('O', 'A')
ORDER BY 1, 2;

\echo '== prepared transactions of this database'
SELECT gid, owner, prepared, now() - prepared AS age
FROM pg_prepared_xacts
WHERE database = current_database()
ORDER BY prepared;

\if :{?strict}
SELECT count(*) FILTER (WHERE status = 'ERROR') > 0 AS health_has_errors
FROM pg_tviews_health_check() \gset
\if :health_has_errors
DO $$ BEGIN RAISE EXCEPTION 'pg_tviews health check reports ERROR (see above)'; END $$;
\endif
\endif
