-- SELECT ... INTO tv_x FROM ... creates a TVIEW like CREATE TABLE AS does.
CREATE TABLE tb_into (pk_into int PRIMARY KEY, name text);
INSERT INTO tb_into VALUES (1, 'one'), (2, 'two');

SELECT pk_into, lower(name) AS name, length(name) AS len INTO tv_into FROM tb_into WHERE pk_into > 0;
SELECT oracle_register('tv_into', 'SELECT pk_into, lower(name) AS name, length(name) AS len FROM tb_into WHERE pk_into > 0');
SELECT oracle_check();
SELECT * FROM tv_into ORDER BY pk_into;
SELECT tview, entity, key_column FROM pg_tviews WHERE tview = 'tv_into';

INSERT INTO tb_into VALUES (3, 'THREE');
SELECT oracle_check();
UPDATE tb_into SET name = 'Zwei' WHERE pk_into = 2;
SELECT oracle_check();
-- A row leaving the WHERE clause leaves the TVIEW.
UPDATE tb_into SET pk_into = -1 WHERE pk_into = 1;
SELECT oracle_check();
SELECT * FROM tv_into ORDER BY pk_into;

-- SELECT INTO a table without the prefix stays an ordinary table.
SELECT pk_into INTO into_plain FROM tb_into;
SELECT count(*) AS plain_is_tview FROM pg_tviews WHERE tview = 'into_plain';

DROP TABLE into_plain;
DROP TABLE tv_into;
DROP TABLE tb_into;
SELECT oracle_check();
