-- ROLLBACK TO SAVEPOINT undoes exactly the TVIEW changes made after the savepoint.
CREATE TABLE tb_sp (pk_sp int PRIMARY KEY, v text);
INSERT INTO tb_sp VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_sp AS SELECT pk_sp, v FROM tb_sp;
SELECT oracle_register('tv_sp', 'SELECT pk_sp, v FROM tb_sp');
SELECT oracle_check();

BEGIN;
INSERT INTO tb_sp VALUES (3, 'c');
SELECT oracle_check();
SAVEPOINT s1;
UPDATE tb_sp SET v = 'after s1';
SELECT oracle_check();
SAVEPOINT s2;
DELETE FROM tb_sp WHERE pk_sp = 1;
SELECT oracle_check();
ROLLBACK TO SAVEPOINT s2;
SELECT oracle_check();
SELECT * FROM tv_sp ORDER BY pk_sp;
ROLLBACK TO SAVEPOINT s1;
SELECT oracle_check();
SELECT * FROM tv_sp ORDER BY pk_sp;
-- Work after a rollback to savepoint, then a released savepoint.
UPDATE tb_sp SET v = 'B' WHERE pk_sp = 2;
SELECT oracle_check();
SAVEPOINT s3;
INSERT INTO tb_sp VALUES (4, 'd');
SELECT oracle_check();
RELEASE SAVEPOINT s3;
SELECT oracle_check();
-- Nested savepoints: roll back the outer one past an inner released one.
SAVEPOINT s4;
INSERT INTO tb_sp VALUES (5, 'e');
SAVEPOINT s5;
UPDATE tb_sp SET v = 'E' WHERE pk_sp = 5;
RELEASE SAVEPOINT s5;
SELECT oracle_check();
ROLLBACK TO SAVEPOINT s4;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_sp ORDER BY pk_sp;

-- The same key touched before and after a savepoint.
BEGIN;
UPDATE tb_sp SET v = 'before' WHERE pk_sp = 1;
SAVEPOINT s1;
UPDATE tb_sp SET v = 'inside' WHERE pk_sp = 1;
DELETE FROM tb_sp WHERE pk_sp = 2;
SELECT oracle_check();
ROLLBACK TO SAVEPOINT s1;
SELECT oracle_check();
SELECT * FROM tv_sp ORDER BY pk_sp;
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_sp ORDER BY pk_sp;

DROP TABLE tv_sp;
DROP TABLE tb_sp;
SELECT oracle_check();
