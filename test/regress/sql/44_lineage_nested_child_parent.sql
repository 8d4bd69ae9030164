-- Two and three levels of nesting: a post's comments, each with its author (a scalar subquery
-- inside the comment object) and the author's company. Renaming a commenter refreshes exactly
-- the posts they commented on; renaming a company refreshes the posts its people commented on;
-- moving and deleting comments refresh the posts concerned.
CREATE TABLE l44_company (pk_company int PRIMARY KEY, name text NOT NULL, founded int);
CREATE TABLE l44_user (
    pk_user    int PRIMARY KEY,
    fk_company int REFERENCES l44_company ON DELETE SET NULL,
    name       text NOT NULL,
    last_login int
);
CREATE INDEX ON l44_user (fk_company);
CREATE TABLE l44_post (
    pk_post int PRIMARY KEY,
    fk_user int NOT NULL REFERENCES l44_user ON DELETE CASCADE,
    title   text NOT NULL
);
CREATE INDEX ON l44_post (fk_user);
CREATE TABLE l44_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l44_post ON DELETE CASCADE,
    fk_user    int NOT NULL REFERENCES l44_user ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX ON l44_comment (fk_post);
CREATE INDEX ON l44_comment (fk_user);
INSERT INTO l44_company VALUES (1, 'acme', 1990), (2, 'globex', 2000);
-- ann writes posts 1 and 2; bob writes posts 3 and 4; cid and dan only comment.
INSERT INTO l44_user VALUES (1, 1, 'ann', 0), (2, 2, 'bob', 0), (3, 2, 'cid', 0), (4, NULL, 'dan', 0);
INSERT INTO l44_post VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3'), (4, 2, 'p4'), (5, 2, 'p5');
INSERT INTO l44_comment VALUES
    (10, 1, 3, 'cid on p1'), (11, 1, 2, 'bob on p1'), (12, 3, 3, 'cid on p3'),
    (13, 4, 1, 'ann on p4'), (14, 2, 4, 'dan on p2'), (15, 3, 3, 'cid again on p3');

SELECT create_tview('tv_l44_post', $$
    SELECT p.pk_post AS pk_l44_post,
           jsonb_build_object(
               'title', p.title,
               'author', a.name,
               'comments',
               (SELECT coalesce(jsonb_agg(jsonb_build_object(
                           'id', c.pk_comment,
                           'body', c.body,
                           'author', (SELECT jsonb_build_object(
                                                 'name', u.name,
                                                 'company', (SELECT co.name FROM l44_company co
                                                              WHERE co.pk_company = u.fk_company))
                                        FROM l44_user u WHERE u.pk_user = c.fk_user))
                       ORDER BY c.pk_comment), '[]')
                  FROM l44_comment c WHERE c.fk_post = p.pk_post)) AS data
      FROM l44_post p JOIN l44_user a ON a.pk_user = p.fk_user$$);
SELECT oracle_check();
SELECT pk_l44_post, jsonb_pretty(data) FROM tv_l44_post ORDER BY pk_l44_post;
-- Every path from a user and from a company to the post key.
SELECT r->>'relation' AS relation, r->>'mapping' AS mapping, r->>'start_column' AS start_column,
       (SELECT string_agg(format('%s.%s -> %s', h->>'relation', h->>'match', h->>'output'), ', ')
          FROM jsonb_array_elements(r->'hops') h) AS hops
  FROM jsonb_array_elements(pg_tviews_plan('tv_l44_post')->'sources') r
 ORDER BY 1, 2, 3, 4;

CREATE TEMP TABLE l44_snap AS SELECT pk_l44_post AS k, xmin AS x FROM tv_l44_post WITH NO DATA;
CREATE FUNCTION pg_temp.l44_snap() RETURNS void LANGUAGE sql AS $$
    DELETE FROM l44_snap;
    INSERT INTO l44_snap SELECT pk_l44_post, xmin FROM tv_l44_post;
