-- A child array built by a correlated subquery: inserting, updating and deleting children
-- refreshes exactly their parents' documents; moving a child refreshes both parents; the last
-- child's deletion leaves '[]'; TRUNCATE of the child table empties every array. A second
-- TVIEW keeps each post's two most recent comments (ORDER BY ... LIMIT inside the subquery).
CREATE TABLE l42_post (pk_post int PRIMARY KEY, title text NOT NULL);
CREATE TABLE l42_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l42_post ON DELETE CASCADE,
    body       text NOT NULL,
    spam_score int NOT NULL DEFAULT 0
);
CREATE INDEX ON l42_comment (fk_post);
INSERT INTO l42_post VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four');
INSERT INTO l42_comment VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c'), (13, 3, 'd');

SELECT create_tview('tv_l42_post', $$
    SELECT p.pk_post AS pk_l42_post,
           jsonb_build_object(
               'title', p.title,
               'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.pk_comment, 'body', c.body)
                                                      ORDER BY c.pk_comment), '[]')
                              FROM l42_comment c WHERE c.fk_post = p.pk_post)) AS data
      FROM l42_post p$$);
SELECT oracle_check();
-- The two most recent comments: ORDER BY ... LIMIT inside the correlated subquery.
SELECT create_tview('tv_l42_latest', $$
    SELECT p.pk_post AS pk_l42_latest,
           (SELECT coalesce(jsonb_agg(x.body ORDER BY x.pk_comment DESC), '[]')
              FROM (SELECT c.pk_comment, c.body FROM l42_comment c
                     WHERE c.fk_post = p.pk_post ORDER BY c.pk_comment DESC LIMIT 2) x) AS latest
      FROM l42_post p$$);
SELECT oracle_check();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;
SELECT * FROM tv_l42_latest ORDER BY pk_l42_latest;

-- Which TVIEW rows a statement wrote (by xmin), inserted and deleted.
CREATE TEMP TABLE l42_snap AS SELECT pk_l42_post AS k, xmin AS x FROM tv_l42_post WITH NO DATA;
CREATE FUNCTION pg_temp.l42_snap() RETURNS void LANGUAGE sql AS $$
    DELETE FROM l42_snap;
    INSERT INTO l42_snap SELECT pk_l42_post, xmin FROM tv_l42_post;
$$;
CREATE FUNCTION pg_temp.l42_changes(OUT rewritten int[], OUT inserted int[], OUT deleted int[])
LANGUAGE sql AS $$
    SELECT coalesce((SELECT array_agg(t.pk_l42_post ORDER BY t.pk_l42_post) FROM tv_l42_post t
                      JOIN l42_snap s ON s.k = t.pk_l42_post WHERE s.x <> t.xmin), '{}'),
           coalesce((SELECT array_agg(t.pk_l42_post ORDER BY t.pk_l42_post) FROM tv_l42_post t
                      WHERE t.pk_l42_post NOT IN (SELECT k FROM l42_snap)), '{}'),
           coalesce((SELECT array_agg(s.k ORDER BY s.k) FROM l42_snap s
                      WHERE s.k NOT IN (SELECT pk_l42_post FROM tv_l42_post)), '{}')
$$;

-- Insert a child: only its parent.
SELECT pg_temp.l42_snap();
INSERT INTO l42_comment VALUES (14, 2, 'e');
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
-- Children of several parents in one statement, one of them the first child of post 4.
SELECT pg_temp.l42_snap();
INSERT INTO l42_comment VALUES (15, 1, 'f'), (16, 4, 'g'), (17, 1, 'h');
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;
SELECT * FROM tv_l42_latest ORDER BY pk_l42_latest;

-- Update a read column of one child.
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET body = 'B' WHERE pk_comment = 11;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
-- Update a column the definition does not read: nothing rewritten.
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET spam_score = spam_score + 5;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
-- A child key change reorders its parent's array.
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET pk_comment = 9 WHERE pk_comment = 17;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT data->'comments' AS comments FROM tv_l42_post WHERE pk_l42_post = 1;
SELECT * FROM tv_l42_latest WHERE pk_l42_latest = 1;

-- Move a child from post 1 to post 3: both parents refresh, nobody else.
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET fk_post = 3 WHERE pk_comment = 10;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT * FROM tv_l42_post WHERE pk_l42_post IN (1, 3) ORDER BY pk_l42_post;
-- Move and edit at once, and two moves crossing in one statement (2 <-> 4).
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET fk_post = 2, body = 'D' WHERE pk_comment = 13;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT pg_temp.l42_snap();
UPDATE l42_comment SET fk_post = CASE fk_post WHEN 2 THEN 4 ELSE 2 END WHERE pk_comment IN (12, 16);
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;

-- Delete one child, then the last children of post 3 and post 4: their arrays become [].
SELECT pg_temp.l42_snap();
DELETE FROM l42_comment WHERE pk_comment = 14;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT pg_temp.l42_snap();
DELETE FROM l42_comment WHERE fk_post IN (3, 4);
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;
SELECT * FROM tv_l42_latest ORDER BY pk_l42_latest;

-- A parent's deletion cascades to its children; its document goes, the others stay untouched.
SELECT pg_temp.l42_snap();
DELETE FROM l42_post WHERE pk_post = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();

-- INSERT ... ON CONFLICT moving an existing child and adding a new one.
SELECT pg_temp.l42_snap();
INSERT INTO l42_comment VALUES (12, 3, 'c moved'), (18, 4, 'i')
    ON CONFLICT (pk_comment) DO UPDATE SET fk_post = EXCLUDED.fk_post, body = EXCLUDED.body;
SELECT oracle_check();
SELECT * FROM pg_temp.l42_changes();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;

-- TRUNCATE of the child table: every array becomes [] in the same statement.
TRUNCATE l42_comment;
SELECT oracle_check();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;
-- Refill, then TRUNCATE inside a transaction that rolls back.
INSERT INTO l42_comment VALUES (20, 2, 'x'), (21, 3, 'y');
SELECT oracle_check();
BEGIN;
TRUNCATE l42_comment;
SELECT oracle_check();
SELECT count(*) FILTER (WHERE data->'comments' <> '[]') AS non_empty FROM tv_l42_post;
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_l42_post ORDER BY pk_l42_post;
-- TRUNCATE ... CASCADE from the parent empties both tables and the TVIEW.
TRUNCATE l42_post CASCADE;
SELECT oracle_check();
SELECT (SELECT count(*) FROM tv_l42_post) AS posts, (SELECT count(*) FROM tv_l42_latest) AS latest;

DROP FUNCTION pg_temp.l42_snap();
DROP FUNCTION pg_temp.l42_changes();
DROP TABLE l42_snap;
DROP TABLE tv_l42_post, tv_l42_latest;
DROP TABLE l42_comment, l42_post;
SELECT oracle_check();
