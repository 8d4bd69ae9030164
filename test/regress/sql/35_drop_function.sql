-- pg_tviews_drop(name, if_exists, cascade) drops the TVIEW, its catalog rows and definition
-- view, and the base table's capture triggers once no TVIEW needs them.
\set SHOW_CONTEXT never
CREATE SCHEMA drop_fn_schema;
CREATE TABLE tb_dropfn (pk_dropfn int PRIMARY KEY, v text);
INSERT INTO tb_dropfn VALUES (1, 'a');
SELECT create_tview('dropfn1', 'SELECT pk_dropfn AS pk_dropfn1, v FROM tb_dropfn');
SELECT create_tview('tv_dropfn2', 'SELECT pk_dropfn AS pk_dropfn2, v FROM tb_dropfn');
SELECT create_tview('drop_fn_schema.tv_dropfn3', 'SELECT pk_dropfn AS pk_dropfn3, v FROM public.tb_dropfn');
SELECT oracle_check();

-- By bare entity, by table name, by qualified name.
SELECT pg_tviews_drop('dropfn1');
SELECT leftovers('tv_dropfn1', 'tb_dropfn');
SELECT pg_tviews_drop('tv_dropfn2');
SELECT to_regclass('tv_dropfn2') AS tv_dropfn2, count(*) AS catalog_rows FROM pg_tviews WHERE entity = 'dropfn2';
-- Still needed by tv_dropfn3.
SELECT capture_triggers('tb_dropfn');
INSERT INTO tb_dropfn VALUES (2, 'b');
SELECT oracle_check();
SELECT pg_tviews_drop('drop_fn_schema.tv_dropfn3');
SELECT leftovers('drop_fn_schema.tv_dropfn3', 'tb_dropfn');
SELECT tview FROM pg_tviews WHERE entity LIKE 'dropfn%' ORDER BY tview;

-- Unknown names.
SELECT pg_tviews_drop('dropfn1');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_drop('dropfn1', if_exists => true);
SELECT pg_tviews_drop('no_schema.tv_x', true);
-- A table that is not a TVIEW is not dropped by pg_tviews_drop.
SELECT pg_tviews_drop('tb_dropfn');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_drop('tb_dropfn', true);
SELECT to_regclass('tb_dropfn') AS base_still_there;

-- A view over the TVIEW: refused without cascade, dropped with it.
SELECT create_tview('dropfn4', 'SELECT pk_dropfn AS pk_dropfn4, v FROM tb_dropfn');
CREATE VIEW dropfn4_reader AS SELECT * FROM tv_dropfn4;
SELECT pg_tviews_drop('dropfn4');
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tv_dropfn4') AS still_there;
UPDATE tb_dropfn SET v = 'z';
SELECT oracle_check();
SELECT pg_tviews_drop('dropfn4', cascade => true);
SELECT to_regclass('dropfn4_reader') AS reader, to_regclass('tv_dropfn4') AS tview;
SELECT leftovers('tv_dropfn4', 'tb_dropfn');

-- Dropped inside a transaction that rolls back: the TVIEW is back and maintained.
SELECT create_tview('dropfn5', 'SELECT pk_dropfn AS pk_dropfn5, v FROM tb_dropfn');
BEGIN;
SELECT pg_tviews_drop('dropfn5');
SELECT to_regclass('tv_dropfn5') AS during;
INSERT INTO tb_dropfn VALUES (3, 'c');
ROLLBACK;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_dropfn5';
SELECT capture_triggers('tb_dropfn');
INSERT INTO tb_dropfn VALUES (3, 'c');
SELECT oracle_check();
SELECT * FROM tv_dropfn5 ORDER BY pk_dropfn5;
SELECT pg_tviews_drop('dropfn5');
SELECT leftovers('tv_dropfn5', 'tb_dropfn');

-- Base table writes work without any TVIEW.
UPDATE tb_dropfn SET v = 'after';
SELECT oracle_check();
DROP TABLE tb_dropfn;
DROP SCHEMA drop_fn_schema;
SELECT oracle_check();
