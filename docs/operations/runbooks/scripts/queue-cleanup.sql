-- runbook-test: sandbox
-- queue-cleanup.sql: empties the backlog. Resumes every suspended TVIEW (catching up its
-- remembered keys) and refreshes every stale TVIEW in full, parents first. Changes state: run
-- it only when whoever suspended the TVIEWs agrees, and after capture triggers are enabled again
-- (health check: no capture_triggers_* ERROR).
--
--   psql -X -v ON_ERROR_STOP=1 -d mydb -f queue-cleanup.sql
--   psql -X -v ON_ERROR_STOP=1 -v only=tv_post -d mydb -f queue-cleanup.sql   (one TVIEW)
\pset footer off
\if :{?only}
\else
\set only ''
\endif

\echo '== backlog before'
SELECT entity_name, suspended, count(*) AS entries, max(entry_age) AS oldest_age
FROM pg_tviews_get_queue()
GROUP BY entity_name, suspended
ORDER BY entity_name;

\echo '== resuming suspended TVIEWs'
SELECT format('SELECT %L AS tview, pg_tviews_resume(%L) AS entries_caught_up',
              entity_name, entity_name)
FROM pg_tviews_metadata
WHERE suspended
  AND (:'only' = '' OR entity_name::regclass = pg_tviews_resolve(nullif(:'only', '')))
ORDER BY refresh_priority DESC, entity_name
\gexec

\echo '== refreshing stale TVIEWs'
SELECT format('SELECT %L AS tview, pg_tviews_refresh(%L, force => true) AS rows',
              entity_name, entity_name)
FROM pg_tviews_metadata
WHERE stale
  AND (:'only' = '' OR entity_name::regclass = pg_tviews_resolve(nullif(:'only', '')))
ORDER BY refresh_priority DESC, entity_name
\gexec

\echo '== backlog after (expected: no rows)'
SELECT entity_name, suspended, count(*) AS entries
FROM pg_tviews_get_queue()
GROUP BY entity_name, suspended
ORDER BY entity_name;
