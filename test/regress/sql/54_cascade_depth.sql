-- TVIEWs reading TVIEWs form levels; pg_tviews.max_cascade_depth bounds the chain at creation,
-- and every level stays fresh within the statement that changed the base table.
CREATE TABLE l54_base (pk_l54_a int PRIMARY KEY, v int NOT NULL);
INSERT INTO l54_base VALUES (1, 10), (2, 20);
SELECT create_tview('tv_l54_a', 'SELECT b.pk_l54_a, b.v FROM l54_base b');
SELECT create_tview('tv_l54_b', 'SELECT a.pk_l54_a AS pk_l54_b, a.v * 2 AS v FROM tv_l54_a a');
SELECT oracle_check();

-- tv_l54_b sits one cascade step above the base table's TVIEW; a TVIEW reading it would sit two
-- steps up, refused while the bound is 1, with nothing left behind.
SET pg_tviews.max_cascade_depth = 1;
\set VERBOSITY default
SELECT create_tview('tv_l54_c', 'SELECT b.pk_l54_b AS pk_l54_c, b.v + 1 AS v FROM tv_l54_b b');
\set VERBOSITY terse
SELECT count(*) AS leftovers FROM pg_class WHERE relname = 'tv_l54_c';  -- nor its definition view

-- Raised to 2, the same definition is accepted, and one statement refreshes all three levels.
SET pg_tviews.max_cascade_depth = 2;
SELECT create_tview('tv_l54_c', 'SELECT b.pk_l54_b AS pk_l54_c, b.v + 1 AS v FROM tv_l54_b b');
UPDATE l54_base SET v = v + 5;
SELECT oracle_check();
SELECT c.pk_l54_c, c.v FROM tv_l54_c c ORDER BY 1;
BEGIN;
DELETE FROM l54_base WHERE pk_l54_a = 1;
SELECT oracle_check();
ROLLBACK;
SELECT oracle_check();
RESET pg_tviews.max_cascade_depth;

DROP TABLE l54_base CASCADE;
SELECT count(*) AS tviews_left FROM pg_tviews WHERE tview LIKE 'tv_l54_%';
