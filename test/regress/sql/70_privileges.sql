-- The privilege model (docs/security.md), as real deployments run: an owner role that owns the
-- schema and its TVIEWs, an application role that only writes base tables, a reader of one
-- TVIEW, and an attacker who owns a schema of its own. Every statement run as one of them is
-- schema-qualified, with search_path pinned (or, for the attacker, hostile on purpose).
CREATE ROLE regress_owner;
CREATE ROLE regress_app;
CREATE ROLE regress_reader;
CREATE ROLE regress_attacker;
CREATE SCHEMA app AUTHORIZATION regress_owner;
CREATE SCHEMA evil AUTHORIZATION regress_attacker;

-- The owner builds its schema and TVIEWs holding no right on the extension's catalog.
SET ROLE regress_owner;
SET search_path = pg_catalog, pg_temp;
CREATE TABLE app.tb_author (pk_author int PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.tb_post (pk_post int PRIMARY KEY,
                          fk_author int NOT NULL REFERENCES app.tb_author,
                          title text NOT NULL, score int NOT NULL DEFAULT 0);
CREATE TABLE app.tb_comment (pk_comment int PRIMARY KEY,
                             fk_post int NOT NULL REFERENCES app.tb_post ON DELETE CASCADE,
                             body text NOT NULL);
CREATE INDEX ON app.tb_post (fk_author);
CREATE INDEX ON app.tb_comment (fk_post);
INSERT INTO app.tb_author VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO app.tb_post VALUES (1, 1, 'Hello', 3), (2, 1, 'Again', 1), (3, 2, 'Bob here', 5);
INSERT INTO app.tb_comment VALUES (1, 1, 'first'), (2, 1, 'second'), (3, 3, 'hi Bob');
-- A document joining the author and nesting comments; an aggregate per author; a TVIEW that
-- reads a TVIEW (refreshed in cascade).
CREATE TABLE app.tv_post AS
SELECT p.pk_post,
       jsonb_build_object('title', p.title, 'author', a.name,
           'comments', (SELECT coalesce(jsonb_agg(c.body ORDER BY c.pk_comment), '[]'::jsonb)
                          FROM app.tb_comment c WHERE c.fk_post = p.pk_post)) AS data
  FROM app.tb_post p JOIN app.tb_author a ON a.pk_author = p.fk_author;
SELECT public.pg_tviews_create('app.author_stats',
    $$SELECT p.fk_author AS pk_author_stats, count(*) AS posts, sum(p.score) AS score
        FROM app.tb_post p GROUP BY p.fk_author$$);
SELECT public.pg_tviews_create('app.tv_author',
    $$SELECT a.pk_author, a.name, s.posts
        FROM app.tb_author a JOIN app.tv_author_stats s ON s.pk_author_stats = a.pk_author$$);
SELECT c.relname, pg_catalog.pg_get_userbyid(c.relowner) AS owner
  FROM pg_catalog.pg_class c
 WHERE c.oid IN ('app.tv_post'::regclass, 'app.tv_author_stats'::regclass,
                 'app.tv_author'::regclass,
                 (SELECT t.definition_view::regclass FROM public.pg_tviews t WHERE t.tview = 'app.tv_post'))
 ORDER BY 1;
GRANT USAGE ON SCHEMA app TO regress_app, regress_reader, regress_attacker;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.tb_post, app.tb_comment TO regress_app;
GRANT SELECT ON app.tv_post TO regress_reader;
GRANT SELECT, INSERT, UPDATE ON app.tb_post TO regress_attacker;
RESET ROLE;
RESET search_path;
SELECT oracle_register('app.tv_post',
    $$SELECT p.pk_post,
       jsonb_build_object('title', p.title, 'author', a.name,
           'comments', (SELECT coalesce(jsonb_agg(c.body ORDER BY c.pk_comment), '[]'::jsonb)
                          FROM app.tb_comment c WHERE c.fk_post = p.pk_post)) AS data
  FROM app.tb_post p JOIN app.tb_author a ON a.pk_author = p.fk_author$$);
SELECT oracle_register('app.tv_author_stats',
    $$SELECT p.fk_author AS pk_author_stats, count(*) AS posts, sum(p.score) AS score
        FROM app.tb_post p GROUP BY p.fk_author$$);
SELECT oracle_register('app.tv_author',
    $$SELECT a.pk_author, a.name, s.posts
        FROM app.tb_author a JOIN app.tv_author_stats s ON s.pk_author_stats = a.pk_author$$);
SELECT oracle_check();

-- The application writes base tables; the TVIEW work its writes cause runs as the owner. It
-- holds no right on the TVIEWs, on tb_author (read by the definitions), or on the catalog.
SET ROLE regress_app;
SET search_path = pg_catalog, pg_temp;
INSERT INTO app.tb_post VALUES (4, 2, 'New', 2);
UPDATE app.tb_post SET title = 'Hello, world', score = score + 1 WHERE pk_post = 1;
INSERT INTO app.tb_comment VALUES (4, 4, 'welcome');
DELETE FROM app.tb_comment WHERE pk_comment = 2;
UPDATE app.tb_post SET fk_author = 2 WHERE pk_post = 2;
DELETE FROM app.tb_post WHERE pk_post = 3;
BEGIN;
UPDATE app.tb_post SET score = 100 WHERE pk_post = 4;
ROLLBACK;
SELECT public.error_of('SELECT * FROM app.tv_post');
RESET ROLE;
RESET search_path;
SELECT oracle_check();
SELECT pk_post, data FROM app.tv_post ORDER BY pk_post;
SELECT * FROM app.tv_author ORDER BY pk_author;

-- Managing a TVIEW requires owning it: every management function refuses the application with
-- 42501, before it does anything.
SET ROLE regress_app;
SET search_path = pg_catalog, pg_temp;
SELECT s.statement, public.error_of(s.statement) AS outcome
  FROM (VALUES ('SELECT public.pg_tviews_refresh(''app.tv_post'')'),
               ('SELECT public.pg_tviews_refresh(''app.tv_post'', force => true)'),
               ('SELECT public.pg_tviews_refresh(''app.tv_post'', 1)'),
               ('SELECT public.pg_tviews_refresh_row(''app.tv_post'', 1)'),
               ('SELECT public.pg_tviews_refresh_range(''app.tv_post'', 1, 2)'),
               ('SELECT public.pg_tviews_cascade(''app.tb_post''::regclass, 1)'),
               ('SELECT public.pg_tviews_suspend(''app.tv_post'')'),
               ('SELECT public.pg_tviews_suspend()'),
               ('SELECT public.pg_tviews_resume(''app.tv_post'')'),
               ('SELECT public.pg_tviews_resume()'),
               ('SELECT public.pg_tviews_stats_reset(''app.tv_post'')'),
               ('SELECT public.pg_tviews_stats_reset()'),
               ('SELECT public.pg_tviews_stats_reset_oid(''app.tv_post''::regclass::oid)'),
               ('SELECT public.pg_tviews_install_stmt_triggers()'),
               ('SELECT public.pg_tviews_drop(''app.tv_post'')'),
               ('DROP TABLE app.tv_post'),
               ('SELECT public.pg_tviews_verify(''app.tv_post'')'),
               ('SELECT public.pg_tviews_selftest(''cxx'')'),
               ('ALTER TABLE app.tb_post DISABLE TRIGGER pg_tviews_capture_update'),
               ('DELETE FROM tviews_internal.backlog'),
               ('UPDATE tviews_internal.tview SET suspended_at = now()'),
               ('INSERT INTO tviews_internal.rebuild_run (tview, pid, started_at, updated_at, chunk_size, pause) VALUES (''app.tv_post'', 1, now(), now(), 1, ''0'')')
       ) AS s(statement);
RESET ROLE;
-- A procedure: called on its own (it commits).
SET ROLE regress_app;
CALL public.pg_tviews_rebuild('app.tv_post');
RESET ROLE;
RESET search_path;
SELECT t.entity_name, t.suspended FROM public.pg_tviews_metadata t ORDER BY 1;
SELECT oracle_check();

-- The reader reads its TVIEW and may verify it; catalog views show it the TVIEWs it may read.
SET ROLE regress_reader;
SET search_path = pg_catalog, pg_temp;
SELECT pk_post FROM app.tv_post ORDER BY 1;
SELECT public.pg_tviews_verify('app.tv_post');
SELECT tview FROM public.pg_tviews ORDER BY 1;
SELECT entity_name, status FROM public.pg_tviews_metadata ORDER BY 1;
SELECT tview FROM public.pg_tviews_stats ORDER BY 1;
SELECT entity FROM public.pg_tview_meta ORDER BY 1;
SELECT parent_tview, child_tview FROM public.pg_tviews_dependencies ORDER BY 1, 2;
SELECT check_name, status FROM public.pg_tviews_health_check() WHERE status <> 'OK' ORDER BY 1;
SELECT count(*) FROM public.pg_tviews_get_queue();
SELECT public.error_of('SELECT public.pg_tviews_verify(''app.tv_author'')');
RESET ROLE;
RESET search_path;

-- Creating a TVIEW takes SELECT on what it reads and CREATE on its schema, as CREATE TABLE AS
-- does, and TRIGGER on the tables it reads: its refreshes run inside their writers.
SET ROLE regress_attacker;
SET search_path = pg_catalog, pg_temp;
SELECT public.error_of($$SELECT public.pg_tviews_create('evil.spy', 'SELECT p.pk_post AS pk_spy, p.title FROM app.tb_post p')$$);
SELECT public.error_of($$CREATE TABLE evil.tv_spy2 AS SELECT p.pk_post AS pk_spy2 FROM app.tb_post p$$);
SELECT public.error_of($$SELECT public.pg_tviews_create('app.spy', 'SELECT p.pk_post AS pk_spy FROM app.tb_post p')$$);
RESET ROLE;
SELECT count(*) AS leftovers FROM pg_catalog.pg_class WHERE relname IN ('tv_spy', 'tv_spy2');
SET ROLE regress_owner;
GRANT TRIGGER ON app.tb_post TO regress_attacker;
RESET ROLE;
SET ROLE regress_attacker;
SELECT public.pg_tviews_create('evil.spy', 'SELECT p.pk_post AS pk_spy, p.title FROM app.tb_post p');
RESET ROLE;
RESET search_path;
SELECT oracle_register('evil.tv_spy', 'SELECT p.pk_post AS pk_spy, p.title FROM app.tb_post p');

-- The attacker shadows every operator, function and table our SQL uses, in a schema it puts
-- first in its search_path (pg_catalog listed after it), and in pg_temp. Each shadow records
-- the role that runs it and tries to make the attacker a superuser.
SET ROLE regress_attacker;
SET search_path = pg_catalog, pg_temp;
CREATE TABLE evil.calls (who name NOT NULL, what text NOT NULL);
GRANT USAGE ON SCHEMA evil TO PUBLIC;
GRANT INSERT, SELECT ON evil.calls TO PUBLIC;
CREATE FUNCTION evil.gotcha(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO evil.calls VALUES (current_user, what);
    BEGIN
        EXECUTE 'ALTER ROLE regress_attacker SUPERUSER';
        INSERT INTO evil.calls VALUES (current_user, 'escalated through ' || what);
    EXCEPTION WHEN OTHERS THEN
        NULL;
    END;
END $$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['regclass', 'integer', 'bigint', 'text', 'uuid', 'jsonb', 'oid', 'name'] LOOP
        EXECUTE format($f$CREATE FUNCTION evil.eq(%1$s, %1$s) RETURNS boolean LANGUAGE plpgsql AS
                        'BEGIN PERFORM evil.gotcha(''= %1$s''); RETURN $1::text OPERATOR(pg_catalog.=) $2::text; END'$f$, t);
        EXECUTE format('CREATE OPERATOR evil.= (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = evil.eq)', t);
        EXECUTE format($f$CREATE FUNCTION evil.ne(%1$s, %1$s) RETURNS boolean LANGUAGE plpgsql AS
                        'BEGIN PERFORM evil.gotcha(''<> %1$s''); RETURN $1::text OPERATOR(pg_catalog.<>) $2::text; END'$f$, t);
        EXECUTE format('CREATE OPERATOR evil.<> (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = evil.ne)', t);
    END LOOP;
    -- No pg_catalog operator takes exactly these pairs: the classic exact-match hijack.
    EXECUTE $f$CREATE FUNCTION evil.eq_oid_int(oid, integer) RETURNS boolean LANGUAGE plpgsql AS
              'BEGIN PERFORM evil.gotcha(''= oid, integer''); RETURN $1 OPERATOR(pg_catalog.=) $2::oid; END'$f$;
    CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = evil.eq_oid_int);
    EXECUTE $f$CREATE FUNCTION evil.eq_oid_regclass(oid, regclass) RETURNS boolean LANGUAGE plpgsql AS
              'BEGIN PERFORM evil.gotcha(''= oid, regclass''); RETURN $1 OPERATOR(pg_catalog.=) $2::oid; END'$f$;
    CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = evil.eq_oid_regclass);
    EXECUTE $f$CREATE FUNCTION evil.lt_int(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
              'BEGIN PERFORM evil.gotcha(''< integer''); RETURN $1 OPERATOR(pg_catalog.<) $2; END'$f$;
    CREATE OPERATOR evil.< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.lt_int);
