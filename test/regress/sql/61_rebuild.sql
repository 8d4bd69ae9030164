-- pg_tviews_rebuild(): a TVIEW recomputed in key-ordered chunks of the keys its definition
-- produces or its table holds, one committed transaction per chunk, recorded in
-- pg_tviews_progress. pg_regress runs each CALL outside a transaction block, so it may commit.
-- Direct writes into the TVIEW table damage it; the oracle says whether it was repaired.
\set SHOW_CONTEXT never
CREATE TABLE l61_post (pk_post int PRIMARY KEY, title text NOT NULL);
INSERT INTO l61_post SELECT g, 'title ' || g FROM generate_series(1, 10) g;
SELECT create_tview('tv_l61_post', 'SELECT p.pk_post AS pk_l61_post, p.title FROM l61_post p');
-- A TVIEW reading it: rebuilt rows cascade.
SELECT create_tview('tv_l61_len', 'SELECT t.pk_l61_post AS pk_l61_len, length(t.title) AS len FROM tv_l61_post t');

-- Damage: two wrong rows, two missing rows (keys only the definition produces: 4 and the last
-- one, 10) and two stray rows (keys only the table holds: 0 before the first, 6000 after the last).
CREATE FUNCTION l61_damage() RETURNS text LANGUAGE sql AS $$
    UPDATE tv_l61_post SET title = 'wrong' WHERE pk_l61_post IN (2, 8);
    DELETE FROM tv_l61_post WHERE pk_l61_post IN (4, 10);
    INSERT INTO tv_l61_post VALUES (0, 'stray'), (6000, 'stray');
    SELECT oracle_check();
$$;

-- The runs of one TVIEW, numbered from 1, with the counts that must be exact.
CREATE FUNCTION l61_runs(tv text) RETURNS TABLE (run bigint, state text, chunk_size integer,
    chunks_done bigint, keys_done bigint, rows_refreshed bigint, last_key text, lo text, hi text,
    resumed boolean, error_sqlstate text, error text)
LANGUAGE sql AS $$
    SELECT row_number() OVER (ORDER BY p.run_id), p.state, p.chunk_size, p.chunks_done,
           p.keys_done, p.rows_refreshed, p.last_key, p.lo, p.hi, p.resumed_from IS NOT NULL,
           p.error_sqlstate, p.error
      FROM pg_tviews_progress p WHERE p.entity_name = tv ORDER BY p.run_id
$$;

-- Chunks of 1, 3 and more keys than there are: 12 keys (0, 1..10, 6000) each time, so 12, 4
-- and 1 chunks; 10 rows produced by the definition.
SELECT l61_damage();
CALL pg_tviews_rebuild('tv_l61_post', 1);
SELECT oracle_check(), pg_tviews_verify('tv_l61_post') AS verified;
SELECT l61_damage();
CALL pg_tviews_rebuild('l61_post', chunk_size => 3);
SELECT oracle_check(), pg_tviews_verify('tv_l61_post') AS verified;
SELECT l61_damage();
ANALYZE tv_l61_post;
CALL pg_tviews_rebuild('public.tv_l61_post');
SELECT oracle_check(), pg_tviews_verify('tv_l61_post') AS verified;
SELECT * FROM l61_runs('tv_l61_post');
-- The last run: an estimate from the statistics of the 12 rows, a finished run at 100%, and
-- nothing left by any run.
SELECT keys_estimate, percent_done, estimated_completion = finished_at AS completion_is_finish,
       keys_per_second > 0 AS has_rate, pid = pg_backend_pid() AS this_session
  FROM pg_tviews_progress WHERE entity_name = 'tv_l61_post' ORDER BY run_id DESC LIMIT 1;
SELECT count(*) AS runs_not_done FROM pg_tviews_progress WHERE state <> 'done';

-- A key range, in chunks of 2: keys 2..5 of the union (2, 3, 4 only in the definition, 5) are
-- repaired; every row outside keeps its damage and its very row version (xmin).
SELECT l61_damage();
CREATE TABLE l61_before AS SELECT pk_l61_post AS pk, xmin::text AS row_xmin, title FROM tv_l61_post;
CALL pg_tviews_rebuild('tv_l61_post', 2, lo => '2', hi => '5');
SELECT pk_l61_post, title FROM tv_l61_post ORDER BY 1;
SELECT count(*) AS outside_rows,
       count(*) FILTER (WHERE b.row_xmin = t.xmin::text AND b.title = t.title) AS untouched
  FROM l61_before b JOIN tv_l61_post t ON t.pk_l61_post = b.pk
 WHERE b.pk NOT BETWEEN 2 AND 5;
