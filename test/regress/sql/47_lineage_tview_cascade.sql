-- TVIEWs reading TVIEWs: tv_l47_post embeds tv_l47_author's document (JOIN on the author key),
-- and tv_l47_blog reads both (a diamond: blog <- post <- author, blog <- author). One base
-- statement cascades through all three, level by level, so each TVIEW is refreshed after every
-- TVIEW it reads; the oracle holds after every statement, also inside a transaction.
CREATE TABLE l47_user (pk_user int PRIMARY KEY, name text NOT NULL, avatar text);
CREATE TABLE l47_post (
    pk_post int PRIMARY KEY,
    fk_user int NOT NULL REFERENCES l47_user ON DELETE CASCADE,
    title   text NOT NULL
);
CREATE INDEX ON l47_post (fk_user);
INSERT INTO l47_user VALUES (1, 'ann', 'a.png'), (2, 'bob', 'b.png'), (3, 'cid', NULL);
INSERT INTO l47_post VALUES (1, 1, 'a1'), (2, 1, 'a2'), (3, 2, 'b1');

-- Level 0: the author, with a count of her posts (so a post insert changes the author too).
SELECT create_tview('tv_l47_author', $$
    SELECT u.pk_user AS pk_l47_author,
           jsonb_build_object('name', u.name,
                              'posts', (SELECT count(*) FROM l47_post p WHERE p.fk_user = u.pk_user)) AS data
      FROM l47_user u$$);
SELECT oracle_check();
-- Level 1: the post embeds the author's document.
SELECT create_tview('tv_l47_post', $$
    SELECT p.pk_post AS pk_l47_post, p.fk_user AS fk_author,
           jsonb_build_object('title', p.title, 'author', a.data) AS data
      FROM l47_post p JOIN tv_l47_author a ON a.pk_l47_author = p.fk_user$$);
SELECT oracle_check();
-- Level 2: the blog reads the author's document and the posts' documents.
SELECT create_tview('tv_l47_blog', $$
    SELECT a.pk_l47_author AS pk_l47_blog,
           jsonb_build_object(
               'author', a.data,
               'posts', (SELECT coalesce(jsonb_agg(tp.data ORDER BY tp.pk_l47_post), '[]')
                           FROM tv_l47_post tp WHERE tp.fk_author = a.pk_l47_author)) AS data
      FROM tv_l47_author a$$);
SELECT oracle_check();
SELECT tview, reads FROM pg_tviews WHERE tview LIKE 'tv\_l47\_%' ORDER BY tview;
SELECT * FROM tv_l47_author ORDER BY pk_l47_author;
SELECT * FROM tv_l47_post ORDER BY pk_l47_post;
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;

-- Renaming ann: author 1, posts 1 and 2, blog 1, all in the same statement.
UPDATE l47_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;
-- A new post for bob: bob's count changes, so his old post embeds the new count, and the blog
-- shows both posts with the new count: base -> author -> post -> blog, and base -> post.
INSERT INTO l47_post VALUES (4, 2, 'b2');
SELECT oracle_check();
SELECT * FROM tv_l47_post WHERE fk_author = 2 ORDER BY pk_l47_post;
SELECT * FROM tv_l47_blog WHERE pk_l47_blog = 2;
-- Moving a post from ann to cid: two authors, their posts, two blogs.
UPDATE l47_post SET fk_user = 3 WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM tv_l47_author ORDER BY pk_l47_author;
SELECT * FROM tv_l47_post ORDER BY pk_l47_post;
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;
-- A column nobody reads: no row of any level is rewritten.
CREATE TEMP TABLE l47_before AS
    SELECT 'author' AS tv, pk_l47_author AS k, xmin AS x FROM tv_l47_author
    UNION ALL SELECT 'post', pk_l47_post, xmin FROM tv_l47_post
    UNION ALL SELECT 'blog', pk_l47_blog, xmin FROM tv_l47_blog;
UPDATE l47_user SET avatar = 'x.png';
SELECT oracle_check();
SELECT tv, count(*) AS rewritten FROM (
    SELECT 'author' AS tv, pk_l47_author AS k, xmin AS x FROM tv_l47_author
    UNION ALL SELECT 'post', pk_l47_post, xmin FROM tv_l47_post
    UNION ALL SELECT 'blog', pk_l47_blog, xmin FROM tv_l47_blog) now
  JOIN l47_before b USING (tv, k) WHERE now.x <> b.x GROUP BY tv ORDER BY tv;

