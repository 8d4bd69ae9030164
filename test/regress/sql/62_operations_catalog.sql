-- The catalog as runbooks read it: pg_tviews_metadata, pg_tviews_dependencies, and the
-- pg_tview_meta / pg_tview_helpers mirrors, which survive the "metadata repairs" of older
-- runbooks (DELETE, TRUNCATE, re-INSERT from a backup copy) because the catalog is authoritative.
CREATE SCHEMA l62;
CREATE TABLE tb_l62_author (pk_l62_author int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tb_l62_post (pk_l62_post int PRIMARY KEY,
                          fk_author int NOT NULL REFERENCES tb_l62_author, title text NOT NULL);
CREATE INDEX ON tb_l62_post (fk_author);
INSERT INTO tb_l62_author VALUES (1, 'ann'), (2, 'bob');
INSERT INTO tb_l62_post VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
SELECT create_tview('tv_l62_post', $$
    SELECT p.pk_l62_post, jsonb_build_object('title', p.title, 'author', a.name) AS data
      FROM tb_l62_post p JOIN tb_l62_author a ON a.pk_l62_author = p.fk_author$$);
-- A TVIEW reading a TVIEW, and a third reading that one: three levels.
SELECT create_tview('tv_l62_author', $$
    SELECT a.pk_l62_author,
           (SELECT jsonb_agg(tp.data ORDER BY tp.pk_l62_post) FROM tv_l62_post tp
              JOIN tb_l62_post p ON p.pk_l62_post = tp.pk_l62_post
             WHERE p.fk_author = a.pk_l62_author) AS posts
      FROM tb_l62_author a$$);
SELECT create_tview('l62.tv_l62_count', $$
    SELECT ta.pk_l62_author AS pk_l62_count, jsonb_array_length(ta.posts) AS n
      FROM tv_l62_author ta$$);
SELECT oracle_check();

-- entity_name is a relation name; schema-qualified only off the search_path.
SELECT entity_name, entity, schema_name, table_name, backing_table_name, base_tables,
       primary_key_column, refresh_priority, dependency_level, suspended, stale, queued_keys,
       status
  FROM pg_tviews_metadata WHERE entity LIKE 'l62%' ORDER BY refresh_priority DESC, entity_name;
SELECT entity_name, pg_total_relation_size(entity_name) > 0 AS sized,
       (SELECT count(*) FROM information_schema.tables t
         WHERE t.table_name = m.backing_table_name) > 0 AS backing_listed
  FROM pg_tviews_metadata m WHERE entity LIKE 'l62%' ORDER BY entity_name;
-- Refreshing in refresh_priority order refreshes every parent before its readers.
SELECT bool_and(p.refresh_priority > c.refresh_priority) AS parents_first
  FROM pg_tviews_dependencies d
  JOIN pg_tviews_metadata p ON p.entity_name = d.parent_tview
  JOIN pg_tviews_metadata c ON c.entity_name = d.child_tview;
-- Writes refresh: last_refreshed is set, no error.
UPDATE tb_l62_author SET name = 'Ann' WHERE pk_l62_author = 1;
SELECT oracle_check();
SELECT entity_name, last_refreshed IS NOT NULL AS refreshed,
       last_refreshed = last_refresh_time AS same_time,
       last_refresh_duration_ms >= 0 AS has_duration, last_error
  FROM pg_tviews_metadata WHERE entity LIKE 'l62%' ORDER BY entity_name;

SELECT parent_tview, child_tview, dependency_type
  FROM pg_tviews_dependencies WHERE child_tview LIKE '%l62%' ORDER BY 1, 2;

-- The mirrors: dependents first, so that dropping TVIEWs in table order drops readers first.
SELECT entity, tview, key_column, dependencies FROM pg_tview_meta WHERE entity LIKE 'l62%';
SELECT entity, tview, helper, helper_kind FROM pg_tview_helpers WHERE entity LIKE 'l62%'
 ORDER BY entity;
SELECT entity, array_length(dependencies, 1) AS dep_count,
       pg_relation_size('tv_' || entity) > 0 AS sized
  FROM pg_tview_meta WHERE entity = 'l62_post';

-- Hand edits are undone at statement end; maintenance carries on.
CREATE TABLE l62_meta_backup AS SELECT * FROM pg_tview_meta;
DELETE FROM pg_tview_meta WHERE entity = 'l62_post';
SELECT count(*) AS mirror_rows FROM pg_tview_meta WHERE entity = 'l62_post';
TRUNCATE pg_tview_meta;
INSERT INTO pg_tview_meta SELECT * FROM l62_meta_backup;
UPDATE pg_tview_meta SET dependencies = '{}';
TRUNCATE pg_tview_helpers;
SELECT (SELECT count(*) FROM (TABLE pg_tview_meta EXCEPT ALL TABLE l62_meta_backup) d) AS extra,
       (SELECT count(*) FROM (TABLE l62_meta_backup EXCEPT ALL TABLE pg_tview_meta) d) AS missing,
       (SELECT count(*) FROM pg_tview_helpers WHERE entity LIKE 'l62%') AS helpers;
INSERT INTO tb_l62_post VALUES (4, 2, 'd');
SELECT oracle_check();

-- A dropped TVIEW leaves the mirrors with it.
SELECT pg_tviews_drop('l62.tv_l62_count');
SELECT entity FROM pg_tview_meta WHERE entity LIKE 'l62%' ORDER BY entity;
SELECT count(*) FROM pg_tview_helpers WHERE entity = 'l62_count';

SELECT pg_tviews_check_jsonb_ivm();

DROP TABLE l62_meta_backup;
DROP TABLE tb_l62_post, tb_l62_author CASCADE;
DROP SCHEMA l62;
SELECT count(*) AS mirror_rows_left FROM pg_tview_meta WHERE entity LIKE 'l62%';
