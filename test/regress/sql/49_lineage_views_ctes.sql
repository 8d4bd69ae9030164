-- Views, nested views, subqueries in FROM, LATERAL and WITH queries inside a definition: lineage sees
-- through them to the base tables (pg_tviews_plan names the tables, not the views), and writes
-- to those tables are maintained.
CREATE TABLE l49_user (pk_user int PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE l49_post (
    pk_post   int PRIMARY KEY,
    fk_user   int NOT NULL REFERENCES l49_user ON DELETE CASCADE,
    title     text NOT NULL,
    published boolean NOT NULL DEFAULT true
);
CREATE INDEX ON l49_post (fk_user);
CREATE TABLE l49_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l49_post ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX ON l49_comment (fk_post);
INSERT INTO l49_user VALUES (1, 'ann', 'a@x'), (2, 'bob', 'b@x');
INSERT INTO l49_post VALUES (1, 1, 'a1', true), (2, 1, 'a2', false), (3, 2, 'b1', true);
INSERT INTO l49_comment VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 3, 'z');

-- A user's view over a join, with a filter, and a view over that view.
CREATE VIEW l49_post_author AS
    SELECT p.pk_post, p.fk_user, p.title, u.name AS author
      FROM l49_post p JOIN l49_user u ON u.pk_user = p.fk_user
     WHERE p.published;
CREATE VIEW l49_post_card AS
    SELECT pa.pk_post, pa.title || ' by ' || pa.author AS card FROM l49_post_author pa;

SELECT create_tview('tv_l49_post', $$
    SELECT v.pk_post AS pk_l49_post,
           jsonb_build_object(
               'card', v.card,
               'comments', (SELECT coalesce(jsonb_agg(c.body ORDER BY c.pk_comment), '[]')
                              FROM l49_comment c WHERE c.fk_post = v.pk_post)) AS data
      FROM l49_post_card v$$);
SELECT oracle_check();
-- A WITH query aggregating all comments, joined to the posts; and a subquery in FROM.
SELECT create_tview('tv_l49_stats', $$
    WITH counts AS (SELECT c.fk_post, count(*) AS n FROM l49_comment c GROUP BY c.fk_post)
    SELECT p.pk_post AS pk_l49_stats, p.title, coalesce(counts.n, 0) AS comments, a.name AS author
      FROM l49_post p
      LEFT JOIN counts ON counts.fk_post = p.pk_post
      JOIN (SELECT u.pk_user, u.name FROM l49_user u) a ON a.pk_user = p.fk_user$$);
SELECT oracle_check();
-- A LATERAL subquery correlated with the post.
SELECT create_tview('tv_l49_lateral', $$
    SELECT p.pk_post AS pk_l49_lateral, s.n, s.bodies
      FROM l49_post p
      LEFT JOIN LATERAL (SELECT count(*) AS n, string_agg(c.body, ',' ORDER BY c.pk_comment) AS bodies
                           FROM l49_comment c WHERE c.fk_post = p.pk_post) s ON true$$);
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
SELECT * FROM tv_l49_stats ORDER BY pk_l49_stats;
SELECT * FROM tv_l49_lateral ORDER BY pk_l49_lateral;

-- The plans name the base tables the views and the CTE read, with their mappings.
SELECT t.tview, r->>'relation' AS relation, r->>'mapping' AS mapping, r->>'start_column' AS start_column,
       (SELECT string_agg(format('%s.%s -> %s', h->>'relation', h->>'match', h->>'output'), ', ')
          FROM jsonb_array_elements(r->'hops') h) AS hops
  FROM pg_tviews t, jsonb_array_elements(pg_tviews_plan(t.tview)->'sources') r
 WHERE t.tview LIKE 'tv\_l49\_%' ORDER BY 1, 2, 3, 4, 5;
SELECT tview, reads FROM pg_tviews WHERE tview LIKE 'tv\_l49\_%' ORDER BY tview;
-- Capture is on the base tables, not on the views.
SELECT c.relname, capture_triggers(c.oid) <> 'none' AS captured
  FROM pg_class c WHERE c.relname LIKE 'l49\_%' AND c.relkind IN ('r', 'v') ORDER BY c.relname;

