-- A TVIEW reading another TVIEW's table stays fresh transitively: a base write refreshes the
-- first TVIEW, whose writes refresh the second, all within the same statement.
CREATE TABLE tb_post (pk_post int PRIMARY KEY, title text, body text);
INSERT INTO tb_post VALUES (1, 'first', 'body 1'), (2, 'second', 'body 2');
CREATE TABLE tv_post AS SELECT pk_post, jsonb_build_object('title', title, 'body', body) AS data FROM tb_post;
SELECT oracle_register('tv_post', $$SELECT pk_post, jsonb_build_object('title', title, 'body', body) AS data FROM tb_post$$);
CREATE TABLE tv_post_title AS SELECT pk_post AS pk_post_title, data->>'title' AS title FROM tv_post;
SELECT oracle_register('tv_post_title', $$SELECT pk_post AS pk_post_title, data->>'title' AS title FROM tv_post$$);
-- And a third level, filtered.
CREATE TABLE tv_post_short AS SELECT pk_post_title AS pk_post_short, title FROM tv_post_title WHERE length(title) <= 5;
SELECT oracle_register('tv_post_short', $$SELECT pk_post_title AS pk_post_short, title FROM tv_post_title WHERE length(title) <= 5$$);
SELECT oracle_check();
SELECT capture_triggers('tv_post') AS on_tv_post, capture_triggers('tv_post_title') AS on_tv_post_title;

INSERT INTO tb_post VALUES (3, 'third', 'body 3');
SELECT oracle_check();
UPDATE tb_post SET title = 'premier' WHERE pk_post = 1;
SELECT oracle_check();
UPDATE tb_post SET title = 'one' WHERE pk_post = 1;
SELECT oracle_check();
-- A change the second level does not read.
UPDATE tb_post SET body = 'new body' WHERE pk_post = 2;
SELECT oracle_check();
UPDATE tb_post SET pk_post = 20 WHERE pk_post = 2;
SELECT oracle_check();
DELETE FROM tb_post WHERE pk_post = 3;
SELECT oracle_check();
SELECT * FROM tv_post_title ORDER BY pk_post_title;
SELECT * FROM tv_post_short ORDER BY pk_post_short;

-- In a transaction, with a savepoint rolled back, then TRUNCATE.
BEGIN;
INSERT INTO tb_post VALUES (4, 'four', 'b');
SELECT oracle_check();
SAVEPOINT s;
UPDATE tb_post SET title = 'changed';
SELECT oracle_check();
ROLLBACK TO SAVEPOINT s;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_post_short ORDER BY pk_post_short;
TRUNCATE tb_post;
SELECT oracle_check();
SELECT (SELECT count(*) FROM tv_post) AS l1, (SELECT count(*) FROM tv_post_title) AS l2, (SELECT count(*) FROM tv_post_short) AS l3;
INSERT INTO tb_post VALUES (5, 'five', 'b');
SELECT oracle_check();

-- The first TVIEW cannot be dropped from under the second without CASCADE.
\set SHOW_CONTEXT never
DROP TABLE tv_post;
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tv_post') AS tv_post;
DROP TABLE tv_post CASCADE;
SELECT to_regclass('tv_post') AS l1, to_regclass('tv_post_title') AS l2, to_regclass('tv_post_short') AS l3;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview LIKE 'tv_post%';
SELECT capture_triggers('tb_post');

DROP TABLE tb_post;
SELECT oracle_check();