SELECT * FROM l61_runs('tv_l61_post') WHERE lo IS NOT NULL;
-- Ranges open on one side; then everything is right again.
CALL pg_tviews_rebuild('tv_l61_post', 4, hi => '1');
SELECT pk_l61_post, title FROM tv_l61_post WHERE pk_l61_post <= 1 ORDER BY 1;
CALL pg_tviews_rebuild('tv_l61_post', 4, lo => '6');
SELECT oracle_check();
SELECT run, chunks_done, keys_done, rows_refreshed, last_key, lo, hi
  FROM l61_runs('tv_l61_post') WHERE run > 4;

-- A text key (C collation order: upper case first) and a uuid key.
CREATE TABLE l61_tag (name text PRIMARY KEY, uses int NOT NULL);
INSERT INTO l61_tag VALUES ('alpha', 1), ('Beta', 2), ('gamma', 3), ('delta', 4), ('Epsilon', 5);
SELECT create_tview('tv_l61_tag', 'SELECT t.name AS pk_l61_tag, t.uses FROM l61_tag t');
UPDATE tv_l61_tag SET uses = -1;
DELETE FROM tv_l61_tag WHERE pk_l61_tag = 'gamma';
INSERT INTO tv_l61_tag VALUES ('zzz', 0);
SELECT oracle_check();
CALL pg_tviews_rebuild('tv_l61_tag', 2, lo => 'Epsilon', hi => 'delta');
SELECT pk_l61_tag, uses FROM tv_l61_tag ORDER BY 1;
CALL pg_tviews_rebuild('tv_l61_tag', 2);
SELECT oracle_check();
SELECT run, chunks_done, keys_done, rows_refreshed, last_key, lo, hi FROM l61_runs('tv_l61_tag');

CREATE TABLE l61_doc (id uuid PRIMARY KEY, body text NOT NULL);
INSERT INTO l61_doc
SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'body ' || g
  FROM generate_series(1, 7) g;
SELECT create_tview('tv_l61_doc', 'SELECT d.id AS pk_l61_doc, d.body FROM l61_doc d');
UPDATE tv_l61_doc SET body = 'wrong';
DELETE FROM tv_l61_doc WHERE pk_l61_doc = '00000000-0000-0000-0000-000000000007';
SELECT oracle_check();
CALL pg_tviews_rebuild('tv_l61_doc', 3, lo => '00000000-0000-0000-0000-000000000002',
                       hi => '00000000-0000-0000-0000-000000000004');
SELECT right(pk_l61_doc::text, 2) AS key, body FROM tv_l61_doc ORDER BY 1;
CALL pg_tviews_rebuild('tv_l61_doc', 3);
SELECT oracle_check();
SELECT run, chunks_done, keys_done, rows_refreshed, right(last_key, 2) AS last_key FROM l61_runs('tv_l61_doc');

-- A failing chunk rolls back that chunk only: the chunks before it stay committed, the run is
-- recorded as failed with the error's SQLSTATE, and the error reaches the caller unchanged.
-- Here the TVIEW table refuses the title 'boom' that the definition produces for key 7.
UPDATE l61_post SET title = 'boom' WHERE pk_post = 7;
SELECT l61_damage();
UPDATE tv_l61_post SET title = 'not boom' WHERE pk_l61_post = 7;
ALTER TABLE tv_l61_post ADD CONSTRAINT l61_no_boom CHECK (title <> 'boom');
\set VERBOSITY default
CALL pg_tviews_rebuild('tv_l61_post', 3);
\echo SQLSTATE :SQLSTATE
\set VERBOSITY terse
-- Keys 0..5 (chunks 1 and 2) repaired; key 8 (in the failed chunk 6..8) and the rest not.
SELECT pk_l61_post, title FROM tv_l61_post ORDER BY 1;
SELECT run, state, chunks_done, keys_done, last_key, error_sqlstate, error
  FROM l61_runs('tv_l61_post') ORDER BY run DESC LIMIT 1;
-- Resumed after the cause is gone: a new run continues after key 5.
ALTER TABLE tv_l61_post DROP CONSTRAINT l61_no_boom;
CALL pg_tviews_rebuild('tv_l61_post', 3, resume => true);
SELECT oracle_check();
SELECT run, state, chunks_done, keys_done, rows_refreshed, last_key, resumed, error_sqlstate
  FROM l61_runs('tv_l61_post') ORDER BY run DESC LIMIT 2;
