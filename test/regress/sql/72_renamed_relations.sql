-- Generated SQL spells relations by name. After a rename of a table a definition reads (or of
-- its schema), the SQL must follow the relation, never the name: a new table that takes the old
-- name is not what the TVIEW reads. (Other sessions: isolation spec renamed_relations.)
CREATE SCHEMA rn;
CREATE TABLE rn.tb_cat (pk_cat int PRIMARY KEY, name text NOT NULL);
CREATE TABLE rn.tb_item (pk_item int PRIMARY KEY, fk_cat int NOT NULL, title text NOT NULL);
CREATE INDEX ON rn.tb_item (fk_cat);
INSERT INTO rn.tb_cat VALUES (1, 'books'), (2, 'tools');
INSERT INTO rn.tb_item VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
CREATE TABLE rn.tv_item AS
SELECT i.pk_item, jsonb_build_object('title', i.title, 'cat', c.name) AS data
  FROM rn.tb_item i JOIN rn.tb_cat c ON c.pk_cat = i.fk_cat;
-- The oracle reads an ordinary view of the test's own, which follows relations by oid (as the
-- TVIEW must) and lives outside the schema that will be renamed.
CREATE VIEW rn_oracle AS
SELECT i.pk_item, jsonb_build_object('title', i.title, 'cat', c.name) AS data
  FROM rn.tb_item i JOIN rn.tb_cat c ON c.pk_cat = i.fk_cat;
SELECT oracle_register('rn.tv_item', 'SELECT * FROM rn_oracle');

-- Warm every cached statement: item writes (local), category writes (mapped through tb_item).
UPDATE rn.tb_item SET title = 'a1' WHERE pk_item = 1;
UPDATE rn.tb_cat SET name = 'Books' WHERE pk_cat = 1;
SELECT oracle_check();

-- The hop table of the category mapping is renamed, and a decoy takes its old name.
ALTER TABLE rn.tb_item RENAME TO tb_item_old;
CREATE TABLE rn.tb_item (pk_item int PRIMARY KEY, fk_cat int NOT NULL, title text NOT NULL);
INSERT INTO rn.tb_item VALUES (1, 2, 'decoy');
UPDATE rn.tb_cat SET name = 'BOOKS' WHERE pk_cat = 1;
UPDATE rn.tb_cat SET name = 'Tools' WHERE pk_cat = 2;
UPDATE rn.tb_item_old SET title = 'b1' WHERE pk_item = 2;
SELECT pk_item, data FROM rn.tv_item ORDER BY pk_item;
SELECT oracle_check();

-- The schema is renamed: every spelled name changes at once.
ALTER SCHEMA rn RENAME TO rn2;
UPDATE rn2.tb_cat SET name = 'tools!' WHERE pk_cat = 2;
INSERT INTO rn2.tb_item_old VALUES (4, 2, 'd');
SELECT pk_item, data FROM rn2.tv_item ORDER BY pk_item;
SELECT oracle_check();

-- The TVIEW table itself is renamed.
ALTER TABLE rn2.tv_item RENAME TO tv_thing;
SELECT tview FROM pg_tviews WHERE tview LIKE 'rn2.%';
SELECT public.error_of('UPDATE rn2.tb_item_old SET title = ''e'' WHERE pk_item = 4');
ALTER TABLE rn2.tv_thing RENAME TO tv_item;
UPDATE rn2.tb_item_old SET title = 'e' WHERE pk_item = 4;
SELECT oracle_check();

SET client_min_messages = warning;
DROP SCHEMA rn2 CASCADE;
RESET client_min_messages;
