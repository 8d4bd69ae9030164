-- pg_tviews_plan(name) for a rich definition: local mappings (the root and a correlated child
-- table), mapped ones with one and two hops (a parent, a grandparent, a child's parent), a full
-- one (opted in); and pg_tviews_missing_indexes before and after creating the indexes it
-- suggests. Indexes that do not lead with the column, partial indexes and invalid indexes do
-- not count.
CREATE TABLE l51_org (pk_org int PRIMARY KEY, name text NOT NULL);
CREATE TABLE l51_user (pk_user int PRIMARY KEY, fk_org int NOT NULL REFERENCES l51_org, name text NOT NULL);
CREATE TABLE l51_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES l51_user, title text NOT NULL);
CREATE TABLE l51_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l51_post,
    fk_user    int NOT NULL REFERENCES l51_user,
    body       text NOT NULL
);
CREATE TABLE l51_setting (pk_setting int PRIMARY KEY, max_comments int NOT NULL);
INSERT INTO l51_org VALUES (1, 'acme'), (2, 'globex');
INSERT INTO l51_user VALUES (1, 1, 'ann'), (2, 2, 'bob');
INSERT INTO l51_post VALUES (1, 1, 'p1'), (2, 2, 'p2');
INSERT INTO l51_comment VALUES (1, 1, 2, 'c1'), (2, 1, 1, 'c2'), (3, 2, 2, 'c3');
INSERT INTO l51_setting VALUES (1, 2);

SELECT create_tview('tv_l51_post', $$
    SELECT p.pk_post AS pk_l51_post,
           jsonb_build_object(
               'title', p.title,
               'author', u.name,
               'org', o.name,
               'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('body', c.body, 'by', cu.name)
                                                      ORDER BY c.pk_comment), '[]')
                              FROM l51_comment c JOIN l51_user cu ON cu.pk_user = c.fk_user
                             WHERE c.fk_post = p.pk_post),
               'limit', (SELECT min(s.max_comments) FROM l51_setting s)) AS data
      FROM l51_post p
      JOIN l51_user u ON u.pk_user = p.fk_user
      JOIN l51_org o ON o.pk_org = u.fk_org$$, '{"allow_full_refresh": true}');
SELECT oracle_check();
SELECT jsonb_pretty(pg_tviews_plan('tv_l51_post'));
-- The same, one line per path, and the name forms pg_tviews_plan accepts.
SELECT r->>'relation' AS relation, r->>'mapping' AS mapping, r->>'start_column' AS start_column,
       (SELECT string_agg(format('%s.%s -> %s', h->>'relation', h->>'match', h->>'output'), ', ')
          FROM jsonb_array_elements(r->'hops') h) AS hops,
       r->'columns_read' AS columns_read
  FROM jsonb_array_elements(pg_tviews_plan('tv_l51_post')->'sources') r
 ORDER BY 1, 2, 3, 4;
SELECT pg_tviews_plan('l51_post') = pg_tviews_plan('tv_l51_post') AS by_entity,
       pg_tviews_plan('public.tv_l51_post') = pg_tviews_plan('tv_l51_post') AS by_qualified_name;

-- Without any index on the foreign keys: every column a mapping query or the keyed recompute
-- filters on is listed, with the index to create.
SELECT * FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY relation, column_name;
-- An index with the column in second place, a partial index: still missing.
CREATE INDEX l51_comment_body_post ON l51_comment (body, fk_post);
CREATE INDEX l51_comment_post_partial ON l51_comment (fk_post) WHERE body <> '';
SELECT relation, column_name FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY 1, 2;
-- A multi-column index leading with the column counts.
CREATE INDEX l51_comment_post_body ON l51_comment (fk_post, body);
SELECT relation, column_name FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY 1, 2;
-- An invalid index (a failed CREATE UNIQUE INDEX CONCURRENTLY) does not count either.
\set VERBOSITY terse
CREATE UNIQUE INDEX CONCURRENTLY l51_comment_user_invalid ON l51_comment (fk_user);
\set VERBOSITY default
SELECT indisvalid FROM pg_index WHERE indexrelid = 'l51_comment_user_invalid'::regclass;
SELECT relation, column_name FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY 1, 2;
DROP INDEX l51_comment_user_invalid;
-- Create what is suggested (each distinct statement once: two paths may need the same index).
DO $$
DECLARE ddl text;
BEGIN
    FOR ddl IN SELECT suggested_ddl FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY 1 LOOP
        RAISE NOTICE '%', ddl;
        EXECUTE ddl;
    END LOOP;
END $$;
SELECT count(*) AS missing FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews);
SELECT indexrelid::regclass AS index, indrelid::regclass AS on_table
  FROM pg_index WHERE indrelid::regclass::text LIKE 'l51\_%' AND NOT indisprimary
 ORDER BY indexrelid::regclass::text;
SELECT oracle_check();

-- The TVIEW table itself has its primary key on the key column.
SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
 WHERE i.indrelid = 'tv_l51_post'::regclass AND i.indisprimary;

-- Every path works: one write through each.
UPDATE l51_org SET name = 'ACME' WHERE pk_org = 1;
SELECT oracle_check();
UPDATE l51_user SET name = 'Bob' WHERE pk_user = 2;
SELECT oracle_check();
UPDATE l51_user SET fk_org = 1 WHERE pk_user = 2;
SELECT oracle_check();
INSERT INTO l51_comment VALUES (4, 2, 1, 'c4');
SELECT oracle_check();
UPDATE l51_setting SET max_comments = 5;
SELECT oracle_check();
UPDATE l51_post SET title = 'P2' WHERE pk_post = 2;
SELECT oracle_check();
SELECT * FROM tv_l51_post ORDER BY pk_l51_post;

-- Dropping an index brings its line back.
DROP INDEX l51_comment_post_body;
SELECT relation, column_name FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews) ORDER BY 1, 2;
SELECT oracle_check();

DROP TABLE tv_l51_post;
SELECT count(*) AS missing FROM pg_tviews_missing_indexes WHERE 'tv_l51_post' = ANY (tviews);
DROP TABLE l51_comment, l51_post, l51_user, l51_org, l51_setting;
SELECT oracle_check();