-- Through the views: a rename of the user, publishing a post, un-publishing one.
UPDATE l49_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
UPDATE l49_post SET published = true WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
UPDATE l49_post SET published = false WHERE pk_post = 1;
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
-- A column neither the views nor the definitions read.
CREATE TEMP TABLE l49_before AS
    SELECT 'post' AS tv, pk_l49_post AS k, xmin AS x FROM tv_l49_post
    UNION ALL SELECT 'stats', pk_l49_stats, xmin FROM tv_l49_stats
    UNION ALL SELECT 'lateral', pk_l49_lateral, xmin FROM tv_l49_lateral;
UPDATE l49_user SET email = 'new@x';
SELECT oracle_check();
SELECT count(*) AS rewritten FROM (
    SELECT 'post' AS tv, pk_l49_post AS k, xmin AS x FROM tv_l49_post
    UNION ALL SELECT 'stats', pk_l49_stats, xmin FROM tv_l49_stats
    UNION ALL SELECT 'lateral', pk_l49_lateral, xmin FROM tv_l49_lateral) now
  JOIN l49_before b USING (tv, k) WHERE now.x <> b.x;

-- Through the CTE: comments added, moved and deleted.
INSERT INTO l49_comment VALUES (4, 2, 'w'), (5, 2, 'v');
SELECT oracle_check();
UPDATE l49_comment SET fk_post = 3 WHERE pk_comment = 1;
SELECT oracle_check();
DELETE FROM l49_comment WHERE fk_post = 1;
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
SELECT * FROM tv_l49_stats ORDER BY pk_l49_stats;
SELECT * FROM tv_l49_lateral ORDER BY pk_l49_lateral;
-- Re-pointing a post to the other user, then deleting that user.
UPDATE l49_post SET fk_user = 2 WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
DELETE FROM l49_user WHERE pk_user = 2;
SELECT oracle_check();
SELECT * FROM tv_l49_post ORDER BY pk_l49_post;
SELECT * FROM tv_l49_stats ORDER BY pk_l49_stats;
SELECT * FROM tv_l49_lateral ORDER BY pk_l49_lateral;

-- Redefining a view the TVIEW reads (CREATE OR REPLACE VIEW: the published filter goes, the
-- author gains badges from a table the old definition did not read) must not leave the TVIEW
-- stale: either the redefinition is refused, or the TVIEW follows the new definition, also for
-- later writes to the newly read table. (A refusal is swallowed so that the checks below hold
-- either way.)
CREATE TABLE l49_badge (pk_badge int PRIMARY KEY, fk_user int NOT NULL, label text NOT NULL);
CREATE INDEX ON l49_badge (fk_user);
DO $$
BEGIN
    CREATE OR REPLACE VIEW l49_post_author AS
        SELECT p.pk_post, p.fk_user, p.title,
               u.name || coalesce(' [' || (SELECT string_agg(b.label, ',' ORDER BY b.label)
                                             FROM l49_badge b WHERE b.fk_user = u.pk_user) || ']', '') AS author
          FROM l49_post p JOIN l49_user u ON u.pk_user = p.fk_user;
EXCEPTION WHEN OTHERS THEN
    NULL;
END $$;
SELECT oracle_check();
INSERT INTO l49_badge VALUES (1, 1, 'gold');
SELECT oracle_check();
UPDATE l49_badge SET label = 'silver';
SELECT oracle_check();
UPDATE l49_post SET title = 'A1' WHERE pk_post = 1;
SELECT oracle_check();
DELETE FROM l49_badge;
SELECT oracle_check();

-- The views cannot be dropped from under the TVIEW.
\set VERBOSITY terse
DROP VIEW l49_post_card;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT oracle_check();

DROP TABLE l49_before;
DROP TABLE tv_l49_post, tv_l49_stats, tv_l49_lateral;
DROP VIEW l49_post_card, l49_post_author;
DROP TABLE l49_badge, l49_comment, l49_post, l49_user;
SELECT oracle_check();
