-- Many-to-many through a link table, in both directions: a post with its tags and a tag with
-- its posts. Adding and removing links refreshes both ends; renaming a tag refreshes exactly the
-- posts carrying it; deleting a tag (or a post) cascades to the links and is maintained.
CREATE TABLE l46_post (pk_post int PRIMARY KEY, title text NOT NULL, hits int NOT NULL DEFAULT 0);
CREATE TABLE l46_tag (pk_tag int PRIMARY KEY, name text NOT NULL, color text);
CREATE TABLE l46_post_tag (
    fk_post int NOT NULL REFERENCES l46_post ON DELETE CASCADE,
    fk_tag  int NOT NULL REFERENCES l46_tag ON DELETE CASCADE,
    PRIMARY KEY (fk_post, fk_tag)
);
CREATE INDEX ON l46_post_tag (fk_tag);
INSERT INTO l46_post VALUES (1, 'p1'), (2, 'p2'), (3, 'p3'), (4, 'p4');
INSERT INTO l46_tag VALUES (1, 'sql', 'blue'), (2, 'c++', 'red'), (3, 'json', 'green'), (4, 'unused', 'grey');
INSERT INTO l46_post_tag VALUES (1, 1), (1, 3), (2, 1), (3, 2), (3, 3);

SELECT create_tview('tv_l46_post', $$
    SELECT p.pk_post AS pk_l46_post,
           jsonb_build_object(
               'title', p.title,
               'tags', (SELECT coalesce(jsonb_agg(t.name ORDER BY t.name), '[]')
                          FROM l46_post_tag pt JOIN l46_tag t ON t.pk_tag = pt.fk_tag
                         WHERE pt.fk_post = p.pk_post)) AS data
      FROM l46_post p$$);
SELECT oracle_check();
SELECT create_tview('tv_l46_tag', $$
    SELECT t.pk_tag AS pk_l46_tag, t.name,
           count(pt.fk_post) AS post_count,
           coalesce(jsonb_agg(p.title ORDER BY p.pk_post) FILTER (WHERE p.pk_post IS NOT NULL), '[]') AS posts
      FROM l46_tag t
      LEFT JOIN l46_post_tag pt ON pt.fk_tag = t.pk_tag
      LEFT JOIN l46_post p ON p.pk_post = pt.fk_post
     GROUP BY t.pk_tag, t.name$$);
SELECT oracle_check();
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;

CREATE TEMP TABLE l46_snap (tv text, k int, x xid);
CREATE FUNCTION pg_temp.l46_snap() RETURNS void LANGUAGE sql AS $$
    DELETE FROM l46_snap;
    INSERT INTO l46_snap SELECT 'post', pk_l46_post, xmin FROM tv_l46_post
                         UNION ALL SELECT 'tag', pk_l46_tag, xmin FROM tv_l46_tag;
$$;
-- Per TVIEW: the keys whose rows were rewritten, inserted or deleted since the snapshot.
CREATE FUNCTION pg_temp.l46_changes()
RETURNS TABLE (tv text, rewritten int[], inserted int[], deleted int[]) LANGUAGE sql AS $$
    WITH now AS (SELECT 'post' AS tv, pk_l46_post AS k, xmin AS x FROM tv_l46_post
                 UNION ALL SELECT 'tag', pk_l46_tag, xmin FROM tv_l46_tag),
         tvs(tv) AS (VALUES ('post'), ('tag'))
    SELECT tvs.tv,
           coalesce((SELECT array_agg(n.k ORDER BY n.k) FROM now n JOIN l46_snap s USING (tv, k)
                      WHERE n.tv = tvs.tv AND n.x <> s.x), '{}'),
           coalesce((SELECT array_agg(n.k ORDER BY n.k) FROM now n
                      WHERE n.tv = tvs.tv AND NOT EXISTS (SELECT 1 FROM l46_snap s WHERE s.tv = n.tv AND s.k = n.k)), '{}'),
           coalesce((SELECT array_agg(s.k ORDER BY s.k) FROM l46_snap s
                      WHERE s.tv = tvs.tv AND NOT EXISTS (SELECT 1 FROM now n WHERE n.tv = s.tv AND n.k = s.k)), '{}')
      FROM tvs ORDER BY tvs.tv
$$;

-- Linking: post 2 gets json; post 4 gets its first tags.
SELECT pg_temp.l46_snap();
INSERT INTO l46_post_tag VALUES (2, 3);
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
SELECT pg_temp.l46_snap();
INSERT INTO l46_post_tag VALUES (4, 1), (4, 2);
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
-- Unlinking.
SELECT pg_temp.l46_snap();
DELETE FROM l46_post_tag WHERE fk_post = 1 AND fk_tag = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
-- Re-pointing a link to another tag: the post and both tags.
SELECT pg_temp.l46_snap();
UPDATE l46_post_tag SET fk_tag = 4 WHERE fk_post = 3 AND fk_tag = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;

-- Renaming json refreshes the posts that carry it (1, 2, 3) and the tag itself, nothing else.
SELECT pg_temp.l46_snap();
UPDATE l46_tag SET name = 'jsonb' WHERE pk_tag = 3;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
-- A column neither definition reads.
SELECT pg_temp.l46_snap();
UPDATE l46_tag SET color = 'black';
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
UPDATE l46_post SET hits = hits + 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
-- Renaming post 4 refreshes the post and its tags (sql, c++).
SELECT pg_temp.l46_snap();
UPDATE l46_post SET title = 'P4' WHERE pk_post = 4;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;

-- Deleting sql cascades to its links: the tag's row goes, posts 2 and 4 lose it.
SELECT pg_temp.l46_snap();
DELETE FROM l46_tag WHERE pk_tag = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
-- Deleting post 3 cascades to its links: its tags' lists shrink.
SELECT pg_temp.l46_snap();
DELETE FROM l46_post WHERE pk_post = 3;
SELECT oracle_check();
SELECT * FROM pg_temp.l46_changes() ORDER BY tv;
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;

-- Retagging everything in one transaction: unlink all, link every post to every tag, rename.
BEGIN;
DELETE FROM l46_post_tag;
SELECT oracle_check();
INSERT INTO l46_post_tag SELECT p.pk_post, t.pk_tag FROM l46_post p CROSS JOIN l46_tag t;
SELECT oracle_check();
UPDATE l46_tag SET name = upper(name);
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;
TRUNCATE l46_post_tag;
SELECT oracle_check();
SELECT * FROM tv_l46_post ORDER BY pk_l46_post;
SELECT * FROM tv_l46_tag ORDER BY pk_l46_tag;

DROP FUNCTION pg_temp.l46_snap();
DROP FUNCTION pg_temp.l46_changes();
DROP TABLE l46_snap;
DROP TABLE tv_l46_post, tv_l46_tag;
DROP TABLE l46_post_tag, l46_tag, l46_post;
SELECT oracle_check();
