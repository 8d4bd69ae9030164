-- runbook-test: sandbox stale
-- emergency-disable.sql: suspends TVIEW maintenance (emergency procedure E1). Base-table
-- writes go on; TVIEWs keep their rows; affected keys wait in the backlog until
-- emergency-restore.sql (or pg_tviews_resume) catches them up. Capture triggers are NOT
-- touched: disabling them would lose the writes made meanwhile.
--
--   psql -X -v ON_ERROR_STOP=1 -d mydb -f emergency-disable.sql                  (all TVIEWs)
--   psql -X -v ON_ERROR_STOP=1 -v only=tv_post -d mydb -f emergency-disable.sql  (one TVIEW)
\pset footer off
\if :{?only}
\else
\set only ''
\endif

SELECT pg_tviews_suspend(nullif(:'only', '')) AS tviews_suspended;

SELECT entity_name, suspended, suspended_at, queued_keys
FROM pg_tviews_metadata
ORDER BY refresh_priority DESC, entity_name;

\echo 'TVIEW maintenance is SUSPENDED: documents are frozen, writes are remembered.'
\echo 'Restore with: psql -X -v ON_ERROR_STOP=1 -f emergency-restore.sql'