END $$;
CREATE FUNCTION evil.count_step(bigint) RETURNS bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM evil.gotcha('count(*)'); RETURN $1 OPERATOR(pg_catalog.+) 1; END$$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
    $$BEGIN PERFORM evil.gotcha('unnest'); RETURN QUERY SELECT pg_catalog.unnest($1); END$$;
CREATE FUNCTION evil.jsonb_build_object(text, text) RETURNS jsonb LANGUAGE plpgsql AS
    $$BEGIN PERFORM evil.gotcha('jsonb_build_object'); RETURN '{}'; END$$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
    $$BEGIN PERFORM evil.gotcha('now'); RETURN pg_catalog.now(); END$$;
-- Same-named tables earlier in the path, and temporary ones.
CREATE TABLE evil.tb_post (pk_post int, fk_author int, title text, score int);
CREATE TABLE evil.tv_post (pk_post int, data jsonb);
CREATE TABLE evil.backlog (tview regclass, key text, reason text, entry_time timestamptz);
CREATE TEMP TABLE tv_post (pk_post int, data jsonb);
CREATE TEMP TABLE tb_post (pk_post int);
-- The hostile path: the attacker's schema before pg_catalog.
SET search_path = evil, pg_temp, pg_catalog, public;
-- Its own writes run its own operators as itself (recorded, harmless) ...
UPDATE app.tb_post SET score = score + 1 WHERE pk_post = 1;
INSERT INTO app.tb_post VALUES (20, 2, 'spam', 0);
INSERT INTO app.tb_post VALUES (21, 1, 'more spam', 0), (22, 2, 'and more', 7);
UPDATE app.tb_post SET fk_author = 1 WHERE pk_post OPERATOR(pg_catalog.=) 22;
RESET ROLE;
RESET search_path;
SELECT oracle_check();

