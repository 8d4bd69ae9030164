-- Definitions whose changed rows pg_tviews cannot derive are refused at creation with
-- feature_not_supported (0A000), one construct at a time, and leave nothing behind.
\set SHOW_CONTEXT never
CREATE TABLE tb_shape (pk_shape int PRIMARY KEY, grp int, v text);
CREATE TABLE tb_shape_other (pk_shape int PRIMARY KEY, w text);
INSERT INTO tb_shape VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
INSERT INTO tb_shape_other VALUES (1, 'x');

-- A second table not linked to the key by any equality: any change to it could change every row.
CREATE TABLE tv_shape AS SELECT s.pk_shape, o.w FROM tb_shape s CROSS JOIN tb_shape_other o;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape, (SELECT max(w) FROM tb_shape_other) AS w FROM tb_shape;
\echo :LAST_ERROR_SQLSTATE
-- Window function.
CREATE TABLE tv_shape AS SELECT pk_shape, row_number() OVER (ORDER BY v) AS rn FROM tb_shape;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape, count(*) OVER (PARTITION BY grp) AS n FROM tb_shape;
\echo :LAST_ERROR_SQLSTATE
-- UNION, UNION ALL, INTERSECT, EXCEPT at the top level.
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape UNION SELECT pk_shape FROM tb_shape_other;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape WHERE grp = 1 UNION ALL SELECT pk_shape FROM tb_shape WHERE grp = 2;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape INTERSECT SELECT pk_shape FROM tb_shape_other;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape EXCEPT SELECT pk_shape FROM tb_shape_other;
\echo :LAST_ERROR_SQLSTATE
-- LIMIT, OFFSET, FETCH FIRST.
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape ORDER BY pk_shape LIMIT 2;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape ORDER BY pk_shape OFFSET 1;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape ORDER BY pk_shape FETCH FIRST 1 ROWS ONLY;
\echo :LAST_ERROR_SQLSTATE
-- Set-returning function in the select list.
CREATE TABLE tv_shape AS SELECT pk_shape, generate_series(1, 2) AS n FROM tb_shape;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape, jsonb_array_elements('[1, 2]') AS e FROM tb_shape;
\echo :LAST_ERROR_SQLSTATE
-- Locking clauses.
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape FOR UPDATE;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape FOR SHARE;
\echo :LAST_ERROR_SQLSTATE
-- GROUPING SETS, ROLLUP.
CREATE TABLE tv_shape AS SELECT pk_shape, count(*) AS n FROM tb_shape GROUP BY GROUPING SETS ((pk_shape), ());
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape, count(*) AS n FROM tb_shape GROUP BY ROLLUP (pk_shape);
\echo :LAST_ERROR_SQLSTATE
-- TABLESAMPLE.
CREATE TABLE tv_shape AS SELECT pk_shape FROM tb_shape TABLESAMPLE SYSTEM (50);
\echo :LAST_ERROR_SQLSTATE
-- Recursive WITH.
CREATE TABLE tv_shape AS
WITH RECURSIVE r(pk_shape) AS (SELECT pk_shape FROM tb_shape WHERE grp = 1
                               UNION SELECT s.pk_shape FROM tb_shape s JOIN r ON s.pk_shape = r.pk_shape + 1)
SELECT pk_shape FROM r;
\echo :LAST_ERROR_SQLSTATE
-- Keys that come from no table.
CREATE TABLE tv_shape AS SELECT pk_shape FROM generate_series(1, 3) AS pk_shape;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT pk_shape FROM (VALUES (1), (2)) AS v(pk_shape);
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_shape AS SELECT 1 AS pk_shape;
\echo :LAST_ERROR_SQLSTATE

-- The same refusals through pg_tviews_create().
SELECT pg_tviews_create('shape', 'SELECT s.pk_shape, o.w FROM tb_shape s CROSS JOIN tb_shape_other o');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', 'SELECT pk_shape, rank() OVER (ORDER BY v) AS r FROM tb_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', 'SELECT pk_shape FROM tb_shape LIMIT 1');
\echo :LAST_ERROR_SQLSTATE
-- What pg_tviews_create() needs from its query text.
SELECT pg_tviews_create('shape', 'INSERT INTO tb_shape VALUES (9, 9, ''z'')');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', 'SELECT pk_shape FROM tb_shape; SELECT pk_shape FROM tb_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', 'SELECT pk_shape INTO tv_other FROM tb_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', 'SELEC pk_shape FROM tb_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('shape', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create(NULL, 'SELECT pk_shape FROM tb_shape');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS written FROM tb_shape WHERE pk_shape = 9;

-- DISTINCT ON a column other than the key: which row survives depends on other keys' rows.
\set VERBOSITY sqlstate
CREATE TABLE tv_shape_on AS SELECT DISTINCT ON (v) pk_shape AS pk_shape_on, v FROM tb_shape ORDER BY v, pk_shape;
\set VERBOSITY default
SELECT leftovers('tv_shape_on', 'tb_shape');

-- Nothing was left behind: no table, no catalog rows, no definition view, no trigger.
SELECT leftovers('tv_shape', 'tb_shape');
SELECT leftovers('tv_shape', 'tb_shape_other');
SELECT to_regclass('tv_other') AS tv_other;
SELECT count(*) AS tviews FROM pg_tviews WHERE entity = 'shape';

-- The base tables still work.
INSERT INTO tb_shape VALUES (4, 2, 'd');
UPDATE tb_shape_other SET w = 'y';
SELECT oracle_check();

DROP TABLE tb_shape, tb_shape_other;
SELECT oracle_check();
