-- Refresh statistics: counted per refresh, unchanged rows skipped and counted, and a refresh that
-- fails records its error although its transaction rolls back. Not transactional (pg_stat-like).
CREATE TABLE l60_item (pk_l60_item int PRIMARY KEY, v int NOT NULL, w int NOT NULL DEFAULT 1);
INSERT INTO l60_item SELECT g, g, 1 FROM generate_series(1, 5) g;
SELECT create_tview('tv_l60_item', 'SELECT i.pk_l60_item, 100 / i.w AS ratio, i.v FROM l60_item i');
SELECT pg_tviews_stats_reset('tv_l60_item');
SELECT refreshes, rows_inserted, rows_updated, rows_deleted, rows_unchanged, errors
  FROM pg_tviews_stats WHERE tview = 'tv_l60_item';

INSERT INTO l60_item VALUES (6, 6, 1), (7, 7, 1);      -- 2 inserted
UPDATE l60_item SET v = v + 1 WHERE pk_l60_item <= 3;   -- 3 updated
UPDATE l60_item SET w = 1;                              -- read column, same values: 7 unchanged
DELETE FROM l60_item WHERE pk_l60_item = 7;            -- 1 deleted
SELECT oracle_check();
SELECT refreshes, rows_inserted, rows_updated, rows_deleted, rows_unchanged, errors,
       last_refresh IS NOT NULL AS has_last_refresh, last_duration_ms >= 0 AS has_duration,
       total_time_ms >= last_duration_ms AS total_covers_last
  FROM pg_tviews_stats WHERE tview = 'tv_l60_item';

-- A refresh that fails: the write fails, nothing changes, and the error is remembered.
\set VERBOSITY terse
BEGIN;
UPDATE l60_item SET w = 0 WHERE pk_l60_item = 1;
ROLLBACK;
SELECT oracle_check();
SELECT errors, last_error, last_error_at IS NOT NULL AS has_error_time
  FROM pg_tviews_stats WHERE tview = 'tv_l60_item';

SELECT pg_tviews_stats_reset('tv_l60_item');
SELECT refreshes, errors, last_error FROM pg_tviews_stats WHERE tview = 'tv_l60_item';
SELECT pg_tviews_stats_reset();
SELECT count(*) AS with_stats FROM pg_tviews_stats WHERE refreshes > 0 OR errors > 0;

DROP TABLE l60_item CASCADE;
