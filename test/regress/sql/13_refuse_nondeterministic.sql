-- Non-deterministic or session-dependent definitions are refused (42P17) unless the TVIEW is
-- created with options '{"allow_nondeterministic": true}'; bad options are 22023.
\set SHOW_CONTEXT never
CREATE TABLE tb_nd (pk_nd int PRIMARY KEY, v text, at timestamptz);
INSERT INTO tb_nd VALUES (1, 'a', '2024-01-01 00:00+00'), (2, 'b', '2024-06-01 00:00+00');
CREATE SEQUENCE nd_seq;
CREATE FUNCTION nd_volatile(int) RETURNS int LANGUAGE sql VOLATILE AS 'SELECT $1';
CREATE FUNCTION nd_immutable(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';

CREATE TABLE tv_nd AS SELECT pk_nd, random() AS r FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, now() AS t FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, at < now() AS past FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd FROM tb_nd WHERE at < clock_timestamp();
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, current_setting('search_path') AS s FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, CURRENT_USER AS u FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, session_user AS u FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, CURRENT_TIMESTAMP AS t FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, CURRENT_DATE AS d FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, nextval('nd_seq') AS n FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, gen_random_uuid() AS id FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, nd_volatile(pk_nd) AS x FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE tv_nd AS SELECT pk_nd, pg_backend_pid() AS pid FROM tb_nd;
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd, now() AS t FROM tb_nd');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_nd', 'tb_nd');

-- Bad options.
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '{"allow_nondeterministic": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '{"allow_nondeterministic": "yes"}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '{"allow_nondeterministic": null}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '{"no_such_option": true}');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '[true]');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_create('nd', 'SELECT pk_nd FROM tb_nd', '"allow_nondeterministic"');
\echo :LAST_ERROR_SQLSTATE
SELECT leftovers('tv_nd', 'tb_nd');

-- Immutable and stable-but-deterministic expressions are fine.
SELECT create_tview('nd_ok', 'SELECT pk_nd AS pk_nd_ok, nd_immutable(pk_nd) AS x, upper(v) AS v, at + interval ''1 day'' AS next FROM tb_nd');
SELECT oracle_check();
UPDATE tb_nd SET v = 'z' WHERE pk_nd = 1;
SELECT oracle_check();

-- Opting in: accepted, the option is recorded, and the TVIEW is maintained.
SELECT pg_tviews_create('nd', 'SELECT pk_nd, v, CURRENT_USER AS refreshed_by FROM tb_nd', '{"allow_nondeterministic": true}');
SELECT oracle_register('tv_nd', 'SELECT pk_nd, v, CURRENT_USER AS refreshed_by FROM tb_nd');
SELECT options FROM pg_tviews WHERE tview = 'tv_nd';
SELECT oracle_check();
INSERT INTO tb_nd VALUES (3, 'c', '2024-09-01 00:00+00');
SELECT oracle_check();
UPDATE tb_nd SET v = 'y' WHERE pk_nd = 2;
SELECT oracle_check();
SELECT pk_nd, v, refreshed_by = CURRENT_USER AS by_me FROM tv_nd ORDER BY pk_nd;
-- Explicitly false is the default: refused.
SELECT pg_tviews_create('nd2', 'SELECT pk_nd AS pk_nd2, now() AS t FROM tb_nd', '{"allow_nondeterministic": false}');
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('tv_nd2') AS tv_nd2, count(*) AS catalog_rows FROM pg_tviews WHERE entity = 'nd2';

DROP TABLE tv_nd, tv_nd_ok;
DROP TABLE tb_nd;
DROP SEQUENCE nd_seq;
DROP FUNCTION nd_volatile(int), nd_immutable(int);
SELECT oracle_check();
