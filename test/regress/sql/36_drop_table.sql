-- Plain DROP TABLE of TVIEWs: several names at once, IF EXISTS, mixed with ordinary tables
-- (including one named like a TVIEW); the catalog follows.
\set SHOW_CONTEXT never
CREATE TABLE tb_dt (pk_dt int PRIMARY KEY, v text);
INSERT INTO tb_dt VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_dt1 AS SELECT pk_dt AS pk_dt1, v FROM tb_dt;
SELECT oracle_register('tv_dt1', 'SELECT pk_dt AS pk_dt1, v FROM tb_dt');
CREATE TABLE tv_dt2 AS SELECT pk_dt AS pk_dt2, v FROM tb_dt;
SELECT oracle_register('tv_dt2', 'SELECT pk_dt AS pk_dt2, v FROM tb_dt');
CREATE TABLE tv_dt3 AS SELECT pk_dt AS pk_dt3, upper(v) AS v FROM tb_dt;
SELECT oracle_register('tv_dt3', 'SELECT pk_dt AS pk_dt3, upper(v) AS v FROM tb_dt');
-- An ordinary table whose name starts with tv_: not a TVIEW.
CREATE TABLE tv_plain (x int);
INSERT INTO tv_plain VALUES (1);
SELECT count(*) AS plain_is_tview FROM pg_tviews WHERE tview = 'tv_plain';
CREATE TABLE dt_other (x int);
SELECT oracle_check();

-- One statement, several TVIEWs and ordinary tables, one name that does not exist.
DROP TABLE IF EXISTS tv_dt1, tv_plain, tv_dt_missing, dt_other, tv_dt2;
SELECT to_regclass('tv_dt1') AS tv_dt1, to_regclass('tv_dt2') AS tv_dt2,
       to_regclass('tv_plain') AS tv_plain, to_regclass('dt_other') AS dt_other;
SELECT tview FROM pg_tviews WHERE entity LIKE 'dt%' ORDER BY tview;
SELECT leftovers('tv_dt1', NULL) AS tv_dt1, leftovers('tv_dt2', NULL) AS tv_dt2;
-- tv_dt3 still needs the triggers and is still maintained.
SELECT capture_triggers('tb_dt');
INSERT INTO tb_dt VALUES (3, 'c');
SELECT oracle_check();

-- Without IF EXISTS a missing name fails the whole statement: nothing is dropped.
DROP TABLE tv_dt3, tv_dt_missing;
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tv_dt3') AS tv_dt3, (SELECT count(*) FROM pg_tviews WHERE tview = 'tv_dt3') AS catalog_rows;
UPDATE tb_dt SET v = 'updated';
SELECT oracle_check();

-- An ordinary tv_ table alone drops normally.
CREATE TABLE tv_plain (x int);
DROP TABLE tv_plain;
SELECT to_regclass('tv_plain') AS tv_plain;

-- DROP TABLE of a TVIEW in a transaction that rolls back.
BEGIN;
DROP TABLE tv_dt3;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_dt3';
ROLLBACK;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_dt3';
UPDATE tb_dt SET v = 'again' WHERE pk_dt = 1;
SELECT oracle_check();

-- The last TVIEW on the base goes: so do the capture triggers.
DROP TABLE tv_dt3;
SELECT leftovers('tv_dt3', 'tb_dt');
SELECT tview FROM pg_tviews WHERE entity LIKE 'dt%' ORDER BY tview;

-- DROP SCHEMA ... CASCADE drops the TVIEWs in it.
CREATE SCHEMA dt_schema;
CREATE TABLE dt_schema.tv_dt4 AS SELECT pk_dt AS pk_dt4 FROM tb_dt;
SELECT oracle_register('dt_schema.tv_dt4', 'SELECT pk_dt AS pk_dt4 FROM tb_dt');
SELECT capture_triggers('tb_dt');
DROP SCHEMA dt_schema CASCADE;
SELECT leftovers('dt_schema.tv_dt4', 'tb_dt');
INSERT INTO tb_dt VALUES (4, 'd');
SELECT oracle_check();

DROP TABLE tb_dt;
SELECT oracle_check();
