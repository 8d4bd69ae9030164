-- Definitions lineage cannot maintain are refused at creation with what, why and what to write
-- instead (message, detail, hint, SQLSTATE), and leave nothing behind: no table, no catalog row,
-- no definition view, no capture trigger. The documented alternatives are accepted and
-- maintained: allow_full_refresh for an uncorrelated subquery (every change to that table
-- recomputes every row), and WHERE key IS NOT NULL for a key on the nullable side of a join.
\set SHOW_CONTEXT never
CREATE TABLE l50_post (pk_post int PRIMARY KEY, title text NOT NULL, score int NOT NULL DEFAULT 0);
CREATE TABLE l50_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l50_post ON DELETE CASCADE,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT '2026-01-01'
);
CREATE INDEX ON l50_comment (fk_post);
CREATE TABLE l50_rate (pk_rate int PRIMARY KEY, rate numeric NOT NULL, label text);
INSERT INTO l50_post VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', 30);
INSERT INTO l50_comment VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z');
INSERT INTO l50_rate VALUES (1, 1.5, 'base');
SELECT oracle_check();

-- A window function at the top level.
SELECT pg_tviews_create('l50_refused', 'SELECT pk_post AS pk_l50_refused, rank() OVER (ORDER BY score) AS r FROM l50_post');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_post');
-- UNION at the top level.
SELECT pg_tviews_create('l50_refused', 'SELECT pk_post AS pk_l50_refused, title FROM l50_post UNION SELECT fk_post, body FROM l50_comment');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_post'), leftovers('tv_l50_refused', 'l50_comment');
-- LIMIT and OFFSET at the top level.
SELECT pg_tviews_create('l50_refused', 'SELECT pk_post AS pk_l50_refused, title FROM l50_post ORDER BY score DESC LIMIT 2');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('l50_refused', 'SELECT pk_post AS pk_l50_refused, title FROM l50_post ORDER BY pk_post OFFSET 1');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_post');
-- An uncorrelated subquery over another table: no equality chain links l50_rate to the key.
SELECT pg_tviews_create('l50_refused', 'SELECT p.pk_post AS pk_l50_refused, p.score * (SELECT max(r.rate) FROM l50_rate r) AS weighted FROM l50_post p');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_rate'), leftovers('tv_l50_refused', 'l50_post');
-- A key from the nullable side of an outer join (LEFT and RIGHT).
SELECT pg_tviews_create('l50_refused', 'SELECT c.pk_comment AS pk_l50_refused, p.title FROM l50_post p LEFT JOIN l50_comment c ON c.fk_post = p.pk_post');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('l50_refused', 'SELECT c.pk_comment AS pk_l50_refused, p.title FROM l50_comment c RIGHT JOIN l50_post p ON c.fk_post = p.pk_post');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_comment'), leftovers('tv_l50_refused', 'l50_post');
-- Volatile or session-dependent functions inside subqueries.
SELECT pg_tviews_create('l50_refused', $$
    SELECT p.pk_post AS pk_l50_refused,
           (SELECT c.body FROM l50_comment c WHERE c.fk_post = p.pk_post ORDER BY random() LIMIT 1) AS pick
      FROM l50_post p$$);
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('l50_refused', $$
    SELECT p.pk_post AS pk_l50_refused,
           EXISTS (SELECT 1 FROM l50_comment c WHERE c.fk_post = p.pk_post AND c.created_at > now() - interval '1 day') AS recent
      FROM l50_post p$$);
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_comment'), leftovers('tv_l50_refused', 'l50_post');
-- The same refusal through CREATE TABLE ... AS.
CREATE TABLE tv_l50_refused AS SELECT p.pk_post AS pk_l50_refused, (SELECT max(r.rate) FROM l50_rate r) AS m FROM l50_post p;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_l50_refused', 'l50_rate');
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview LIKE 'tv\_l50\_%';
SELECT oracle_check();

-- Opting in to full recomputes: accepted, the plan says "full" for l50_rate.
SELECT create_tview('tv_l50_weighted', $$
    SELECT p.pk_post AS pk_l50_weighted, p.title, p.score * (SELECT max(r.rate) FROM l50_rate r) AS weighted
      FROM l50_post p$$, '{"allow_full_refresh": true}');
SELECT oracle_check();
SELECT options FROM pg_tviews WHERE tview = 'tv_l50_weighted';
SELECT r->>'relation' AS relation, r->>'mapping' AS mapping, r->>'start_column' AS start_column, r->'columns_read' AS columns_read
  FROM jsonb_array_elements(pg_tviews_plan('tv_l50_weighted')->'sources') r ORDER BY 1, 2;
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;
-- Any change to l50_rate that can change the maximum recomputes every row.
INSERT INTO l50_rate VALUES (2, 2);
SELECT oracle_check();
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;
UPDATE l50_rate SET rate = 0.5 WHERE pk_rate = 2;
SELECT oracle_check();
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;
DELETE FROM l50_rate WHERE pk_rate = 1;
SELECT oracle_check();
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;
-- A column of l50_rate the definition does not read rewrites nothing.
CREATE TEMP TABLE l50_before AS SELECT pk_l50_weighted, xmin AS x FROM tv_l50_weighted;
UPDATE l50_rate SET label = 'relabelled';
SELECT oracle_check();
SELECT count(*) AS rewritten FROM tv_l50_weighted t JOIN l50_before b USING (pk_l50_weighted) WHERE t.xmin <> b.x;
-- The local table still maps its own rows.
UPDATE l50_post SET score = score + 1 WHERE pk_post = 1;
SELECT oracle_check();
INSERT INTO l50_post VALUES (4, 'four', 40);
SELECT oracle_check();
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;
-- TRUNCATE of the rate table, in a transaction with a refill.
BEGIN;
TRUNCATE l50_rate;
SELECT oracle_check();
SELECT count(*) FILTER (WHERE weighted IS NULL) AS null_weighted FROM tv_l50_weighted;
INSERT INTO l50_rate VALUES (3, 3);
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_l50_weighted ORDER BY pk_l50_weighted;

-- The key on the nullable side, with WHERE key IS NOT NULL: accepted and maintained.
SELECT create_tview('tv_l50_comment', $$
    SELECT c.pk_comment AS pk_l50_comment, p.title
      FROM l50_post p LEFT JOIN l50_comment c ON c.fk_post = p.pk_post
     WHERE c.pk_comment IS NOT NULL$$);
SELECT oracle_check();
SELECT * FROM tv_l50_comment ORDER BY pk_l50_comment;
INSERT INTO l50_comment VALUES (4, 3, 'w');
SELECT oracle_check();
UPDATE l50_post SET title = 'ONE' WHERE pk_post = 1;
SELECT oracle_check();
UPDATE l50_comment SET fk_post = 4 WHERE pk_comment = 1;
SELECT oracle_check();
DELETE FROM l50_post WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM tv_l50_comment ORDER BY pk_l50_comment;

DROP TABLE l50_before;
DROP TABLE tv_l50_weighted, tv_l50_comment;
DROP TABLE l50_comment, l50_post, l50_rate;
SELECT oracle_check();