-- Several statements in one transaction, checked after each: the TVIEWs are fresh at every
-- statement end, not only at commit.
BEGIN;
INSERT INTO l47_user VALUES (4, 'dan', NULL);
SELECT oracle_check();
INSERT INTO l47_post VALUES (5, 4, 'd1'), (6, 4, 'd2');
SELECT oracle_check();
SELECT * FROM tv_l47_blog WHERE pk_l47_blog = 4;
UPDATE l47_user SET name = upper(name);
SELECT oracle_check();
UPDATE l47_post SET fk_user = 1 WHERE fk_user = 4;
SELECT oracle_check();
DELETE FROM l47_user WHERE pk_user = 2;
SELECT oracle_check();
SELECT * FROM tv_l47_author ORDER BY pk_l47_author;
SELECT * FROM tv_l47_post ORDER BY pk_l47_post;
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;
COMMIT;
SELECT oracle_check();

-- One statement writing both base tables (a writable CTE): one cascade.
WITH renamed AS (UPDATE l47_user SET name = 'Cid' WHERE pk_user = 3 RETURNING pk_user)
INSERT INTO l47_post SELECT 7, pk_user, 'c2' FROM renamed;
SELECT oracle_check();
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;

-- A rolled-back savepoint leaves no trace at any level.
BEGIN;
SAVEPOINT s;
DELETE FROM l47_post WHERE fk_user = 1;
SELECT oracle_check();
SELECT * FROM tv_l47_blog WHERE pk_l47_blog = 1;
ROLLBACK TO SAVEPOINT s;
SELECT oracle_check();
SELECT * FROM tv_l47_blog WHERE pk_l47_blog = 1;
COMMIT;
SELECT oracle_check();

-- Each TVIEW is refreshed once per statement, after the TVIEWs it reads: renaming ann writes
-- her author row once, each of her three posts once, and her blog once (not once per path from
-- the base table to the blog). Row triggers on the TVIEW tables log every write.
CREATE TABLE l47_writes (seq serial PRIMARY KEY, tv text NOT NULL, op text NOT NULL, k int NOT NULL);
-- Refreshes run triggers on TVIEW tables with search_path pinned to pg_catalog, pg_temp (see
-- docs/security.md): the trigger function brings its own.
CREATE FUNCTION l47_log_write() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    INSERT INTO l47_writes (tv, op, k)
    VALUES (TG_TABLE_NAME, TG_OP, CASE WHEN TG_OP = 'DELETE' THEN (to_jsonb(OLD)->>TG_ARGV[0])::int
                                       ELSE (to_jsonb(NEW)->>TG_ARGV[0])::int END);
    RETURN NULL;
END $$;
CREATE TRIGGER l47_log AFTER INSERT OR UPDATE OR DELETE ON tv_l47_author
    FOR EACH ROW EXECUTE FUNCTION l47_log_write('pk_l47_author');
CREATE TRIGGER l47_log AFTER INSERT OR UPDATE OR DELETE ON tv_l47_post
    FOR EACH ROW EXECUTE FUNCTION l47_log_write('pk_l47_post');
CREATE TRIGGER l47_log AFTER INSERT OR UPDATE OR DELETE ON tv_l47_blog
    FOR EACH ROW EXECUTE FUNCTION l47_log_write('pk_l47_blog');
UPDATE l47_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
SELECT tv, op, array_agg(k ORDER BY k) AS keys, count(*) AS writes FROM l47_writes GROUP BY tv, op ORDER BY tv, op;
-- And the order: every author write comes before every post write, which come before the blog's.
SELECT tv, min(seq) - (SELECT min(seq) FROM l47_writes) AS first, max(seq) - (SELECT min(seq) FROM l47_writes) AS last
  FROM l47_writes GROUP BY tv ORDER BY first;
TRUNCATE l47_writes;
-- A post added to ann: author 1 (count), all her posts, her blog; once each.
INSERT INTO l47_post VALUES (8, 1, 'a3');
SELECT oracle_check();
SELECT tv, op, array_agg(k ORDER BY k) AS keys, count(*) AS writes FROM l47_writes GROUP BY tv, op ORDER BY tv, op;
SELECT tv, min(seq) - (SELECT min(seq) FROM l47_writes) AS first, max(seq) - (SELECT min(seq) FROM l47_writes) AS last
  FROM l47_writes GROUP BY tv ORDER BY first;
DROP TRIGGER l47_log ON tv_l47_author;
DROP TRIGGER l47_log ON tv_l47_post;
DROP TRIGGER l47_log ON tv_l47_blog;
DROP FUNCTION l47_log_write();
DROP TABLE l47_writes;
SELECT oracle_check();

-- TRUNCATE of the posts: every level follows.
TRUNCATE l47_post;
SELECT oracle_check();
SELECT * FROM tv_l47_author ORDER BY pk_l47_author;
SELECT count(*) AS posts FROM tv_l47_post;
SELECT * FROM tv_l47_blog ORDER BY pk_l47_blog;

DROP TABLE l47_before;
DROP TABLE tv_l47_blog;
DROP TABLE tv_l47_post;
DROP TABLE tv_l47_author;
DROP TABLE l47_post, l47_user;
SELECT oracle_check();
