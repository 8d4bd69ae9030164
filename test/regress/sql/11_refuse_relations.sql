-- A TVIEW reads ordinary tables whose writes can be captured: materialized views, foreign
-- tables, partitioned tables, temporary tables and inheritance parents are refused (0A000),
-- also when reached through a view, and leave nothing behind.
\set SHOW_CONTEXT never
CREATE TABLE tb_rel (pk_rel int PRIMARY KEY, v text);
INSERT INTO tb_rel VALUES (1, 'a'), (2, 'b');

CREATE MATERIALIZED VIEW mv_rel AS SELECT * FROM tb_rel;
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM mv_rel;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'mv_rel');

CREATE FOREIGN DATA WRAPPER rel_fdw;
CREATE SERVER rel_server FOREIGN DATA WRAPPER rel_fdw;
CREATE FOREIGN TABLE ft_rel (pk_rel int, v text) SERVER rel_server;
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM ft_rel;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'ft_rel');

CREATE TABLE pt_rel (pk_rel int PRIMARY KEY, v text) PARTITION BY RANGE (pk_rel);
CREATE TABLE pt_rel_1 PARTITION OF pt_rel FOR VALUES FROM (0) TO (100);
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM pt_rel;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'pt_rel');

CREATE TEMPORARY TABLE tt_rel (pk_rel int PRIMARY KEY, v text);
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM tt_rel;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'tt_rel');

CREATE TABLE inh_rel (pk_rel int, v text);
CREATE TABLE inh_rel_child (extra int) INHERITS (inh_rel);
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM inh_rel;
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'inh_rel');

-- A view over one of them is refused for what it reads.
CREATE VIEW vw_rel AS SELECT * FROM mv_rel;
\set VERBOSITY sqlstate
CREATE TABLE tv_rel AS SELECT pk_rel, v FROM vw_rel;
\set VERBOSITY default
SELECT leftovers('tv_rel', 'mv_rel');

-- The same through pg_tviews_create().
SELECT pg_tviews_create('rel', 'SELECT pk_rel, v FROM ft_rel');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('rel', 'SELECT pk_rel, v FROM pt_rel');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_rel', 'tb_rel');
SELECT count(*) AS tviews FROM pg_tviews WHERE entity = 'rel';

INSERT INTO tb_rel VALUES (3, 'c');
SELECT oracle_check();

DROP TABLE inh_rel CASCADE;
DROP TABLE tt_rel;
DROP TABLE pt_rel;
DROP FOREIGN TABLE ft_rel;
DROP SERVER rel_server;
DROP FOREIGN DATA WRAPPER rel_fdw;
DROP VIEW vw_rel;
DROP MATERIALIZED VIEW mv_rel;
DROP TABLE tb_rel;
SELECT oracle_check();
