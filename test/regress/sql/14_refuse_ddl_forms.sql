-- Creation forms a TVIEW cannot honour (temporary, WITH NO DATA, storage parameters, access
-- method, EXPLAIN ANALYZE) are refused with 0A000 and leave nothing behind; unknown TVIEW names
-- are 42P01 in every function that takes one.
\set SHOW_CONTEXT never
CREATE TABLE tb_ddl (pk_ddl int PRIMARY KEY, v text);
INSERT INTO tb_ddl VALUES (1, 'a'), (2, 'b');

CREATE TEMPORARY TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
-- A table created in the temporary schema is temporary too, however it is named.
\set VERBOSITY sqlstate
CREATE TABLE pg_temp.tv_ddl_t1 AS SELECT pk_ddl AS pk_ddl_t1, v FROM tb_ddl;
SELECT pg_tviews_create('pg_temp.tv_ddl_t2', 'SELECT pk_ddl AS pk_ddl_t2, v FROM tb_ddl');
SELECT pg_tviews_create('pg_temp.ddl_t3', 'SELECT pk_ddl AS pk_ddl_t3, v FROM tb_ddl');
\set VERBOSITY default
SELECT count(*) AS temp_tables FROM pg_class WHERE relname LIKE 'tv\_ddl%' AND relpersistence = 't';
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE entity LIKE 'ddl%';
CREATE TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl WITH NO DATA;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_ddl WITH (fillfactor = 50) AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_ddl USING heap AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
EXPLAIN ANALYZE CREATE TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
EXPLAIN (ANALYZE, COSTS OFF) CREATE TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
\echo :LAST_ERROR_SQLSTATE
-- Plain EXPLAIN only plans: it creates nothing.
EXPLAIN (COSTS OFF) CREATE TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
SELECT leftovers('tv_ddl', 'tb_ddl');

-- Unknown names.
SELECT pg_tviews_verify('tv_nonexistent');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_plan('nonexistent');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_resolve('public.tv_nonexistent');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_drop('nonexistent');
\echo :LAST_ERROR_SQLSTATE
-- An existing table that is not a TVIEW is not a TVIEW name either.
SELECT pg_tviews_verify('tb_ddl');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_drop('tb_ddl');
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tb_ddl') AS still_there;

-- The base table is untouched and a proper TVIEW can still be created on it.
CREATE TABLE tv_ddl AS SELECT pk_ddl, v FROM tb_ddl;
SELECT oracle_register('tv_ddl', 'SELECT pk_ddl, v FROM tb_ddl');
SELECT relpersistence FROM pg_class WHERE oid = 'tv_ddl'::regclass;
INSERT INTO tb_ddl VALUES (3, 'c');
SELECT oracle_check();

DROP TABLE tv_ddl;
DROP TABLE tb_ddl;
SELECT oracle_check();
