-- DROP EXTENSION pg_tviews CASCADE leaves nothing behind: no TVIEW tables, no internal schema,
-- no capture triggers, no event trigger; the base tables remain and work. Runs last, and
-- recreates the extension so that the suite can run again.
\set SHOW_CONTEXT never
CREATE TABLE tb_ext (pk_ext int PRIMARY KEY, v text);
CREATE TABLE tb_ext2 (pk_ext2 int PRIMARY KEY, v text);
INSERT INTO tb_ext VALUES (1, 'a');
INSERT INTO tb_ext2 VALUES (1, 'a');
CREATE TABLE tv_ext AS SELECT pk_ext, v FROM tb_ext;
SELECT oracle_register('tv_ext', 'SELECT pk_ext, v FROM tb_ext');
CREATE TABLE tv_ext_b AS SELECT pk_ext AS pk_ext_b FROM tb_ext;
SELECT oracle_register('tv_ext_b', 'SELECT pk_ext AS pk_ext_b FROM tb_ext');
SELECT create_tview('ext2', 'SELECT pk_ext2, upper(v) AS v FROM tb_ext2');
SELECT oracle_check();
SELECT tview FROM pg_tviews WHERE tview LIKE 'tv\_ext%' ORDER BY tview;

-- Without CASCADE: refused, because the TVIEWs depend on the extension.
\set VERBOSITY terse
DROP EXTENSION pg_tviews;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT count(*) AS tviews FROM pg_tviews WHERE tview LIKE 'tv\_ext%';

-- (The NOTICE lists every dependent object of the whole database: not shown.)
SET client_min_messages = warning;
DROP EXTENSION pg_tviews CASCADE;
RESET client_min_messages;
SELECT tviews_footprint();
SELECT to_regnamespace('tviews_internal') AS internal_schema;
SELECT count(*) AS tviews_triggers FROM pg_trigger WHERE tgname LIKE 'pg\_tviews\_%';
SELECT count(*) AS event_triggers FROM pg_event_trigger WHERE evtname LIKE 'pg\_tviews%';
SELECT count(*) AS functions FROM pg_proc WHERE proname LIKE 'pg\_tviews\_%';
SELECT to_regclass('pg_tviews') AS catalog_view;
SELECT to_regclass('tb_ext') AS tb_ext, to_regclass('tb_ext2') AS tb_ext2;

-- Base tables are plain tables again.
INSERT INTO tb_ext VALUES (2, 'b');
UPDATE tb_ext2 SET v = 'z';
TRUNCATE tb_ext;
SELECT count(*) FROM tb_ext;
-- Without the extension a tv_ CTAS is an ordinary table.
CREATE TABLE tv_ext AS SELECT pk_ext, v FROM tb_ext;
DROP TABLE tv_ext;
SELECT oracle_check();

-- Recreated: TVIEWs work again.
CREATE EXTENSION pg_tviews;
CREATE TABLE tv_ext AS SELECT pk_ext2 AS pk_ext, v FROM tb_ext2;
SELECT oracle_register('tv_ext', 'SELECT pk_ext2 AS pk_ext, v FROM tb_ext2');
INSERT INTO tb_ext2 VALUES (2, 'b');
SELECT oracle_check();
SELECT * FROM tv_ext ORDER BY pk_ext;
DROP TABLE tv_ext;
SELECT tviews_footprint();

DROP TABLE tb_ext, tb_ext2;
SELECT oracle_check();
