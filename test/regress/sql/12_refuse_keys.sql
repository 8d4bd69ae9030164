-- The key column pk_<entity>: it must exist (42703), be a plain column of a table and be
-- grouped by when grouping (0A000), be unique at creation (23505), and never be null: a nullable
-- column not filtered by the WHERE clause is refused (42P17). Output column names must be
-- distinct (42701). Nothing is left behind.
\set SHOW_CONTEXT never
CREATE TABLE tb_key (pk_key int PRIMARY KEY, grp int NOT NULL, n int, v text);
INSERT INTO tb_key VALUES (1, 1, 10, 'a'), (2, 1, NULL, 'b'), (3, 2, 30, 'c');

-- Missing key column.
CREATE TABLE tv_key AS SELECT grp, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('key', 'SELECT pk_key AS id, v FROM tb_key');
\echo :LAST_ERROR_SQLSTATE
-- Key computed by an expression.
CREATE TABLE tv_key AS SELECT pk_key + 1 AS pk_key, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT 7 AS pk_key, v FROM tb_key WHERE pk_key = 1;
\echo :LAST_ERROR_SQLSTATE
-- Grouped, but not by the key.
CREATE TABLE tv_key AS SELECT max(pk_key) AS pk_key, grp FROM tb_key GROUP BY grp;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT grp AS pk_key, count(*) AS n FROM tb_key GROUP BY pk_key;
\echo :LAST_ERROR_SQLSTATE
-- Grouped by the key and another column: several rows per key.
CREATE TABLE tv_key AS SELECT grp AS pk_key, count(*) AS n FROM tb_key GROUP BY grp, v;
\echo :LAST_ERROR_SQLSTATE
-- Duplicate output column names.
CREATE TABLE tv_key AS SELECT pk_key, v AS a, n AS a FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT pk_key, v, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT pk_key, grp AS pk_key FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
-- A key column that can be null, whether or not some row is null today.
CREATE TABLE tv_key AS SELECT n AS pk_key, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT n AS pk_key, v FROM tb_key WHERE pk_key <> 2;
\echo :LAST_ERROR_SQLSTATE
-- Duplicate keys.
CREATE TABLE tv_key AS SELECT grp AS pk_key, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('key', 'SELECT grp AS pk_key, v FROM tb_key');
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_key AS SELECT DISTINCT grp AS pk_key, v FROM tb_key;
\echo :LAST_ERROR_SQLSTATE

SELECT leftovers('tv_key', 'tb_key');
SELECT count(*) AS tviews FROM pg_tviews WHERE entity = 'key';

-- The fixed definitions are accepted.
CREATE TABLE tv_key AS SELECT grp AS pk_key, count(*) AS n FROM tb_key GROUP BY grp;
SELECT oracle_register('tv_key', 'SELECT grp AS pk_key, count(*) AS n FROM tb_key GROUP BY grp');
CREATE TABLE tv_key_n AS SELECT n AS pk_key_n, v FROM tb_key WHERE n IS NOT NULL;
SELECT oracle_register('tv_key_n', 'SELECT n AS pk_key_n, v FROM tb_key WHERE n IS NOT NULL');
SELECT oracle_check();
INSERT INTO tb_key VALUES (4, 3, 40, 'd');
SELECT oracle_check();
UPDATE tb_key SET n = 20 WHERE pk_key = 2;
SELECT oracle_check();
UPDATE tb_key SET n = NULL WHERE pk_key = 1;
SELECT oracle_check();
SELECT * FROM tv_key ORDER BY pk_key;
SELECT * FROM tv_key_n ORDER BY pk_key_n;

DROP TABLE tv_key, tv_key_n;
DROP TABLE tb_key;
SELECT oracle_check();
