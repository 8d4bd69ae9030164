-- Manual refreshes repair a TVIEW from its definition: all rows, one key, or a range of keys.
-- Direct writes into a TVIEW table are allowed (operators' runbooks make them), so they serve to
-- damage the TVIEW; each refresh returns the number of rows the definition produced.
CREATE TABLE l58_post (pk_post int PRIMARY KEY, title text NOT NULL);
INSERT INTO l58_post SELECT g, 'title ' || g FROM generate_series(1, 10) g;
SELECT create_tview('tv_l58_post', 'SELECT p.pk_post AS pk_l58_post, p.title FROM l58_post p');
SELECT create_tview('tv_l58_len', 'SELECT t.pk_l58_post AS pk_l58_len, length(t.title) AS len FROM tv_l58_post t');

-- Damage: a wrong title, a missing row, a row that should not exist.
UPDATE tv_l58_post SET title = 'wrong' WHERE pk_l58_post = 3;
DELETE FROM tv_l58_post WHERE pk_l58_post = 5;
INSERT INTO tv_l58_post VALUES (99, 'ghost');
SELECT oracle_check();

-- One key, in the runbooks' two spellings; the key may be given as any type that reads as one.
SELECT pg_tviews_refresh('tv_l58_post', 3) AS refreshed;
SELECT pg_tviews_refresh_row('tv_l58_post', '5'::text) AS refreshed;
SELECT pk_l58_post, title FROM tv_l58_post WHERE pk_l58_post IN (3, 5, 99) ORDER BY 1;
-- A key the definition does not produce: its row is removed, nothing recomputed.
SELECT pg_tviews_refresh_row('tv_l58_post', 99) AS refreshed;
SELECT oracle_check();

-- A range: keys from the definition and from the table alike.
DELETE FROM tv_l58_post WHERE pk_l58_post BETWEEN 2 AND 4;
INSERT INTO tv_l58_post VALUES (7000, 'stray');
SELECT pg_tviews_refresh_range('tv_l58_post', 1, 4) AS refreshed;
SELECT count(*) AS rows_1_to_4 FROM tv_l58_post WHERE pk_l58_post BETWEEN 1 AND 4;
SELECT pg_tviews_refresh_range('post_unknown', 1, 2);
SELECT pg_tviews_refresh_range('l58_post', 6000, 8000) AS refreshed;
SELECT oracle_check();

-- Everything, by bare entity or table name, with or without force.
UPDATE tv_l58_post SET title = 'x';
SELECT pg_tviews_refresh('l58_post') AS refreshed;
SELECT oracle_check();
UPDATE tv_l58_post SET title = 'y' WHERE pk_l58_post < 3;
SELECT pg_tviews_refresh('tv_l58_post', force => true) AS refreshed;
SELECT oracle_check();

-- Bad input.
\set VERBOSITY default
SELECT pg_tviews_refresh('tv_l58_nothing');
SELECT pg_tviews_refresh_row('tv_l58_post', 'not a number'::text);
SELECT pg_tviews_refresh_row('tv_l58_post', NULL::int);
\set VERBOSITY terse

DROP TABLE l58_post CASCADE;
