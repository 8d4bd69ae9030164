-- Writable CTEs touching the base table, or two base tables, are reflected at statement end.
CREATE TABLE tb_wa (pk_wa int PRIMARY KEY, v text);
CREATE TABLE tb_wb (pk_wb int PRIMARY KEY, fk_wa int, v text);
INSERT INTO tb_wa VALUES (1, 'a1'), (2, 'a2');
INSERT INTO tb_wb VALUES (10, 1, 'b10'), (20, 2, 'b20');
CREATE TABLE tv_wa AS SELECT pk_wa, v FROM tb_wa;
SELECT oracle_register('tv_wa', 'SELECT pk_wa, v FROM tb_wa');
CREATE TABLE tv_wb AS SELECT pk_wb, fk_wa, upper(v) AS v FROM tb_wb;
SELECT oracle_register('tv_wb', 'SELECT pk_wb, fk_wa, upper(v) AS v FROM tb_wb');
SELECT oracle_check();

-- One base table, written by the CTE, read by the main query.
WITH ins AS (INSERT INTO tb_wa VALUES (3, 'a3') RETURNING pk_wa)
SELECT count(*) FROM ins;
SELECT oracle_check();
-- Two writes to the same base table in one statement.
WITH u AS (UPDATE tb_wa SET v = v || '!' WHERE pk_wa = 1 RETURNING pk_wa)
DELETE FROM tb_wa WHERE pk_wa = 2;
SELECT oracle_check();
SELECT * FROM tv_wa ORDER BY pk_wa;

-- Two base tables in one statement.
WITH a AS (INSERT INTO tb_wa VALUES (4, 'a4') RETURNING pk_wa),
     b AS (INSERT INTO tb_wb SELECT pk_wa * 10, pk_wa, 'b' || pk_wa FROM a RETURNING pk_wb)
SELECT (SELECT count(*) FROM a) AS a, (SELECT count(*) FROM b) AS b;
SELECT oracle_check();
WITH a AS (DELETE FROM tb_wa WHERE pk_wa = 1 RETURNING pk_wa)
UPDATE tb_wb SET fk_wa = NULL, v = 'orphan' WHERE fk_wa IN (SELECT pk_wa FROM a);
SELECT oracle_check();
SELECT * FROM tv_wa ORDER BY pk_wa;
SELECT * FROM tv_wb ORDER BY pk_wb;

-- A data-modifying CTE in a SELECT that also reads the TVIEW sees the pre-statement snapshot;
-- the TVIEW is fresh right after the statement.
WITH d AS (DELETE FROM tb_wb WHERE pk_wb = 20 RETURNING pk_wb)
SELECT (SELECT count(*) FROM d) AS deleted, (SELECT count(*) FROM tv_wb) AS tv_wb_rows_seen;
SELECT oracle_check();
-- Moving rows between the two tables.
WITH moved AS (DELETE FROM tb_wb WHERE pk_wb = 40 RETURNING pk_wb, v)
INSERT INTO tb_wa SELECT pk_wb, v FROM moved;
SELECT oracle_check();
SELECT * FROM tv_wa ORDER BY pk_wa;
SELECT * FROM tv_wb ORDER BY pk_wb;

DROP TABLE tv_wa, tv_wb;
DROP TABLE tb_wa, tb_wb;
SELECT oracle_check();
