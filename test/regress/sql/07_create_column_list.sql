-- CREATE TABLE tv_x (names...) AS renames the selected columns, the key included.
\set SHOW_CONTEXT never
CREATE TABLE tb_cols (pk_x int PRIMARY KEY, title text, n int);
INSERT INTO tb_cols VALUES (1, 'one', 1), (2, 'two', 2);

CREATE TABLE tv_cols (pk_cols, data) AS SELECT pk_x, jsonb_build_object('title', title) FROM tb_cols;
SELECT oracle_register('tv_cols', $$SELECT pk_x AS pk_cols, jsonb_build_object('title', title) AS data FROM tb_cols$$);
SELECT oracle_check();
SELECT attname, format_type(atttypid, atttypmod) AS type
  FROM pg_attribute WHERE attrelid = 'tv_cols'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;
SELECT key_column FROM pg_tviews WHERE tview = 'tv_cols';
SELECT * FROM tv_cols ORDER BY pk_cols;

-- Fewer names than columns: the rest keep their own names.
CREATE TABLE tv_cols2 (pk_cols2) AS SELECT pk_x, title, n FROM tb_cols;
SELECT oracle_register('tv_cols2', 'SELECT pk_x AS pk_cols2, title, n FROM tb_cols');
SELECT attname FROM pg_attribute WHERE attrelid = 'tv_cols2'::regclass AND attnum > 0 ORDER BY attnum;
SELECT oracle_check();

-- More names than columns is an error; a renaming that leaves no key column too.
CREATE TABLE tv_cols3 (pk_cols3, a, b) AS SELECT pk_x, title FROM tb_cols;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_cols3 (id, title) AS SELECT pk_x AS pk_cols3, title FROM tb_cols;
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tv_cols3') AS leftover;

INSERT INTO tb_cols VALUES (3, 'three', 3);
SELECT oracle_check();
UPDATE tb_cols SET title = 'uno' WHERE pk_x = 1;
SELECT oracle_check();
-- A key change in the base is a key change in the renamed key column.
UPDATE tb_cols SET pk_x = 20 WHERE pk_x = 2;
SELECT oracle_check();
DELETE FROM tb_cols WHERE pk_x = 3;
SELECT oracle_check();
SELECT * FROM tv_cols ORDER BY pk_cols;
SELECT * FROM tv_cols2 ORDER BY pk_cols2;

DROP TABLE tv_cols2;
DROP TABLE tv_cols;
DROP TABLE tb_cols;
SELECT oracle_check();
