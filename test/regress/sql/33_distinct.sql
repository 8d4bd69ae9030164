-- A DISTINCT TVIEW over a table whose key column is not unique: duplicates collapse into one
-- TVIEW row, which vanishes only with the last duplicate.
CREATE TABLE tb_tag (id int PRIMARY KEY, tag_id int NOT NULL, tag text NOT NULL);
INSERT INTO tb_tag VALUES (1, 10, 'red'), (2, 10, 'red'), (3, 20, 'blue');
CREATE TABLE tv_tag AS SELECT DISTINCT tag_id AS pk_tag, tag FROM tb_tag;
SELECT oracle_register('tv_tag', 'SELECT DISTINCT tag_id AS pk_tag, tag FROM tb_tag');
SELECT oracle_check();
SELECT * FROM tv_tag ORDER BY pk_tag;

INSERT INTO tb_tag VALUES (4, 20, 'blue'), (5, 30, 'green');
SELECT oracle_check();
DELETE FROM tb_tag WHERE id = 1;
SELECT oracle_check();
SELECT * FROM tv_tag ORDER BY pk_tag;
DELETE FROM tb_tag WHERE id = 2;
SELECT oracle_check();
SELECT * FROM tv_tag ORDER BY pk_tag;
UPDATE tb_tag SET tag_id = 40 WHERE id = 3;
SELECT oracle_check();
UPDATE tb_tag SET tag = 'azure' WHERE tag_id IN (20, 40);
SELECT oracle_check();
SELECT * FROM tv_tag ORDER BY pk_tag;
TRUNCATE tb_tag;
SELECT oracle_check();
DROP TABLE tv_tag;

-- DISTINCT ON the key column keeps one row per key.
INSERT INTO tb_tag VALUES (1, 10, 'red'), (2, 10, 'rouge'), (3, 20, 'blue');
CREATE TABLE tv_tag_first AS SELECT DISTINCT ON (tag_id) tag_id AS pk_tag_first, tag FROM tb_tag ORDER BY tag_id, id;
SELECT oracle_register('tv_tag_first', 'SELECT DISTINCT ON (tag_id) tag_id AS pk_tag_first, tag FROM tb_tag ORDER BY tag_id, id');
SELECT oracle_check();
DELETE FROM tb_tag WHERE id = 1;
SELECT oracle_check();
INSERT INTO tb_tag VALUES (0, 10, 'vermilion');
SELECT oracle_check();
UPDATE tb_tag SET tag_id = 20 WHERE id = 0;
SELECT oracle_check();
SELECT * FROM tv_tag_first ORDER BY pk_tag_first;

DROP TABLE tv_tag_first;
DROP TABLE tb_tag;
SELECT oracle_check();
