-- Rows enter and leave the TVIEW as UPDATEs move them in and out of its WHERE clause.
CREATE TABLE tb_flt (pk_flt int PRIMARY KEY, status text NOT NULL, n int);
INSERT INTO tb_flt VALUES (1, 'published', 1), (2, 'draft', 2), (3, 'published', 3), (4, 'draft', NULL);
CREATE TABLE tv_flt AS SELECT pk_flt, n FROM tb_flt WHERE status = 'published' AND coalesce(n, 0) < 100;
SELECT oracle_register('tv_flt', $$SELECT pk_flt, n FROM tb_flt WHERE status = 'published' AND coalesce(n, 0) < 100$$);
SELECT oracle_check();
SELECT * FROM tv_flt ORDER BY pk_flt;

-- Into the filter.
UPDATE tb_flt SET status = 'published' WHERE pk_flt = 2;
SELECT oracle_check();
-- Out of the filter.
UPDATE tb_flt SET status = 'archived' WHERE pk_flt = 1;
SELECT oracle_check();
SELECT * FROM tv_flt ORDER BY pk_flt;
-- Out through another column of the condition, then back in.
UPDATE tb_flt SET n = 500 WHERE pk_flt = 3;
SELECT oracle_check();
UPDATE tb_flt SET n = 5 WHERE pk_flt = 3;
SELECT oracle_check();
-- In and out in the same statement.
UPDATE tb_flt SET status = CASE status WHEN 'published' THEN 'draft' ELSE 'published' END;
SELECT oracle_check();
SELECT * FROM tv_flt ORDER BY pk_flt;
-- Inserts and deletes on either side of the filter.
INSERT INTO tb_flt VALUES (5, 'draft', 5), (6, 'published', 6);
SELECT oracle_check();
DELETE FROM tb_flt WHERE pk_flt IN (5, 6);
SELECT oracle_check();
-- Everything out, then everything in.
UPDATE tb_flt SET status = 'archived';
SELECT oracle_check();
SELECT count(*) FROM tv_flt;
UPDATE tb_flt SET status = 'published', n = NULL;
SELECT oracle_check();
SELECT * FROM tv_flt ORDER BY pk_flt;

DROP TABLE tv_flt;
DROP TABLE tb_flt;
SELECT oracle_check();
