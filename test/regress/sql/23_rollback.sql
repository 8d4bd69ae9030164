-- Inside a transaction the TVIEW is fresh after every statement; ROLLBACK leaves no trace.
CREATE TABLE tb_rb (pk_rb int PRIMARY KEY, v text);
INSERT INTO tb_rb VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_rb AS SELECT pk_rb, v FROM tb_rb;
SELECT oracle_register('tv_rb', 'SELECT pk_rb, v FROM tb_rb');
SELECT oracle_check();

BEGIN;
INSERT INTO tb_rb VALUES (3, 'c');
SELECT oracle_check();
UPDATE tb_rb SET v = 'z';
SELECT oracle_check();
DELETE FROM tb_rb WHERE pk_rb = 1;
SELECT oracle_check();
SELECT * FROM tv_rb ORDER BY pk_rb;
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_rb ORDER BY pk_rb;

-- A transaction aborted by an error, then rolled back.
BEGIN;
UPDATE tb_rb SET v = 'changed' WHERE pk_rb = 1;
SELECT oracle_check();
SELECT 1 / 0;
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_rb ORDER BY pk_rb;

-- A committed transaction keeps its effects.
BEGIN;
INSERT INTO tb_rb VALUES (4, 'd');
UPDATE tb_rb SET v = 'B' WHERE pk_rb = 2;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_rb ORDER BY pk_rb;

-- The same key written many times in one transaction.
BEGIN;
UPDATE tb_rb SET v = 'x1' WHERE pk_rb = 1;
UPDATE tb_rb SET v = 'x2' WHERE pk_rb = 1;
DELETE FROM tb_rb WHERE pk_rb = 1;
SELECT oracle_check();
INSERT INTO tb_rb VALUES (1, 'x3');
SELECT oracle_check();
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_rb ORDER BY pk_rb;

DROP TABLE tv_rb;
DROP TABLE tb_rb;
SELECT oracle_check();
