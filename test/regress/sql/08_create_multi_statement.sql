-- CREATE TABLE tv_x AS inside a query string holding several statements creates each TVIEW.
CREATE TABLE tb_multi (pk_multi int PRIMARY KEY, v text);
INSERT INTO tb_multi VALUES (1, 'a'), (2, 'b');

CREATE TABLE tv_m1 AS SELECT pk_multi AS pk_m1, v FROM tb_multi\; CREATE TABLE tv_m2 AS SELECT pk_multi AS pk_m2, upper(v) AS v FROM tb_multi\; SELECT 1 AS after;
SELECT oracle_register('tv_m1', 'SELECT pk_multi AS pk_m1, v FROM tb_multi');
SELECT oracle_register('tv_m2', 'SELECT pk_multi AS pk_m2, upper(v) AS v FROM tb_multi');
SELECT oracle_check();
SELECT tview, key_column FROM pg_tviews WHERE tview IN ('tv_m1', 'tv_m2') ORDER BY tview;
SELECT * FROM tv_m1 ORDER BY pk_m1;
SELECT * FROM tv_m2 ORDER BY pk_m2;

-- A write in the same query string as a creation is reflected too.
CREATE TABLE tv_m3 AS SELECT pk_multi AS pk_m3, v FROM tb_multi\; INSERT INTO tb_multi VALUES (3, 'c')\; UPDATE tb_multi SET v = 'z' WHERE pk_multi = 1;
SELECT oracle_register('tv_m3', 'SELECT pk_multi AS pk_m3, v FROM tb_multi');
SELECT oracle_check();

INSERT INTO tb_multi VALUES (4, 'd')\; DELETE FROM tb_multi WHERE pk_multi = 2\; SELECT oracle_check();
SELECT oracle_check();
SELECT * FROM tv_m3 ORDER BY pk_m3;

DROP TABLE tv_m1, tv_m2, tv_m3;
DROP TABLE tb_multi;
SELECT oracle_check();
