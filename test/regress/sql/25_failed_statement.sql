-- A statement that fails (after some of its rows were written) leaves no trace in the TVIEW,
-- in autocommit and inside a transaction recovered by ROLLBACK TO SAVEPOINT.
\set SHOW_CONTEXT never
CREATE TABLE tb_fail (pk_fail int PRIMARY KEY, v text, n int CHECK (n >= 0));
INSERT INTO tb_fail VALUES (1, 'a', 1), (2, 'b', 2);
CREATE TABLE tv_fail AS SELECT pk_fail, v, n FROM tb_fail;
SELECT oracle_register('tv_fail', 'SELECT pk_fail, v, n FROM tb_fail');
SELECT oracle_check();

-- Autocommit: the second row violates the primary key.
INSERT INTO tb_fail VALUES (3, 'c', 3), (1, 'dup', 1);
SELECT oracle_check();
-- Autocommit: a check constraint fails on some rows of an UPDATE.
UPDATE tb_fail SET n = n - 2;
SELECT oracle_check();
SELECT * FROM tv_fail ORDER BY pk_fail;

-- Inside a transaction, with a savepoint.
BEGIN;
INSERT INTO tb_fail VALUES (3, 'c', 3);
SELECT oracle_check();
SAVEPOINT before_failure;
UPDATE tb_fail SET v = 'changed', n = n - 2;
ROLLBACK TO SAVEPOINT before_failure;
SELECT oracle_check();
SELECT * FROM tv_fail ORDER BY pk_fail;
-- An error raised by a later statement only rolls back that statement's subtransaction.
SAVEPOINT second;
DELETE FROM tb_fail WHERE pk_fail = 1;
SELECT oracle_check();
INSERT INTO tb_fail VALUES (2, 'dup', 0);
ROLLBACK TO SAVEPOINT second;
SELECT oracle_check();
INSERT INTO tb_fail VALUES (4, 'd', 4);
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_fail ORDER BY pk_fail;

-- A failure in a deferred constraint at COMMIT rolls everything back.
CREATE TABLE tb_fail_ref (id int PRIMARY KEY);
ALTER TABLE tb_fail ADD COLUMN ref int REFERENCES tb_fail_ref DEFERRABLE INITIALLY DEFERRED;
BEGIN;
INSERT INTO tb_fail VALUES (5, 'e', 5, 42);
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_fail ORDER BY pk_fail;

DROP TABLE tv_fail;
DROP TABLE tb_fail, tb_fail_ref;
SELECT oracle_check();
