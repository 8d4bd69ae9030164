-- pg_tviews_cascade(base_table, key): refresh every TVIEW row fed by one base row, as if it had
-- just been written: direct damage to those rows is repaired, other rows are not touched.
CREATE TABLE tb_l65_author (pk_l65_author int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tb_l65_post (pk_l65_post int PRIMARY KEY,
                          fk_author int NOT NULL REFERENCES tb_l65_author, title text NOT NULL);
CREATE INDEX ON tb_l65_post (fk_author);
CREATE TABLE tb_l65_nokey (a int NOT NULL, b int);
INSERT INTO tb_l65_author VALUES (1, 'ann'), (2, 'bob');
INSERT INTO tb_l65_post VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
SELECT create_tview('tv_l65_post', $$
    SELECT p.pk_l65_post, p.title, a.name AS author
      FROM tb_l65_post p JOIN tb_l65_author a ON a.pk_l65_author = p.fk_author$$);
SELECT create_tview('tv_l65_author', $$
    SELECT a.pk_l65_author, (SELECT count(*) FROM tb_l65_post p WHERE p.fk_author = a.pk_l65_author) AS posts
      FROM tb_l65_author a$$);
SELECT create_tview('tv_l65_nokey', 'SELECT n.a AS pk_l65_nokey, n.b FROM tb_l65_nokey n',
                    '{"allow_full_refresh": true}');
-- Damage every row by hand.
UPDATE tv_l65_post SET author = 'wrong', title = 'wrong';
UPDATE tv_l65_author SET posts = -1;
SELECT oracle_check();
CREATE TEMP TABLE l65_before AS SELECT pk_l65_post, xmin::text AS x FROM tv_l65_post;

-- Author 1 feeds posts 1 and 2 (through the join) and author row 1; the oid form of the seeds.
SELECT pg_tviews_cascade('tb_l65_author'::regclass::oid, 1) AS refreshed;
SELECT p.pk_l65_post, p.title, p.author, b.x <> p.xmin::text AS rewritten
  FROM tv_l65_post p JOIN l65_before b USING (pk_l65_post) ORDER BY 1;
SELECT * FROM tv_l65_author ORDER BY 1;
-- Post 3 feeds post 3 and author 2 (through its fk); the key given as text is converted.
SELECT pg_tviews_cascade('tb_l65_post', '3'::text) AS refreshed;
SELECT oracle_check();
-- A deleted row: paths that start at the primary key still reach its TVIEW row.
DELETE FROM tb_l65_post WHERE pk_l65_post = 3;
INSERT INTO tv_l65_post VALUES (3, 'ghost', 'ghost');
SELECT pg_tviews_cascade('tb_l65_post', 3) AS refreshed;
SELECT oracle_check();

-- Errors.
\set VERBOSITY default
SELECT pg_tviews_cascade('tb_l65_nokey', 1);
\set VERBOSITY terse
SELECT error_of($$SELECT pg_tviews_cascade('tb_l65_nokey', 1)$$);
SELECT error_of($$SELECT pg_tviews_cascade('pg_class', 1)$$);
SELECT error_of($$SELECT pg_tviews_cascade('tb_l65_post', NULL::int)$$);
SELECT error_of($$SELECT pg_tviews_cascade('tb_l65_post', 'x'::text)$$);
SELECT error_of($$SELECT pg_tviews_cascade(12345::oid, 1)$$);

DROP TABLE tb_l65_post, tb_l65_author, tb_l65_nokey CASCADE;
