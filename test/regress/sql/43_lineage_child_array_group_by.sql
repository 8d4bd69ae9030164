-- A child array built with LEFT JOIN + GROUP BY the key (jsonb_agg ... FILTER): children
-- inserted, updated, moved and deleted, parents without children, a parent key change cascading
-- to its children, and a parent of the children (the commenter) renamed.
CREATE TABLE l43_user (pk_user int PRIMARY KEY, name text NOT NULL, karma int NOT NULL DEFAULT 0);
CREATE TABLE l43_post (pk_post int PRIMARY KEY, title text NOT NULL);
CREATE TABLE l43_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l43_post ON UPDATE CASCADE ON DELETE CASCADE,
    fk_user    int NOT NULL REFERENCES l43_user,
    body       text NOT NULL
);
CREATE INDEX ON l43_comment (fk_post);
CREATE INDEX ON l43_comment (fk_user);
INSERT INTO l43_user VALUES (1, 'ann'), (2, 'bob');
INSERT INTO l43_post VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO l43_comment VALUES (10, 1, 1, 'a'), (11, 1, 2, 'b'), (12, 2, 2, 'c');

-- GROUP BY the primary key alone: the title is functionally dependent on it.
SELECT create_tview('tv_l43_post', $$
    SELECT p.pk_post AS pk_l43_post,
           jsonb_build_object(
               'title', p.title,
               'comment_count', count(c.pk_comment),
               'comments', coalesce(jsonb_agg(jsonb_build_object('id', c.pk_comment, 'body', c.body, 'by', u.name)
                                              ORDER BY c.pk_comment) FILTER (WHERE c.pk_comment IS NOT NULL),
                                    '[]')) AS data
      FROM l43_post p
      LEFT JOIN l43_comment c ON c.fk_post = p.pk_post
      LEFT JOIN l43_user u ON u.pk_user = c.fk_user
     GROUP BY p.pk_post$$);
SELECT oracle_check();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;
SELECT r->>'relation' AS relation, r->>'mapping' AS mapping, r->>'start_column' AS start_column,
       r->'hops' AS hops
  FROM jsonb_array_elements(pg_tviews_plan('tv_l43_post')->'sources') r
 ORDER BY 1, 2, 3, 4;

CREATE TEMP TABLE l43_snap AS SELECT pk_l43_post AS k, xmin AS x FROM tv_l43_post WITH NO DATA;
CREATE FUNCTION pg_temp.l43_snap() RETURNS void LANGUAGE sql AS $$
    DELETE FROM l43_snap;
    INSERT INTO l43_snap SELECT pk_l43_post, xmin FROM tv_l43_post;
$$;
CREATE FUNCTION pg_temp.l43_changes(OUT rewritten int[], OUT inserted int[], OUT deleted int[])
LANGUAGE sql AS $$
    SELECT coalesce((SELECT array_agg(t.pk_l43_post ORDER BY t.pk_l43_post) FROM tv_l43_post t
                      JOIN l43_snap s ON s.k = t.pk_l43_post WHERE s.x <> t.xmin), '{}'),
           coalesce((SELECT array_agg(t.pk_l43_post ORDER BY t.pk_l43_post) FROM tv_l43_post t
                      WHERE t.pk_l43_post NOT IN (SELECT k FROM l43_snap)), '{}'),
           coalesce((SELECT array_agg(s.k ORDER BY s.k) FROM l43_snap s
                      WHERE s.k NOT IN (SELECT pk_l43_post FROM tv_l43_post)), '{}')
$$;

-- The first child of post 3, and another one of post 1.
SELECT pg_temp.l43_snap();
INSERT INTO l43_comment VALUES (13, 3, 1, 'd'), (14, 1, 1, 'e');
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
-- Edit a child.
SELECT pg_temp.l43_snap();
UPDATE l43_comment SET body = 'A' WHERE pk_comment = 10;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
-- Move a child (post 1 -> post 2): both parents.
SELECT pg_temp.l43_snap();
UPDATE l43_comment SET fk_post = 2 WHERE pk_comment = 11;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;

-- Renaming bob refreshes the posts bob commented on (2), not the others.
SELECT pg_temp.l43_snap();
UPDATE l43_user SET name = 'Bob' WHERE pk_user = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
-- A column of the user nobody reads.
SELECT pg_temp.l43_snap();
UPDATE l43_user SET karma = karma + 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
-- A comment changes hands: only its post.
SELECT pg_temp.l43_snap();
UPDATE l43_comment SET fk_user = 2 WHERE pk_comment = 13;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;

-- The last child of post 3 goes: count 0, array [] (the FILTER keeps the null row out).
SELECT pg_temp.l43_snap();
DELETE FROM l43_comment WHERE pk_comment = 13;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
SELECT * FROM tv_l43_post WHERE pk_l43_post = 3;
-- A new parent without children.
INSERT INTO l43_post VALUES (4, 'four');
SELECT oracle_check();
SELECT * FROM tv_l43_post WHERE pk_l43_post = 4;

-- A parent key change cascades (ON UPDATE CASCADE) to its children: key 2 becomes 20.
SELECT pg_temp.l43_snap();
UPDATE l43_post SET pk_post = 20 WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;
-- A parent deleted with its children (ON DELETE CASCADE).
SELECT pg_temp.l43_snap();
DELETE FROM l43_post WHERE pk_post = 1;
SELECT oracle_check();
SELECT * FROM pg_temp.l43_changes();

-- Every child deleted in one statement, then re-added across parents in one statement.
DELETE FROM l43_comment;
SELECT oracle_check();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;
INSERT INTO l43_comment SELECT 100 + g, (ARRAY[3, 4, 20])[g % 3 + 1], g % 2 + 1, 'bulk ' || g FROM generate_series(1, 9) g;
SELECT oracle_check();
SELECT pk_l43_post, data->'comment_count' AS n, jsonb_path_query_array(data, '$.comments[*].id') AS ids
  FROM tv_l43_post ORDER BY pk_l43_post;
TRUNCATE l43_comment;
SELECT oracle_check();
SELECT * FROM tv_l43_post ORDER BY pk_l43_post;

DROP FUNCTION pg_temp.l43_snap();
DROP FUNCTION pg_temp.l43_changes();
DROP TABLE l43_snap;
DROP TABLE tv_l43_post;
DROP TABLE l43_comment, l43_post, l43_user;
SELECT oracle_check();
