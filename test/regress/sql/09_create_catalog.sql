-- What creation leaves behind: a table with a primary key on the key column, one catalog row
-- per TVIEW and per base table it reads, a plan, and one set of capture triggers on the base.
CREATE TABLE tb_cat (pk_cat int PRIMARY KEY, title text, body text, unread int);
INSERT INTO tb_cat VALUES (1, 't1', 'b1', 0), (2, 't2', 'b2', 0);
CREATE TABLE tv_cat AS SELECT pk_cat, jsonb_build_object('title', title, 'body', body) AS data FROM tb_cat;
SELECT oracle_register('tv_cat', $$SELECT pk_cat, jsonb_build_object('title', title, 'body', body) AS data FROM tb_cat$$);
SELECT oracle_check();

-- An ordinary table with a primary key on pk_cat.
SELECT relkind, relpersistence FROM pg_class WHERE oid = 'tv_cat'::regclass;
SELECT conname, contype, pg_get_constraintdef(oid) AS definition
  FROM pg_constraint WHERE conrelid = 'tv_cat'::regclass ORDER BY conname;
SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull
  FROM pg_attribute WHERE attrelid = 'tv_cat'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;

-- Catalog rows.
SELECT tview, entity, key_column, options FROM pg_tviews WHERE tview = 'tv_cat';
SELECT definition FROM pg_tviews WHERE tview = 'tv_cat';
SELECT base, mode, key_source_column, columns_read
  FROM tviews_internal.source WHERE tview = 'tv_cat'::regclass;
SELECT pg_tviews_plan('tv_cat');
SELECT pg_tviews_plan('cat') = pg_tviews_plan('tv_cat') AS same_plan;

-- Capture triggers on the base table, none on the TVIEW itself.
SELECT capture_triggers('tb_cat') AS base_triggers, capture_triggers('tv_cat') AS tview_triggers;
SELECT tgname, tgtype, tgenabled FROM pg_trigger
 WHERE tgrelid = 'tb_cat'::regclass AND NOT tgisinternal ORDER BY tgname;

SELECT pg_tviews_verify('tv_cat');
INSERT INTO tb_cat VALUES (3, 't3', 'b3', 0);
SELECT oracle_check();
SELECT pg_tviews_verify('cat');

DROP TABLE tv_cat;
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_cat';
SELECT capture_triggers('tb_cat') AS base_triggers;
DROP TABLE tb_cat;
SELECT oracle_check();
