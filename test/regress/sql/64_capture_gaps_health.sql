-- Capture stopped by hand (ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER) marks every TVIEW
-- reading the table stale at once; the health check reports the trigger and the stale TVIEWs;
-- re-enabling capture plus a forced full refresh repairs them and clears the mark.
CREATE FUNCTION masked(detail text) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(detail, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+', '<time>', 'g')
$$;
CREATE TABLE tb_l64_item (pk_l64_item int PRIMARY KEY, v int NOT NULL);
CREATE TABLE tb_l64_other (pk_l64_other int PRIMARY KEY, v int NOT NULL);
INSERT INTO tb_l64_item SELECT g, g FROM generate_series(1, 4) g;
INSERT INTO tb_l64_other VALUES (1, 1);
SELECT create_tview('tv_l64_item', 'SELECT i.pk_l64_item, i.v FROM tb_l64_item i');
SELECT create_tview('tv_l64_other', 'SELECT o.pk_l64_other, o.v FROM tb_l64_other o');
SELECT check_name, status, tview FROM pg_tviews_health_check()
 WHERE status <> 'OK' AND coalesce(tview, '') LIKE '%l64%' ORDER BY 1, 3;

-- The seeds' emergency disable: every pg_tviews_ trigger of the table.
ALTER TABLE tb_l64_item DISABLE TRIGGER pg_tviews_capture_update;
UPDATE tb_l64_item SET v = 20 WHERE pk_l64_item = 2;       -- not captured
SELECT oracle_check();
SELECT entity_name, status, stale, stale_reason FROM pg_tviews_metadata
 WHERE entity LIKE 'l64%' ORDER BY 1;
SELECT check_name, status, tview, masked(detail) AS detail FROM pg_tviews_health_check()
 WHERE status <> 'OK' AND coalesce(tview, '') LIKE '%l64%' ORDER BY 1, 3;
-- Refreshed while capture is still off: right now, but still marked stale, since the next
-- writes to the table will be missed again.
SELECT pg_tviews_refresh('tv_l64_item') AS rows;
SELECT oracle_check();
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity = 'l64_item';
-- Capture re-enabled and a forced full refresh: repaired, and the mark is gone.
ALTER TABLE tb_l64_item ENABLE TRIGGER pg_tviews_capture_update;
SELECT pg_tviews_refresh('tv_l64_item', force => true) AS rows;
SELECT oracle_check();
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity = 'l64_item';

-- DISABLE TRIGGER ALL, rolled back: no mark remains.
BEGIN;
ALTER TABLE tb_l64_item DISABLE TRIGGER ALL;
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity = 'l64_item';
ROLLBACK;
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity = 'l64_item';

-- ENABLE REPLICA: the trigger no longer fires in ordinary sessions.
ALTER TABLE tb_l64_item ENABLE REPLICA TRIGGER pg_tviews_capture_insert;
SELECT check_name, tview, detail FROM pg_tviews_health_check()
 WHERE check_name = 'capture_triggers_disabled' AND tview LIKE '%l64%';
ALTER TABLE tb_l64_item ENABLE TRIGGER pg_tviews_capture_insert;
SELECT pg_tviews_refresh('tv_l64_item') AS rows;

-- A dropped capture trigger: reported missing, TVIEW stale; the installer restores it.
DROP TRIGGER pg_tviews_capture_delete ON tb_l64_item;
DELETE FROM tb_l64_item WHERE pk_l64_item = 4;              -- not captured
SELECT oracle_check();
SELECT check_name, status, tview, masked(detail) AS detail, hint FROM pg_tviews_health_check()
 WHERE status <> 'OK' AND coalesce(tview, '') LIKE '%l64%' ORDER BY 1, 3;
SELECT pg_tviews_install_stmt_triggers() AS installed;
SELECT pg_tviews_refresh('tv_l64_item', force => true) AS rows;
SELECT oracle_check();
SELECT check_name, status FROM pg_tviews_health_check()
 WHERE status <> 'OK' AND coalesce(tview, '') LIKE '%l64%';

-- Disabling a trigger of an unrelated table marks nothing.
CREATE TABLE l64_plain (id int);
CREATE TRIGGER l64_t AFTER INSERT ON l64_plain FOR EACH STATEMENT EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE l64_plain DISABLE TRIGGER l64_t;
SELECT count(*) AS backlog FROM pg_tviews_get_queue();

-- An orphaned capture trigger (left by hand on a table no TVIEW reads).
CREATE TRIGGER pg_tviews_capture_truncate AFTER TRUNCATE ON l64_plain
    FOR EACH STATEMENT EXECUTE FUNCTION pg_tviews_capture();
SELECT check_name, status, detail, hint FROM pg_tviews_health_check()
 WHERE check_name = 'orphaned_capture_triggers';
SELECT pg_tviews_prune_capture() AS pruned;
SELECT check_name, status FROM pg_tviews_health_check() WHERE check_name = 'orphaned_capture_triggers';

-- A refresh error is current until a later refresh succeeds.
CREATE TABLE tb_l64_ratio (pk_l64_ratio int PRIMARY KEY, d int NOT NULL);
INSERT INTO tb_l64_ratio VALUES (1, 1);
SELECT create_tview('tv_l64_ratio', 'SELECT r.pk_l64_ratio, 10 / r.d AS q FROM tb_l64_ratio r');
\set VERBOSITY terse
UPDATE tb_l64_ratio SET d = 0;
\set VERBOSITY default
SELECT entity_name, status, last_error FROM pg_tviews_metadata WHERE entity = 'l64_ratio';
SELECT check_name, status, tview, masked(detail) AS detail
  FROM pg_tviews_health_check() WHERE check_name = 'refresh_errors';
UPDATE tb_l64_ratio SET d = 2;
SELECT entity_name, status, last_error FROM pg_tviews_metadata WHERE entity = 'l64_ratio';
SELECT oracle_check();

-- Missing indexes are warnings with the DDL to run.
CREATE TABLE tb_l64_parent (pk_l64_parent int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tb_l64_child (pk_l64_child int PRIMARY KEY, fk_parent int NOT NULL REFERENCES tb_l64_parent);
SELECT create_tview('tv_l64_child', $$
    SELECT c.pk_l64_child, p.name FROM tb_l64_child c JOIN tb_l64_parent p ON p.pk_l64_parent = c.fk_parent$$);
SELECT check_name, status, tview, hint FROM pg_tviews_health_check()
 WHERE check_name = 'missing_indexes' AND tview LIKE '%l64%';

DROP TABLE l64_plain;
DROP FUNCTION masked(text);
DROP TABLE tb_l64_item, tb_l64_other, tb_l64_ratio, tb_l64_child, tb_l64_parent CASCADE;
SELECT check_name, status FROM pg_tviews_health_check() ORDER BY 1;
