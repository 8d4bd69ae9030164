-- PREPARE TRANSACTION keeps the TVIEW change with the prepared transaction: COMMIT PREPARED
-- makes it visible, ROLLBACK PREPARED discards it.
CREATE TABLE tb_2pc (pk_2pc int PRIMARY KEY, v text);
INSERT INTO tb_2pc VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_2pc AS SELECT pk_2pc, v FROM tb_2pc;
SELECT oracle_register('tv_2pc', 'SELECT pk_2pc, v FROM tb_2pc');
SELECT oracle_check();

BEGIN;
INSERT INTO tb_2pc VALUES (3, 'c');
UPDATE tb_2pc SET v = 'A' WHERE pk_2pc = 1;
SELECT oracle_check();
PREPARE TRANSACTION 'tviews_2pc_commit';
-- Not visible until committed.
SELECT oracle_check();
SELECT * FROM tv_2pc ORDER BY pk_2pc;
COMMIT PREPARED 'tviews_2pc_commit';
SELECT oracle_check();
SELECT * FROM tv_2pc ORDER BY pk_2pc;

BEGIN;
DELETE FROM tb_2pc WHERE pk_2pc = 2;
INSERT INTO tb_2pc VALUES (4, 'd');
SELECT oracle_check();
PREPARE TRANSACTION 'tviews_2pc_rollback';
SELECT oracle_check();
ROLLBACK PREPARED 'tviews_2pc_rollback';
SELECT oracle_check();
SELECT * FROM tv_2pc ORDER BY pk_2pc;

-- A prepared transaction with savepoints and a TRUNCATE.
BEGIN;
SAVEPOINT s;
DELETE FROM tb_2pc WHERE pk_2pc = 1;
ROLLBACK TO SAVEPOINT s;
TRUNCATE tb_2pc;
INSERT INTO tb_2pc VALUES (9, 'nine');
SELECT oracle_check();
PREPARE TRANSACTION 'tviews_2pc_truncate';
COMMIT PREPARED 'tviews_2pc_truncate';
SELECT oracle_check();
SELECT * FROM tv_2pc ORDER BY pk_2pc;
SELECT count(*) AS prepared_left FROM pg_prepared_xacts WHERE gid LIKE 'tviews_2pc%';

DROP TABLE tv_2pc;
DROP TABLE tb_2pc;
SELECT oracle_check();
