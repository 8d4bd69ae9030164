-- runbook-test: sandbox continue
-- emergency-restore.sql: brings every TVIEW back to maintained and in sync, whatever stopped
-- it: re-enables capture triggers disabled by hand, recreates missing ones, resumes suspended
-- TVIEWs, refreshes stale ones in full (parents first), then verifies every TVIEW and fails
-- (psql exit 3) if one still differs from its definition. Changes state.
--
--   psql -X -v ON_ERROR_STOP=1 -d mydb -f emergency-restore.sql
\pset footer off

\echo '== 1. capture triggers disabled by hand'
SELECT format('ALTER TABLE %s ENABLE TRIGGER %I', t.tgrelid::regclass, t.tgname)
FROM pg_trigger t
WHERE t.tgname LIKE 'pg\_tviews\_capture\_%'
  AND t.tgenabled NOT IN ('O', 'A')
ORDER BY 1
\gexec

\echo '== 2. missing capture triggers'
SELECT pg_tviews_install_stmt_triggers() AS triggers_created;

\echo '== 3. resume'
SELECT pg_tviews_resume() AS entries_caught_up;

\echo '== 4. full refresh of stale TVIEWs'
SELECT format('SELECT %L AS tview, pg_tviews_refresh(%L, force => true) AS rows',
              entity_name, entity_name)
FROM pg_tviews_metadata
WHERE stale
ORDER BY refresh_priority DESC, entity_name
\gexec

\echo '== 5. verification'
SELECT entity_name, status, pg_tviews_verify(entity_name) AS in_sync
FROM pg_tviews_metadata
ORDER BY refresh_priority DESC, entity_name;

SELECT count(*) FILTER (WHERE NOT pg_tviews_verify(entity_name) OR status <> 'ok') > 0
           AS restore_incomplete
FROM pg_tviews_metadata \gset
\if :restore_incomplete
DO $$ BEGIN RAISE EXCEPTION 'some TVIEW is not ok or not in sync after the restore (see above)'; END $$;
\endif

SELECT check_name, status, tview, detail
FROM pg_tviews_health_check()
WHERE status <> 'OK';
