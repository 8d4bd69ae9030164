-- One statement changing many parents at once: all affected documents are refreshed (more
-- keys than pg_tviews.max_key_locks, so the TVIEW-wide lock path is taken too), exactly the
-- affected ones are rewritten; and UPDATEs that touch only columns no definition reads rewrite
-- nothing, however many rows they touch.
SHOW pg_tviews.max_key_locks;
CREATE TABLE l53_user (pk_user int PRIMARY KEY, name text NOT NULL, last_seen int NOT NULL DEFAULT 0);
CREATE TABLE l53_post (
    pk_post int PRIMARY KEY,
    fk_user int NOT NULL REFERENCES l53_user ON DELETE CASCADE,
    title   text NOT NULL
);
CREATE INDEX ON l53_post (fk_user);
CREATE TABLE l53_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l53_post ON DELETE CASCADE,
    fk_user    int NOT NULL REFERENCES l53_user ON DELETE CASCADE,
    body       text NOT NULL,
    likes      int NOT NULL DEFAULT 0
);
CREATE INDEX ON l53_comment (fk_post);
CREATE INDEX ON l53_comment (fk_user);
-- 200 users, 3 posts each (600), 2 comments per post (1200), all written by users 1 to 50.
INSERT INTO l53_user SELECT g, 'user ' || g FROM generate_series(1, 200) g;
INSERT INTO l53_post SELECT g, (g - 1) / 3 + 1, 'post ' || g FROM generate_series(1, 600) g;
INSERT INTO l53_comment SELECT g, (g - 1) / 2 + 1, (g * 7) % 50 + 1, 'comment ' || g FROM generate_series(1, 1200) g;

SELECT create_tview('tv_l53_post', $$
    SELECT p.pk_post AS pk_l53_post,
           jsonb_build_object(
               'title', p.title,
               'author', u.name,
               'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('body', c.body, 'by', cu.name)
                                                      ORDER BY c.pk_comment), '[]')
                              FROM l53_comment c JOIN l53_user cu ON cu.pk_user = c.fk_user
                             WHERE c.fk_post = p.pk_post)) AS data
      FROM l53_post p JOIN l53_user u ON u.pk_user = p.fk_user$$);
SELECT oracle_check();
SELECT count(*) AS documents FROM tv_l53_post;

CREATE TEMP TABLE l53_snap AS SELECT pk_l53_post AS k, xmin AS x FROM tv_l53_post WITH NO DATA;
CREATE FUNCTION pg_temp.l53_snap() RETURNS void LANGUAGE sql AS $$
    DELETE FROM l53_snap;
    INSERT INTO l53_snap SELECT pk_l53_post, xmin FROM tv_l53_post;
$$;
-- The keys rewritten since the snapshot.
CREATE FUNCTION pg_temp.l53_rewritten() RETURNS SETOF int LANGUAGE sql AS $$
    SELECT t.pk_l53_post FROM tv_l53_post t JOIN l53_snap s ON s.k = t.pk_l53_post WHERE s.x <> t.xmin
$$;

-- Every user renamed in one statement: all 600 documents.
SELECT pg_temp.l53_snap();
UPDATE l53_user SET name = upper(name);
SELECT oracle_check();
SELECT count(*) AS rewritten FROM pg_temp.l53_rewritten();
SELECT count(*) FILTER (WHERE data->>'author' LIKE 'USER %') AS upper_authors,
       count(*) FILTER (WHERE jsonb_path_exists(data, '$.comments[*] ? (@.by like_regex "^user")')) AS lower_commenters
  FROM tv_l53_post;

-- Users 101 to 200, who wrote posts 301 to 600 and no comment: exactly those 300 documents.
SELECT pg_temp.l53_snap();
UPDATE l53_user SET name = name || ' (late)' WHERE pk_user > 100;
SELECT oracle_check();
WITH expected AS (
    SELECT p.pk_post FROM l53_post p WHERE p.fk_user > 100
    UNION SELECT c.fk_post FROM l53_comment c WHERE c.fk_user > 100)
SELECT (SELECT count(*) FROM expected) AS expected,
       (SELECT count(*) FROM pg_temp.l53_rewritten()) AS rewritten,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.l53_rewritten() EXCEPT SELECT * FROM expected) d) AS unexpected,
       (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM pg_temp.l53_rewritten()) d) AS missed;

