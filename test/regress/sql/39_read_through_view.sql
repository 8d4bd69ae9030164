-- A definition may read a table through an ordinary view: the view is expanded, the base
-- table under it is captured, and the TVIEW is maintained like a direct one.
CREATE TABLE tb_thru (pk_thru int PRIMARY KEY, title text NOT NULL, hidden boolean NOT NULL DEFAULT false);
INSERT INTO tb_thru VALUES (1, 'one', false), (2, 'two', true), (3, 'three', false);
CREATE VIEW thru_visible AS SELECT pk_thru, title FROM tb_thru WHERE NOT hidden;

CREATE TABLE tv_thru AS SELECT pk_thru, upper(title) AS title FROM thru_visible;
SELECT oracle_register('tv_thru', 'SELECT pk_thru, upper(title) AS title FROM thru_visible');
SELECT oracle_check();
SELECT tview, reads FROM pg_tviews WHERE tview = 'tv_thru';
SELECT capture_triggers('tb_thru');
SELECT * FROM tv_thru ORDER BY pk_thru;

INSERT INTO tb_thru VALUES (4, 'four', false);
SELECT oracle_check();
UPDATE tb_thru SET hidden = true WHERE pk_thru = 1;
SELECT oracle_check();
UPDATE tb_thru SET hidden = false, title = 'deux' WHERE pk_thru = 2;
SELECT oracle_check();
DELETE FROM tb_thru WHERE pk_thru = 3;
SELECT oracle_check();
SELECT * FROM tv_thru ORDER BY pk_thru;

-- The view cannot be dropped from under the TVIEW.
\set SHOW_CONTEXT never
DROP VIEW thru_visible;
\echo :LAST_ERROR_SQLSTATE

DROP TABLE tv_thru;
SELECT capture_triggers('tb_thru');
DROP VIEW thru_visible;
DROP TABLE tb_thru;
SELECT oracle_check();
