-- Dropping a base table that a TVIEW reads is refused with a clear error; with CASCADE it drops
-- the TVIEW too, with its catalog rows.
\set SHOW_CONTEXT never
CREATE TABLE tb_db (pk_db int PRIMARY KEY, v text);
CREATE TABLE tb_db_keep (pk_db_keep int PRIMARY KEY);
INSERT INTO tb_db VALUES (1, 'a');
INSERT INTO tb_db_keep VALUES (1);
CREATE TABLE tv_db AS SELECT pk_db, v FROM tb_db;
SELECT oracle_register('tv_db', 'SELECT pk_db, v FROM tb_db');
CREATE TABLE tv_db_keep AS SELECT pk_db_keep FROM tb_db_keep;
SELECT oracle_register('tv_db_keep', 'SELECT pk_db_keep FROM tb_db_keep');
SELECT oracle_check();

DROP TABLE tb_db;
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tb_db') AS base, to_regclass('tv_db') AS tview;
INSERT INTO tb_db VALUES (2, 'b');
SELECT oracle_check();
-- Dropping a column the definition reads is refused as well.
ALTER TABLE tb_db DROP COLUMN v;
\echo :LAST_ERROR_SQLSTATE
UPDATE tb_db SET v = 'still maintained';
SELECT oracle_check();
SELECT * FROM tv_db ORDER BY pk_db;

DROP TABLE tb_db CASCADE;
SELECT to_regclass('tb_db') AS base, to_regclass('tv_db') AS tview;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_db';
SELECT leftovers('tv_db', NULL);
-- The other TVIEW is untouched.
SELECT tview FROM pg_tviews WHERE entity LIKE 'db%' ORDER BY tview;
INSERT INTO tb_db_keep VALUES (2);
SELECT oracle_check();
SELECT * FROM tv_db_keep ORDER BY pk_db_keep;

-- CASCADE in a transaction that rolls back restores everything.
BEGIN;
DROP TABLE tb_db_keep CASCADE;
SELECT to_regclass('tv_db_keep') AS during;
ROLLBACK;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_db_keep';
INSERT INTO tb_db_keep VALUES (3);
SELECT oracle_check();
SELECT * FROM tv_db_keep ORDER BY pk_db_keep;

DROP TABLE tb_db_keep CASCADE;
SELECT to_regclass('tv_db_keep') AS tview;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview LIKE 'tv_db%';
SELECT oracle_check();
