-- A write that would give a TVIEW two rows with the same key cannot be represented: it fails
-- with unique_violation (23505) and a clear message instead of leaving the TVIEW stale, and the
-- failed statement leaves no trace.
\set SHOW_CONTEXT never
\set VERBOSITY sqlstate
CREATE TABLE tb_ki (id serial PRIMARY KEY, code int NOT NULL, v text);
INSERT INTO tb_ki (code, v) VALUES (1, 'a'), (2, 'b');
-- code has no unique index: uniqueness is only a property of today's data.
CREATE TABLE tv_ki AS SELECT code AS pk_ki, v FROM tb_ki;
SELECT oracle_register('tv_ki', 'SELECT code AS pk_ki, v FROM tb_ki');
-- DISTINCT collapses equal rows only: two different rows with one key are a duplicate too.
CREATE TABLE tv_ki_distinct AS SELECT DISTINCT code AS pk_ki_distinct, v FROM tb_ki;
SELECT oracle_register('tv_ki_distinct', 'SELECT DISTINCT code AS pk_ki_distinct, v FROM tb_ki');
SELECT oracle_check();

-- A second row with an existing key.
INSERT INTO tb_ki (code, v) VALUES (1, 'duplicate');
SELECT oracle_check();
-- Two new rows with the same new key.
INSERT INTO tb_ki (code, v) VALUES (3, 'x'), (3, 'y');
SELECT oracle_check();
-- An UPDATE that collides two keys.
UPDATE tb_ki SET code = 1 WHERE code = 2;
SELECT oracle_check();
SELECT * FROM tv_ki ORDER BY pk_ki;
SELECT * FROM tv_ki_distinct ORDER BY pk_ki_distinct;
SELECT code, v FROM tb_ki ORDER BY code;

-- A duplicate of an identical row is fine for the DISTINCT TVIEW only; drop the other first.
DROP TABLE tv_ki;
INSERT INTO tb_ki (code, v) VALUES (1, 'a');
SELECT oracle_check();
INSERT INTO tb_ki (code, v) VALUES (1, 'b');
SELECT oracle_check();
SELECT * FROM tv_ki_distinct ORDER BY pk_ki_distinct;

-- Inside a transaction: the failure is recoverable with a savepoint.
BEGIN;
INSERT INTO tb_ki (code, v) VALUES (4, 'd');
SAVEPOINT s;
INSERT INTO tb_ki (code, v) VALUES (4, 'dd');
ROLLBACK TO SAVEPOINT s;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_ki_distinct ORDER BY pk_ki_distinct;

DROP TABLE tv_ki_distinct;
DROP TABLE tb_ki;
SELECT oracle_check();
