-- CREATE UNLOGGED TABLE tv_x AS creates an unlogged TVIEW, still maintained.
CREATE TABLE tb_unl (pk_unl int PRIMARY KEY, v int);
INSERT INTO tb_unl VALUES (1, 10), (2, 20);
CREATE UNLOGGED TABLE tv_unl AS SELECT pk_unl, v + 1 AS v FROM tb_unl;
SELECT oracle_register('tv_unl', 'SELECT pk_unl, v + 1 AS v FROM tb_unl');
SELECT oracle_check();

SELECT relpersistence FROM pg_class WHERE oid = 'tv_unl'::regclass;
SELECT tview FROM pg_tviews WHERE tview = 'tv_unl';
-- Its primary key index is unlogged too.
SELECT i.relpersistence FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
 WHERE x.indrelid = 'tv_unl'::regclass AND x.indisprimary;

INSERT INTO tb_unl VALUES (3, 30);
SELECT oracle_check();
UPDATE tb_unl SET v = v * 10;
SELECT oracle_check();
DELETE FROM tb_unl WHERE pk_unl = 1;
SELECT oracle_check();
SELECT * FROM tv_unl ORDER BY pk_unl;

-- A plain (logged) CTAS TVIEW stays permanent.
CREATE TABLE tv_unl_logged AS SELECT pk_unl AS pk_unl_logged FROM tb_unl;
SELECT oracle_register('tv_unl_logged', 'SELECT pk_unl AS pk_unl_logged FROM tb_unl');
SELECT relpersistence FROM pg_class WHERE oid = 'tv_unl_logged'::regclass;
SELECT oracle_check();

DROP TABLE tv_unl_logged;
DROP TABLE tv_unl;
DROP TABLE tb_unl;
SELECT oracle_check();
