-- An UPDATE of a column the definition does not read changes nothing in the TVIEW (its rows
-- are not even rewritten), while the TVIEW stays equal to its definition.
CREATE TABLE tb_unread (pk_unread int PRIMARY KEY, title text, view_count int NOT NULL DEFAULT 0);
INSERT INTO tb_unread VALUES (1, 'a', 0), (2, 'b', 0);
CREATE TABLE tv_unread AS SELECT pk_unread, title FROM tb_unread;
SELECT oracle_register('tv_unread', 'SELECT pk_unread, title FROM tb_unread');
SELECT oracle_check();
SELECT pg_tviews_plan('tv_unread')->'sources'->0->'columns_read' AS columns_read;

CREATE TEMP TABLE unread_before AS SELECT pk_unread, ctid AS tid FROM tv_unread;
UPDATE tb_unread SET view_count = view_count + 1;
SELECT oracle_check();
-- Same physical rows: nothing was rewritten.
SELECT count(*) AS rewritten FROM tv_unread t JOIN unread_before b USING (pk_unread) WHERE t.ctid <> b.tid;

-- A read column updated to the same value rewrites nothing either.
UPDATE tb_unread SET title = title;
SELECT oracle_check();
SELECT count(*) AS rewritten FROM tv_unread t JOIN unread_before b USING (pk_unread) WHERE t.ctid <> b.tid;

-- A read column really changing is reflected.
UPDATE tb_unread SET title = 'A', view_count = 7 WHERE pk_unread = 1;
SELECT oracle_check();
SELECT * FROM tv_unread ORDER BY pk_unread;

-- A column read only by the WHERE clause counts as read.
CREATE TABLE tv_unread_filtered AS SELECT pk_unread AS pk_unread_filtered FROM tb_unread WHERE view_count < 5;
SELECT oracle_register('tv_unread_filtered', 'SELECT pk_unread AS pk_unread_filtered FROM tb_unread WHERE view_count < 5');
SELECT oracle_check();
SELECT * FROM tv_unread_filtered ORDER BY pk_unread_filtered;
UPDATE tb_unread SET view_count = 10 WHERE pk_unread = 2;
SELECT oracle_check();
SELECT * FROM tv_unread_filtered ORDER BY pk_unread_filtered;

DROP TABLE unread_before;
DROP TABLE tv_unread, tv_unread_filtered;
DROP TABLE tb_unread;
SELECT oracle_check();
