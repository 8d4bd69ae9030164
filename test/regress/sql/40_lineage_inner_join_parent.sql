-- Inner joins to parent tables with nested objects: a parent write refreshes exactly the
-- documents that read that parent row (proved by the TVIEW rows' xmin), re-pointed foreign keys
-- refresh the documents of the re-pointed rows, an update of a column no definition reads
-- rewrites nothing, and cascaded FK actions (ON UPDATE / ON DELETE CASCADE) are maintained.
CREATE TABLE l40_user (pk_user int PRIMARY KEY, name text NOT NULL, email text, bio text);
CREATE TABLE l40_post (
    pk_post int PRIMARY KEY,
    fk_user int NOT NULL REFERENCES l40_user ON UPDATE CASCADE ON DELETE CASCADE,
    title   text NOT NULL,
    views   int NOT NULL DEFAULT 0
);
CREATE INDEX ON l40_post (fk_user);
CREATE TABLE l40_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l40_post ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX ON l40_comment (fk_post);
INSERT INTO l40_user VALUES (1, 'ann', 'ann@x', 'a'), (2, 'bob', 'bob@x', 'b'), (3, 'cid', 'cid@x', 'c');
INSERT INTO l40_post VALUES (1, 1, 'ann one'), (2, 1, 'ann two'), (3, 2, 'bob one'), (4, 3, 'cid one'), (5, 2, 'bob two');
INSERT INTO l40_comment VALUES (1, 1, 'c1 on p1'), (2, 1, 'c2 on p1'), (3, 3, 'c3 on p3'), (4, 4, 'c4 on p4'), (5, 5, 'c5 on p5');

-- A post with its author; a comment with its post and the post's author (two hops to the user).
SELECT create_tview('tv_l40_post', $$
    SELECT p.pk_post AS pk_l40_post, p.fk_user,
           jsonb_build_object('title', p.title, 'author', jsonb_build_object('name', u.name)) AS data
      FROM l40_post p JOIN l40_user u ON u.pk_user = p.fk_user$$);
SELECT oracle_check();
SELECT create_tview('tv_l40_comment', $$
    SELECT c.pk_comment AS pk_l40_comment,
           jsonb_build_object('body', c.body,
                              'post', jsonb_build_object('title', p.title,
                                                         'author', jsonb_build_object('name', u.name))) AS data
      FROM l40_comment c
      JOIN l40_post p ON p.pk_post = c.fk_post
      JOIN l40_user u ON u.pk_user = p.fk_user$$);
SELECT oracle_check();
SELECT * FROM tv_l40_post ORDER BY pk_l40_post;
SELECT * FROM tv_l40_comment ORDER BY pk_l40_comment;

-- Which rows of the two TVIEWs a statement wrote: snapshot (key, xmin) before, compare after.
CREATE TEMP TABLE l40_snap (tview text, k int, x xid);
CREATE FUNCTION pg_temp.l40_snap() RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    DELETE FROM l40_snap;
    FOR r IN SELECT tview, key_column FROM pg_tviews WHERE tview LIKE 'tv\_l40\_%' LOOP
        EXECUTE format('INSERT INTO l40_snap SELECT %L, %I, xmin FROM %I', r.tview, r.key_column, r.tview);
    END LOOP;
END $$;
CREATE FUNCTION pg_temp.l40_changes()
RETURNS TABLE (tview text, rewritten int[], inserted int[], deleted int[]) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT t.tview, t.key_column FROM pg_tviews t WHERE t.tview LIKE 'tv\_l40\_%' ORDER BY t.tview LOOP
        RETURN QUERY EXECUTE format($q$
            WITH now AS (SELECT %2$I AS k, xmin AS x FROM %1$I),
                 was AS (SELECT k, x FROM l40_snap WHERE tview = %1$L)
            SELECT %1$L::text,
                   coalesce((SELECT array_agg(k ORDER BY k) FROM now JOIN was USING (k) WHERE now.x <> was.x), '{}'),
                   coalesce((SELECT array_agg(k ORDER BY k) FROM now WHERE k NOT IN (SELECT k FROM was)), '{}'),
                   coalesce((SELECT array_agg(k ORDER BY k) FROM was WHERE k NOT IN (SELECT k FROM now)), '{}')$q$,
            r.tview, r.key_column);
    END LOOP;
END $$;

-- Renaming ann refreshes her posts (1, 2) and the comments on them (1, 2), nothing else.
SELECT pg_temp.l40_snap();
UPDATE l40_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT pk_l40_post, data FROM tv_l40_post WHERE pk_l40_post IN (1, 2) ORDER BY pk_l40_post;

-- Re-pointing post 2 from ann to bob: post 2 and comments on post 2 (none) change; the other
-- posts of ann and bob keep their rows.
SELECT pg_temp.l40_snap();
UPDATE l40_post SET fk_user = 2 WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
-- Re-pointing post 1 (with two comments) to cid: post 1 and comments 1, 2.
SELECT pg_temp.l40_snap();
UPDATE l40_post SET fk_user = 3 WHERE pk_post = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
-- Re-pointing a comment from post 1 to post 3: only that comment.
SELECT pg_temp.l40_snap();
UPDATE l40_comment SET fk_post = 3 WHERE pk_comment = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT * FROM tv_l40_post ORDER BY pk_l40_post;
SELECT * FROM tv_l40_comment ORDER BY pk_l40_comment;

-- Columns no definition reads (email, bio; views): no TVIEW row is rewritten.
SELECT pg_temp.l40_snap();
UPDATE l40_user SET email = upper(email), bio = bio || '!';
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
UPDATE l40_post SET views = views + 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
-- A read column set to its own value: nothing rewritten either.
UPDATE l40_user SET name = name;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
-- A new parent without children, and a user nobody's document reads: nothing.
INSERT INTO l40_user VALUES (4, 'dan', 'dan@x', 'd');
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
UPDATE l40_user SET name = 'Dan' WHERE pk_user = 4;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
-- The new user's first post appears, with his current name.
INSERT INTO l40_post VALUES (6, 4, 'dan one');
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT * FROM tv_l40_post WHERE pk_l40_post = 6;

-- A parent key change cascading to the children (ON UPDATE CASCADE): bob becomes user 20;
-- his posts' fk_user column changes, their documents do not.
SELECT pg_temp.l40_snap();
UPDATE l40_user SET pk_user = 20 WHERE pk_user = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT pk_l40_post, fk_user, data->'author' AS author FROM tv_l40_post ORDER BY pk_l40_post;
-- Name and key together.
SELECT pg_temp.l40_snap();
UPDATE l40_user SET pk_user = 2, name = 'Bob' WHERE pk_user = 20;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT pk_l40_post, fk_user, data->'author' AS author FROM tv_l40_post ORDER BY pk_l40_post;

-- Several parents in one statement, crossing: ann and cid swap names.
SELECT pg_temp.l40_snap();
UPDATE l40_user SET name = CASE pk_user WHEN 1 THEN 'cid' WHEN 3 THEN 'Ann' END WHERE pk_user IN (1, 3);
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;

-- Deleting user 3 (now called 'Ann') cascades to its posts 1 and 4 and to their comments 1 and
-- 4; every other row keeps its xmin.
SELECT pg_temp.l40_snap();
DELETE FROM l40_user WHERE pk_user = 3;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;
SELECT * FROM tv_l40_post ORDER BY pk_l40_post;
SELECT * FROM tv_l40_comment ORDER BY pk_l40_comment;
-- Deleting user 1, who has no posts left, changes nothing.
SELECT pg_temp.l40_snap();
DELETE FROM l40_user WHERE pk_user = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l40_changes() ORDER BY tview;

-- The same writes inside one transaction, checked after each statement, then rolled back.
BEGIN;
UPDATE l40_user SET name = 'B' WHERE pk_user = 2;
SELECT oracle_check();
UPDATE l40_post SET fk_user = 4 WHERE fk_user = 2;
SELECT oracle_check();
DELETE FROM l40_user WHERE pk_user = 4;
SELECT oracle_check();
SELECT count(*) AS posts, count(*) FILTER (WHERE data->'author'->>'name' = 'B') AS by_b FROM tv_l40_post;
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_l40_post ORDER BY pk_l40_post;
SELECT * FROM tv_l40_comment ORDER BY pk_l40_comment;

DROP FUNCTION pg_temp.l40_snap();
DROP FUNCTION pg_temp.l40_changes();
DROP TABLE l40_snap;
DROP TABLE tv_l40_comment, tv_l40_post;
DROP TABLE l40_comment, l40_post, l40_user;
SELECT oracle_check();