SELECT p.resumed_from = f.run_id AS resumes_the_failed_run
  FROM pg_tviews_progress p, LATERAL (SELECT run_id FROM pg_tviews_progress
                                      WHERE entity_name = 'tv_l61_post' AND state = 'failed'
                                      ORDER BY run_id DESC LIMIT 1) f
 WHERE p.entity_name = 'tv_l61_post' ORDER BY p.run_id DESC LIMIT 1;
-- Nothing left to resume now.
CALL pg_tviews_rebuild('tv_l61_post', resume => true);

-- A run whose session ended while it ran still says running in the history; the view shows it
-- as interrupted (its session does not hold the TVIEW's rebuild lock), the next run records
-- that, and resume continues it.
UPDATE tv_l61_post SET title = 'wrong' WHERE pk_l61_post IN (3, 9);
INSERT INTO tviews_internal.rebuild_run (tview, pid, started_at, updated_at, chunk_size, pause,
                                         chunks_done, keys_done, last_key)
VALUES ('tv_l61_post', pg_backend_pid(), now(), now(), 4, '0', 2, 8, '6');
SELECT state FROM pg_tviews_progress WHERE entity_name = 'tv_l61_post' ORDER BY run_id DESC LIMIT 1;
CALL pg_tviews_rebuild('tv_l61_post', 4, resume => true);
SELECT run, state, chunks_done, keys_done, last_key, resumed
  FROM l61_runs('tv_l61_post') ORDER BY run DESC LIMIT 2;
-- Key 3 lay before the interrupted run's last key: the resumed run leaves it alone.
SELECT pk_l61_post, title FROM tv_l61_post WHERE pk_l61_post IN (3, 9) ORDER BY 1;
CALL pg_tviews_rebuild('tv_l61_post', 100);
SELECT oracle_check();

-- Refusals, each before any work: no run is recorded for them.
CREATE TABLE l61_count AS SELECT count(*) AS runs FROM tviews_internal.rebuild_run;
\set VERBOSITY default
BEGIN;
CALL pg_tviews_rebuild('tv_l61_post');
\echo SQLSTATE :SQLSTATE
ROLLBACK;
CALL pg_tviews_rebuild('tv_l61_post', 0);
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_post', NULL);
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_post', pause => '-1 s');
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_nothing');
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild(NULL);
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_post', lo => '5', hi => '2');
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_post', lo => 'five');
\echo SQLSTATE :SQLSTATE
CALL pg_tviews_rebuild('tv_l61_post', lo => '1', resume => true);
\echo SQLSTATE :SQLSTATE
SELECT pg_tviews_suspend('tv_l61_post');
CALL pg_tviews_rebuild('tv_l61_post');
\echo SQLSTATE :SQLSTATE
SELECT pg_tviews_resume('tv_l61_post');
-- Another rebuild of the same TVIEW holds its lock (a prepared transaction stands in for it).
BEGIN;
SELECT pg_advisory_xact_lock((29814::bigint << 32) | 'tv_l61_post'::regclass::oid::bigint);
PREPARE TRANSACTION 'l61_rebuild';
CALL pg_tviews_rebuild('tv_l61_post');
\echo SQLSTATE :SQLSTATE
ROLLBACK PREPARED 'l61_rebuild';
\set VERBOSITY terse
SELECT (SELECT count(*) FROM tviews_internal.rebuild_run) - runs AS new_runs FROM l61_count;
-- The lock is free again, and released after every run above: this one proceeds.
CALL pg_tviews_rebuild('tv_l61_post');
SELECT count(*) AS rebuild_locks_held FROM pg_locks WHERE locktype = 'advisory' AND classid = 29814;

-- Bounded history: the newest 100 runs of each TVIEW are kept.
CREATE TABLE l61_one (pk_one int PRIMARY KEY);
INSERT INTO l61_one VALUES (1);
SELECT create_tview('tv_l61_one', 'SELECT o.pk_one AS pk_l61_one FROM l61_one o');
DO $$
BEGIN
    FOR i IN 1..102 LOOP
        CALL pg_tviews_rebuild('tv_l61_one');
    END LOOP;
END $$;
SELECT count(*) AS runs, sum(keys_done) AS keys FROM pg_tviews_progress WHERE entity_name = 'tv_l61_one';

-- Dropping a TVIEW drops its history.
CREATE TABLE l61_count_all AS SELECT count(*) AS runs FROM tviews_internal.rebuild_run;
DROP TABLE tv_l61_one;
SELECT runs - (SELECT count(*) FROM tviews_internal.rebuild_run) AS runs_dropped FROM l61_count_all;

DROP TABLE l61_post, l61_tag, l61_doc, l61_one, l61_before, l61_count, l61_count_all CASCADE;
DROP FUNCTION l61_damage(), l61_runs(text);