$$;
CREATE FUNCTION pg_temp.l44_changes(OUT rewritten int[], OUT inserted int[], OUT deleted int[])
LANGUAGE sql AS $$
    SELECT coalesce((SELECT array_agg(t.pk_l44_post ORDER BY t.pk_l44_post) FROM tv_l44_post t
                      JOIN l44_snap s ON s.k = t.pk_l44_post WHERE s.x <> t.xmin), '{}'),
           coalesce((SELECT array_agg(t.pk_l44_post ORDER BY t.pk_l44_post) FROM tv_l44_post t
                      WHERE t.pk_l44_post NOT IN (SELECT k FROM l44_snap)), '{}'),
           coalesce((SELECT array_agg(s.k ORDER BY s.k) FROM l44_snap s
                      WHERE s.k NOT IN (SELECT pk_l44_post FROM tv_l44_post)), '{}')
$$;

-- cid commented on posts 1 and 3 (twice): exactly those two.
SELECT pg_temp.l44_snap();
UPDATE l44_user SET name = 'Cid' WHERE pk_user = 3;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
SELECT pk_l44_post, jsonb_path_query_array(data, '$.comments[*].author.name') AS commenters
  FROM tv_l44_post ORDER BY pk_l44_post;
-- ann wrote posts 1 and 2 and commented on post 4: posts 1, 2 and 4.
SELECT pg_temp.l44_snap();
UPDATE l44_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- A column nobody reads: nothing.
SELECT pg_temp.l44_snap();
UPDATE l44_user SET last_login = last_login + 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- Third level: globex (bob, cid) renamed: the posts where bob or cid commented (1, 3); not the
-- posts bob wrote (4, 5), whose documents show no company of their author.
SELECT pg_temp.l44_snap();
UPDATE l44_company SET name = 'Globex' WHERE pk_company = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
SELECT pg_temp.l44_snap();
UPDATE l44_company SET founded = 1999;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- dan joins acme: only post 2 (his comment).
SELECT pg_temp.l44_snap();
UPDATE l44_user SET fk_company = 1 WHERE pk_user = 4;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
SELECT pk_l44_post, jsonb_path_query_array(data, '$.comments[*].author') AS commenters
  FROM tv_l44_post ORDER BY pk_l44_post;

-- Moving cid's second comment from post 3 to post 5: posts 3 and 5.
SELECT pg_temp.l44_snap();
UPDATE l44_comment SET fk_post = 5 WHERE pk_comment = 15;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- Re-attributing a comment to another user: only its post.
SELECT pg_temp.l44_snap();
UPDATE l44_comment SET fk_user = 4 WHERE pk_comment = 11;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- A company deleted (users' fk_company set null by the FK): posts with comments of its people.
SELECT pg_temp.l44_snap();
DELETE FROM l44_company WHERE pk_company = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
SELECT pk_l44_post, jsonb_pretty(data) FROM tv_l44_post ORDER BY pk_l44_post;

-- Deleting every comment of cid: posts 1, 3, 5.
SELECT pg_temp.l44_snap();
DELETE FROM l44_comment WHERE fk_user = 3;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- Deleting dan cascades to his comments (posts 1 and 2 refresh; he wrote no post).
SELECT pg_temp.l44_snap();
DELETE FROM l44_user WHERE pk_user = 4;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
-- Deleting bob cascades to his posts (3, 4, 5 vanish) and to his comments.
SELECT pg_temp.l44_snap();
DELETE FROM l44_user WHERE pk_user = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l44_changes();
SELECT * FROM tv_l44_post ORDER BY pk_l44_post;

-- The same kinds of change in one transaction, statement by statement.
BEGIN;
INSERT INTO l44_user VALUES (5, 2, 'eve', 0);
SELECT oracle_check();
INSERT INTO l44_comment VALUES (20, 1, 5, 'eve on p1'), (21, 2, 5, 'eve on p2');
SELECT oracle_check();
UPDATE l44_company SET name = 'GLOBEX' WHERE pk_company = 2;
SELECT oracle_check();
UPDATE l44_user SET fk_company = NULL, name = 'Eve' WHERE pk_user = 5;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_l44_post ORDER BY pk_l44_post;

DROP FUNCTION pg_temp.l44_snap();
DROP FUNCTION pg_temp.l44_changes();
DROP TABLE l44_snap;
DROP TABLE tv_l44_post;
DROP TABLE l44_comment, l44_post, l44_user, l44_company;
SELECT oracle_check();
