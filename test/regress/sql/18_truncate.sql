-- TRUNCATE of the base table empties the TVIEW; rolled back, it leaves the TVIEW as it was.
CREATE TABLE tb_trunc (pk_trunc int PRIMARY KEY, v text);
CREATE TABLE tb_trunc_other (pk_trunc_other int PRIMARY KEY);
INSERT INTO tb_trunc SELECT g, 'v' || g FROM generate_series(1, 20) g;
INSERT INTO tb_trunc_other VALUES (1);
CREATE TABLE tv_trunc AS SELECT pk_trunc, v FROM tb_trunc;
SELECT oracle_register('tv_trunc', 'SELECT pk_trunc, v FROM tb_trunc');
CREATE TABLE tv_trunc_other AS SELECT pk_trunc_other FROM tb_trunc_other;
SELECT oracle_register('tv_trunc_other', 'SELECT pk_trunc_other FROM tb_trunc_other');
SELECT oracle_check();

TRUNCATE tb_trunc;
SELECT oracle_check();
SELECT count(*) FROM tv_trunc;

INSERT INTO tb_trunc SELECT g, 'w' || g FROM generate_series(1, 5) g;
SELECT oracle_check();

-- Rolled back.
BEGIN;
TRUNCATE tb_trunc;
SELECT oracle_check();
SELECT count(*) FROM tv_trunc;
ROLLBACK;
SELECT oracle_check();
SELECT count(*) FROM tv_trunc;

-- Truncate then refill in one transaction.
BEGIN;
TRUNCATE tb_trunc;
SELECT oracle_check();
INSERT INTO tb_trunc VALUES (7, 'seven');
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_trunc ORDER BY pk_trunc;

-- Several tables in one TRUNCATE.
TRUNCATE tb_trunc, tb_trunc_other;
SELECT oracle_check();
SELECT (SELECT count(*) FROM tv_trunc) AS tv_trunc, (SELECT count(*) FROM tv_trunc_other) AS tv_trunc_other;

-- TRUNCATE ... RESTART IDENTITY and CASCADE through a foreign key.
CREATE TABLE tb_trunc_child (pk_trunc_child int PRIMARY KEY, fk int REFERENCES tb_trunc);
INSERT INTO tb_trunc VALUES (1, 'one');
INSERT INTO tb_trunc_child VALUES (1, 1);
CREATE TABLE tv_trunc_child AS SELECT pk_trunc_child, fk FROM tb_trunc_child;
SELECT oracle_register('tv_trunc_child', 'SELECT pk_trunc_child, fk FROM tb_trunc_child');
SELECT oracle_check();
TRUNCATE tb_trunc RESTART IDENTITY CASCADE;
SELECT oracle_check();
SELECT (SELECT count(*) FROM tv_trunc) AS tv_trunc, (SELECT count(*) FROM tv_trunc_child) AS tv_trunc_child;

DROP TABLE tv_trunc_child, tv_trunc_other, tv_trunc;
DROP TABLE tb_trunc_child, tb_trunc_other, tb_trunc;
SELECT oracle_check();
