-- refresh-status.sql: one line per TVIEW, parents first: status, last refresh, durations,
-- counters since the last statistics reset. Read-only.
--
--   psql -X -v ON_ERROR_STOP=1 -d mydb -f refresh-status.sql
\pset footer off

SELECT m.entity_name,
       m.status,
       m.dependency_level AS level,
       m.queued_keys,
       m.last_refresh_time,
       round(extract(epoch FROM now() - m.last_refresh_time)::numeric, 0) AS seconds_ago,
       round(m.last_refresh_duration_ms::numeric, 2) AS last_ms,
       s.refreshes,
       round((s.total_time_ms / nullif(s.refreshes, 0))::numeric, 3) AS avg_ms,
       s.rows_inserted + s.rows_updated + s.rows_deleted AS rows_written,
       s.rows_unchanged,
       s.errors,
       m.last_error
FROM pg_tviews_metadata m
JOIN pg_tviews_stats s ON s.tview = m.entity_name
ORDER BY m.refresh_priority DESC, m.dependency_level, m.entity_name;
