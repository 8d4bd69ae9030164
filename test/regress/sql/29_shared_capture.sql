-- Two TVIEWs on one base table share one set of capture triggers and are both maintained.
CREATE TABLE tb_share (pk_share int PRIMARY KEY, title text, body text);
INSERT INTO tb_share VALUES (1, 't1', 'b1'), (2, 't2', 'b2');
CREATE TABLE tv_share_title AS SELECT pk_share AS pk_share_title, title FROM tb_share;
SELECT oracle_register('tv_share_title', 'SELECT pk_share AS pk_share_title, title FROM tb_share');
SELECT capture_triggers('tb_share');
SELECT count(*) AS trigger_count FROM pg_trigger WHERE tgrelid = 'tb_share'::regclass AND NOT tgisinternal;
CREATE TABLE tv_share_body AS SELECT pk_share AS pk_share_body, length(body) AS len FROM tb_share WHERE body IS NOT NULL;
SELECT oracle_register('tv_share_body', 'SELECT pk_share AS pk_share_body, length(body) AS len FROM tb_share WHERE body IS NOT NULL');
-- Still four triggers, one per event.
SELECT capture_triggers('tb_share');
SELECT count(*) AS trigger_count FROM pg_trigger WHERE tgrelid = 'tb_share'::regclass AND NOT tgisinternal;
SELECT tview, reads FROM pg_tviews WHERE tview LIKE 'tv\_share\_%' ORDER BY tview;
SELECT oracle_check();

INSERT INTO tb_share VALUES (3, 't3', NULL);
SELECT oracle_check();
UPDATE tb_share SET title = 'T1' WHERE pk_share = 1;
SELECT oracle_check();
UPDATE tb_share SET body = 'longer body' WHERE pk_share IN (1, 3);
SELECT oracle_check();
DELETE FROM tb_share WHERE pk_share = 2;
SELECT oracle_check();
SELECT * FROM tv_share_title ORDER BY pk_share_title;
SELECT * FROM tv_share_body ORDER BY pk_share_body;

-- Dropping one keeps the triggers for the other, which stays maintained.
DROP TABLE tv_share_title;
SELECT capture_triggers('tb_share');
UPDATE tb_share SET body = 'x' WHERE pk_share = 1;
SELECT oracle_check();
SELECT * FROM tv_share_body ORDER BY pk_share_body;

-- A third TVIEW created later joins the existing trigger set.
CREATE TABLE tv_share_again AS SELECT pk_share AS pk_share_again, title FROM tb_share;
SELECT oracle_register('tv_share_again', 'SELECT pk_share AS pk_share_again, title FROM tb_share');
SELECT count(*) AS trigger_count FROM pg_trigger WHERE tgrelid = 'tb_share'::regclass AND NOT tgisinternal;
INSERT INTO tb_share VALUES (4, 't4', 'b4');
SELECT oracle_check();

DROP TABLE tv_share_body, tv_share_again;
SELECT capture_triggers('tb_share');
DROP TABLE tb_share;
SELECT oracle_check();