-- Every tenth user (20 of them, five of whom comment): the posts they wrote or commented on.
SELECT pg_temp.l53_snap();
UPDATE l53_user SET name = 'renamed ' || pk_user WHERE pk_user % 10 = 0;
SELECT oracle_check();
WITH expected AS (
    SELECT p.pk_post FROM l53_post p WHERE p.fk_user % 10 = 0
    UNION SELECT c.fk_post FROM l53_comment c WHERE c.fk_user % 10 = 0)
SELECT (SELECT count(*) FROM expected) AS expected,
       (SELECT count(*) FROM pg_temp.l53_rewritten()) AS rewritten,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.l53_rewritten() EXCEPT SELECT * FROM expected) d) AS unexpected,
       (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM pg_temp.l53_rewritten()) d) AS missed;

-- Columns no definition reads, on every row of the child and of the parent: nothing rewritten.
SELECT pg_temp.l53_snap();
UPDATE l53_comment SET likes = likes + 1;
SELECT oracle_check();
SELECT count(*) AS rewritten FROM pg_temp.l53_rewritten();
UPDATE l53_user SET last_seen = last_seen + 1;
SELECT oracle_check();
SELECT count(*) AS rewritten FROM pg_temp.l53_rewritten();
-- A read column assigned its own value along with an unread one: nothing rewritten either.
UPDATE l53_comment SET likes = likes + 1, body = body, fk_post = fk_post;
SELECT oracle_check();
SELECT count(*) AS rewritten FROM pg_temp.l53_rewritten();

-- Many children moved in one statement: every third of the first 300 comments shifts to the
-- next post; the posts they left and the posts they joined are rewritten.
SELECT pg_temp.l53_snap();
CREATE TEMP TABLE l53_moved AS
    SELECT fk_post AS old_post, fk_post % 600 + 1 AS new_post FROM l53_comment
     WHERE pk_comment % 3 = 0 AND pk_comment <= 300;
UPDATE l53_comment SET fk_post = fk_post % 600 + 1 WHERE pk_comment % 3 = 0 AND pk_comment <= 300;
SELECT oracle_check();
WITH expected AS (SELECT old_post FROM l53_moved UNION SELECT new_post FROM l53_moved)
SELECT (SELECT count(*) FROM expected) AS expected,
       (SELECT count(*) FROM pg_temp.l53_rewritten()) AS rewritten,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.l53_rewritten() EXCEPT SELECT * FROM expected) d) AS unexpected,
       (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM pg_temp.l53_rewritten()) d) AS missed;
DROP TABLE l53_moved;
-- Many parents and their children removed in one statement (cascades), then a bulk insert.
DELETE FROM l53_user WHERE pk_user > 150;
SELECT oracle_check();
SELECT count(*) AS documents FROM tv_l53_post;
INSERT INTO l53_user SELECT g, 'new ' || g FROM generate_series(151, 250) g;
SELECT oracle_check();
INSERT INTO l53_post SELECT g, (g % 100) + 151, 'new post ' || g FROM generate_series(1001, 1300) g;
SELECT oracle_check();
INSERT INTO l53_comment SELECT g, 1000 + (g % 300) + 1, (g % 250) + 1, 'new comment ' || g FROM generate_series(5001, 5600) g;
SELECT oracle_check();
SELECT count(*) AS documents, sum(jsonb_array_length(data->'comments')) AS comments FROM tv_l53_post;
SELECT (SELECT count(*) FROM l53_post) AS posts, (SELECT count(*) FROM l53_comment) AS comments;

-- The whole bulk rename again, inside a transaction that rolls back.
BEGIN;
UPDATE l53_user SET name = 'x';
SELECT oracle_check();
SELECT count(DISTINCT data->>'author') AS distinct_authors FROM tv_l53_post;
ROLLBACK;
SELECT oracle_check();
SELECT count(DISTINCT data->>'author') AS distinct_authors FROM tv_l53_post;

DROP FUNCTION pg_temp.l53_snap();
DROP FUNCTION pg_temp.l53_rewritten();
DROP TABLE l53_snap;
DROP TABLE tv_l53_post;
DROP TABLE l53_comment, l53_post, l53_user;
SELECT oracle_check();
