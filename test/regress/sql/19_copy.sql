-- COPY ... FROM STDIN into the base table is reflected when the COPY ends.
CREATE TABLE tb_copy (pk_copy int PRIMARY KEY, name text, qty int);
INSERT INTO tb_copy VALUES (1, 'existing', 1);
CREATE TABLE tv_copy AS SELECT pk_copy, name, qty * 10 AS qty10 FROM tb_copy WHERE qty > 0;
SELECT oracle_register('tv_copy', 'SELECT pk_copy, name, qty * 10 AS qty10 FROM tb_copy WHERE qty > 0');
SELECT oracle_check();

COPY tb_copy FROM STDIN;
2	two	2
3	three	3
4	hidden	0
5	\N	5
\.
SELECT oracle_check();
SELECT * FROM tv_copy ORDER BY pk_copy;

COPY tb_copy (pk_copy, name, qty) FROM STDIN WITH (FORMAT csv);
6,six,6
7,"seven, with comma",7
\.
SELECT oracle_check();

-- A failing COPY leaves nothing.
COPY tb_copy FROM STDIN;
8	eight	8
1	duplicate	1
\.
SELECT oracle_check();
SELECT count(*) FROM tv_copy;

-- COPY inside a transaction, then rolled back.
BEGIN;
COPY tb_copy FROM STDIN;
9	nine	9
\.
SELECT oracle_check();
SELECT count(*) FROM tv_copy WHERE pk_copy = 9;
ROLLBACK;
SELECT oracle_check();
SELECT count(*) FROM tv_copy WHERE pk_copy = 9;

-- COPY TO reads and changes nothing.
COPY (SELECT pk_copy, name FROM tv_copy ORDER BY pk_copy) TO STDOUT;
SELECT oracle_check();

DROP TABLE tv_copy;
DROP TABLE tb_copy;
SELECT oracle_check();
