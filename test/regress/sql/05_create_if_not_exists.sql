-- An existing name: 42P07, or a NOTICE and no change with IF NOT EXISTS.
\set SHOW_CONTEXT never
CREATE TABLE tb_ine (pk_ine int PRIMARY KEY, v text);
INSERT INTO tb_ine VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_ine AS SELECT pk_ine, v FROM tb_ine;
SELECT oracle_register('tv_ine', 'SELECT pk_ine, v FROM tb_ine');
SELECT oracle_check();

-- Skipped: the existing TVIEW keeps its definition.
CREATE TABLE IF NOT EXISTS tv_ine AS SELECT pk_ine, upper(v) AS v FROM tb_ine;
SELECT oracle_check();
SELECT * FROM tv_ine ORDER BY pk_ine;

-- Without IF NOT EXISTS: refused, by every creation path.
CREATE TABLE tv_ine AS SELECT pk_ine, upper(v) AS v FROM tb_ine;
\echo :LAST_ERROR_SQLSTATE
SELECT pk_ine, upper(v) AS v INTO tv_ine FROM tb_ine;
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('ine', 'SELECT pk_ine, upper(v) AS v FROM tb_ine');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('tv_ine', 'SELECT pk_ine, upper(v) AS v FROM tb_ine');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tviews FROM pg_tviews WHERE tview = 'tv_ine';

-- An ordinary table with a TVIEW name is not replaced either.
CREATE TABLE tv_ine_plain (pk_ine_plain int);
CREATE TABLE IF NOT EXISTS tv_ine_plain AS SELECT pk_ine AS pk_ine_plain FROM tb_ine;
CREATE TABLE tv_ine_plain AS SELECT pk_ine AS pk_ine_plain FROM tb_ine;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows FROM tv_ine_plain;
SELECT count(*) AS tviews FROM pg_tviews WHERE tview = 'tv_ine_plain';

-- The TVIEW is still maintained with its original definition.
INSERT INTO tb_ine VALUES (3, 'c');
SELECT oracle_check();
UPDATE tb_ine SET v = 'z' WHERE pk_ine = 1;
SELECT oracle_check();
SELECT * FROM tv_ine ORDER BY pk_ine;

DROP TABLE tv_ine_plain;
DROP TABLE tv_ine;
DROP TABLE tb_ine;
SELECT oracle_check();