-- ... while the owner suspends its TVIEWs (the backlog is written as the extension's owner).
SET ROLE regress_owner;
SET search_path = pg_catalog, pg_temp;
SELECT public.pg_tviews_suspend('app.tv_post');
SELECT public.pg_tviews_suspend('app.tv_author_stats');
RESET ROLE;
SET ROLE regress_attacker;
SET search_path = evil, pg_temp, pg_catalog, public;
INSERT INTO app.tb_post VALUES (23, 2, 'while suspended', 1);
UPDATE app.tb_post SET title = 'edited while suspended' WHERE pk_post OPERATOR(pg_catalog.=) 20;
RESET ROLE;
RESET search_path;
SELECT entity_name, key FROM pg_tviews_get_queue() ORDER BY 1, 2;

-- A careless owner whose search_path lists the attacker's schema first runs every management
-- function: all of them pin their own path, so none of the attacker's code runs as the owner.
SET ROLE regress_owner;
SET search_path = evil, pg_temp, pg_catalog, public;
SELECT public.pg_tviews_resume('app.tv_post');
SELECT public.pg_tviews_resume('app.tv_author_stats');
SELECT public.pg_tviews_refresh('app.tv_post', force => true);
SELECT public.pg_tviews_refresh_row('app.tv_post', 20);
SELECT public.pg_tviews_refresh('app.tv_author', 1);
SELECT public.pg_tviews_refresh_range('app.tv_post', 1, 30);
SELECT public.pg_tviews_cascade('app.tb_post'::regclass, 22);
SELECT public.pg_tviews_verify('app.tv_post');
SELECT public.pg_tviews_stats_reset('app.tv_post');
SELECT public.pg_tviews_plan('app.tv_post') OPERATOR(pg_catalog.?) 'sources' AS has_plan;
SELECT h.check_name FROM public.pg_tviews_health_check() h
 WHERE h.status OPERATOR(pg_catalog.<>) 'OK' ORDER BY 1;
RESET ROLE;
SET ROLE regress_owner;
SET search_path = evil, pg_temp, pg_catalog, public;
CALL public.pg_tviews_rebuild('app.tv_post', chunk_size => 2);
RESET ROLE;
RESET search_path;
SELECT oracle_check();

-- Nothing of the attacker's ever ran as another role, and it is no superuser.
SELECT who, what, count(*) FROM evil.calls WHERE who <> 'regress_attacker' GROUP BY 1, 2 ORDER BY 1, 2;
-- The shadows were live: the attacker's own statements ran them.
SELECT what FROM evil.calls WHERE who = 'regress_attacker' GROUP BY 1 ORDER BY 1;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_attacker';

-- An owner change carries over to the definition, so writes keep working and refreshes run as
-- the new owner.
CREATE ROLE regress_owner2;
GRANT USAGE ON SCHEMA app TO regress_owner2;
GRANT SELECT ON app.tb_post, app.tb_author, app.tb_comment TO regress_owner2;
ALTER TABLE app.tv_post OWNER TO regress_owner2;
SELECT pg_catalog.pg_get_userbyid(c.relowner) AS definition_owner
  FROM pg_catalog.pg_class c
 WHERE c.oid = (SELECT t.definition_view::regclass FROM public.pg_tviews t WHERE t.tview = 'app.tv_post');
SET ROLE regress_app;
SET search_path = pg_catalog, pg_temp;
UPDATE app.tb_post SET title = 'after the owner change' WHERE pk_post = 1;
RESET ROLE;
RESET search_path;
SELECT oracle_check();
SET ROLE regress_owner;
SELECT public.error_of('SELECT public.pg_tviews_refresh(''app.tv_post'')');
RESET ROLE;
SET ROLE regress_owner2;
SELECT public.pg_tviews_refresh('app.tv_post');
RESET ROLE;

-- The owner drops what it owns; the event trigger cleans the catalog as the extension's owner.
SET ROLE regress_owner;
SET search_path = pg_catalog, pg_temp;
SELECT public.pg_tviews_drop('app.tv_author');
DROP TABLE app.tv_author_stats;
RESET ROLE;
SET ROLE regress_attacker;
DROP TABLE evil.tv_spy;
RESET ROLE;
RESET search_path;
SELECT tview FROM pg_tviews WHERE tview LIKE 'app.%' OR tview LIKE 'evil.%' ORDER BY 1;

SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP SCHEMA app CASCADE;
RESET client_min_messages;
DROP OWNED BY regress_owner, regress_owner2, regress_app, regress_reader, regress_attacker;
DROP ROLE regress_owner, regress_owner2, regress_app, regress_reader, regress_attacker;
SELECT oracle_check();
