-- pg_tviews 0.1.0: transactional views (TVIEWs) kept fresh inside the writing transaction.
\echo Use "CREATE EXTENSION pg_tviews" to load this file. \quit

-- Internal schema: the catalog and one view per TVIEW holding its definition. The views are
-- ordinary PostgreSQL views, so renames, dependencies and pg_dump follow them for free.
CREATE SCHEMA tviews_internal;
COMMENT ON SCHEMA tviews_internal IS 'pg_tviews catalog and TVIEW definitions; do not edit by hand';

-- One row per TVIEW. regclass columns are dumped as names and follow renames.
CREATE TABLE tviews_internal.tview (
    tview       regclass    PRIMARY KEY,          -- the tv_* table
    entity      text        NOT NULL,             -- bare entity: post for tv_post
    key_column  name        NOT NULL,             -- pk_<entity>
    definition  regclass    NOT NULL UNIQUE,      -- view in tviews_internal holding the SELECT
    options     jsonb       NOT NULL DEFAULT '{}',
    plan        jsonb       NOT NULL,             -- lineage derived at creation (inspection)
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    suspended_at timestamptz                      -- set by pg_tviews_suspend(): not refreshed
);

-- One row per (TVIEW, base table it reads, lineage path): how a changed base row maps to TVIEW
-- keys. local: start_column of the changed row holds the key. mapped: start_column's values go
-- through hops (relation i's match column equals the previous value; its output column is carried
-- on; the last output is the key). full: no path exists, every change recomputes the TVIEW.
CREATE TABLE tviews_internal.source (
    tview         regclass   NOT NULL REFERENCES tviews_internal.tview ON DELETE CASCADE,
    base          regclass   NOT NULL,
    path_no       integer    NOT NULL,
    mode          text       NOT NULL CHECK (mode IN ('local', 'mapped', 'full')),
    start_column  name,
    hop_relations regclass[] NOT NULL DEFAULT '{}',
    hop_match     name[]     NOT NULL DEFAULT '{}',
    hop_output    name[]     NOT NULL DEFAULT '{}',
    columns_read  name[]     NOT NULL,
    PRIMARY KEY (tview, base, path_no),
    CHECK ((mode = 'full') = (start_column IS NULL)),
    CHECK (cardinality(hop_relations) = cardinality(hop_match)
           AND cardinality(hop_match) = cardinality(hop_output))
);
CREATE INDEX ON tviews_internal.source (base);

-- Refresh work kept across transactions: the keys a suspended TVIEW was not refreshed for, or
-- with a NULL key a whole TVIEW (a TRUNCATE while suspended; capture stopped by hand, which
-- leaves the TVIEW stale until a full refresh). pg_tviews_resume() and full refreshes empty it.
CREATE TABLE tviews_internal.backlog (
    tview      regclass    NOT NULL REFERENCES tviews_internal.tview ON DELETE CASCADE,
    key        text,                                 -- the key's text form; NULL: every key
    reason     text        NOT NULL,
    entry_time timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT backlog_entry UNIQUE NULLS NOT DISTINCT (tview, key)
);

SELECT pg_catalog.pg_extension_config_dump('tviews_internal.tview', '');
SELECT pg_catalog.pg_extension_config_dump('tviews_internal.source', '');
SELECT pg_catalog.pg_extension_config_dump('tviews_internal.backlog', '');

-- Any write to the catalog, ours or a repair by hand, invalidates every backend's cache of it.
-- The triggers' names deliberately lack the pg_tviews_ prefix: operators disable every
-- pg_tviews_* trigger to stop capture in an emergency, and the catalog must keep working.
CREATE FUNCTION pg_tviews_catalog_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pg_tviews_catalog_changed' LANGUAGE C;
CREATE TRIGGER tviews_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON tviews_internal.tview FOR EACH STATEMENT EXECUTE FUNCTION pg_tviews_catalog_changed();
CREATE TRIGGER tviews_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON tviews_internal.source FOR EACH STATEMENT EXECUTE FUNCTION pg_tviews_catalog_changed();

-- Each registered TVIEW depends on the extension, and its definition view is an internal part
-- of it; pg_dump does not keep such links, so they are made whenever a catalog row appears.
CREATE FUNCTION pg_tviews_catalog_linked() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pg_tviews_catalog_linked' LANGUAGE C;
CREATE TRIGGER tviews_catalog_linked AFTER INSERT ON tviews_internal.tview
    FOR EACH ROW EXECUTE FUNCTION pg_tviews_catalog_linked();

-- Capture: one statement-level trigger per event on every base table, shared by all TVIEWs.
CREATE FUNCTION pg_tviews_capture() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pg_tviews_capture' LANGUAGE C;

CREATE FUNCTION pg_tviews_install_stmt_triggers() RETURNS integer
    AS 'MODULE_PATHNAME', 'pg_tviews_install_stmt_triggers' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_install_stmt_triggers() IS
    'create whichever capture triggers base tables of TVIEWs lack; returns how many it created';

-- Creation and removal.
CREATE FUNCTION pg_tviews_create(name text, query text, options jsonb DEFAULT '{}')
    RETURNS regclass
    AS 'MODULE_PATHNAME', 'pg_tviews_create' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_create(text, text, jsonb) IS
    'create TVIEW tv_<entity> from a SELECT with a pk_<entity> key column and keep it fresh';

CREATE FUNCTION pg_tviews_resolve(name text) RETURNS regclass
    AS 'MODULE_PATHNAME', 'pg_tviews_resolve' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION pg_tviews_resolve(text) IS
    'the TVIEW table a name designates: tv_post, post, schema.tv_post';

CREATE FUNCTION pg_tviews_drop(name text, if_exists boolean DEFAULT false,
                               cascade boolean DEFAULT false) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    target regclass;
BEGIN
    IF if_exists THEN
        BEGIN
            target := @extschema@.pg_tviews_resolve(name);
        EXCEPTION WHEN undefined_table THEN
            RAISE NOTICE 'TVIEW "%" does not exist, skipping', name;
            RETURN false;
        END;
    ELSE
        target := @extschema@.pg_tviews_resolve(name);
    END IF;
    -- The sql_drop event trigger removes the catalog rows and unneeded capture triggers.
    EXECUTE pg_catalog.format('DROP TABLE %s%s', target, CASE WHEN cascade THEN ' CASCADE' ELSE '' END);
    RETURN true;
END $$;
COMMENT ON FUNCTION pg_tviews_drop(text, boolean, boolean) IS
    'drop a TVIEW, its catalog rows and the capture triggers no other TVIEW needs';

-- Removes capture triggers from base tables that no TVIEW reads any more; returns how many.
CREATE FUNCTION pg_tviews_prune_capture() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN
        SELECT t.tgname, t.tgrelid::regclass AS rel
        FROM pg_catalog.pg_trigger t
        WHERE t.tgfoid = '@extschema@.pg_tviews_capture()'::pg_catalog.regprocedure
          AND NOT EXISTS (SELECT 1 FROM tviews_internal.source s WHERE s.base = t.tgrelid)
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', r.tgname, r.rel);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- Whatever drops a TVIEW or a base table (DROP TABLE, DROP SCHEMA CASCADE, DROP OWNED, ...),
-- the catalog follows.
CREATE FUNCTION pg_tviews_on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_catalog.to_regclass('tviews_internal.tview') IS NULL THEN
        RETURN;  -- the extension itself is being dropped
    END IF;
    -- Only dropped TVIEWs and base tables (not their columns) concern the catalog. Returning early also ignores our
    -- own DROP TRIGGERs, and spares every other DROP (temporary tables included) a catalog write,
    -- which would make every session reload its catalog cache.
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
                      AND (EXISTS (SELECT 1 FROM tviews_internal.tview t WHERE t.tview::oid = d.objid)
                           OR EXISTS (SELECT 1 FROM tviews_internal.source s
                                       WHERE s.base::oid = d.objid))) THEN
        RETURN;
    END IF;
    -- objsubid = 0: a dropped column reports its table's oid with the column number.
    DELETE FROM tviews_internal.tview t
     USING pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
       AND d.objid = t.tview::oid;
    DELETE FROM tviews_internal.source s
     USING pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
       AND d.objid = s.base::oid;
    PERFORM @extschema@.pg_tviews_prune_capture();
END $$;
CREATE EVENT TRIGGER pg_tviews_on_sql_drop ON sql_drop EXECUTE FUNCTION pg_tviews_on_sql_drop();

-- Inspection and verification.
CREATE FUNCTION pg_tviews_version() RETURNS text
    AS 'MODULE_PATHNAME', 'pg_tviews_version' LANGUAGE C IMMUTABLE;

CREATE FUNCTION pg_tviews_plan(name text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT t.plan FROM tviews_internal.tview t WHERE t.tview = @extschema@.pg_tviews_resolve(name)
$$;
COMMENT ON FUNCTION pg_tviews_plan(text) IS 'the lineage plan derived for a TVIEW at creation';

CREATE FUNCTION pg_tviews_verify(name text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pg_tviews_verify' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_verify(text) IS
    'true when the TVIEW equals its definition row for row (EXCEPT ALL both ways)';

-- Manual refreshes. Each recomputes rows from the definition like the automatic refresh (same
-- statement, same locks) and returns how many rows the definition produced for them. A
-- suspended TVIEW is refused (55000) unless a full refresh is forced.
CREATE FUNCTION pg_tviews_refresh(name text, force boolean DEFAULT false) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_refresh' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_refresh(text, boolean) IS
    'recompute every row of a TVIEW and clear its backlog; force => true also when suspended';
CREATE FUNCTION pg_tviews_refresh(name text, key anyelement) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_refresh_key' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_refresh(text, anyelement) IS 'recompute the TVIEW row with this key';
CREATE FUNCTION pg_tviews_refresh_row(name text, key anyelement) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_refresh_key' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_refresh_row(text, anyelement) IS 'recompute the TVIEW row with this key';
CREATE FUNCTION pg_tviews_refresh_range(name text, lo anyelement, hi anyelement) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_refresh_range' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_refresh_range(text, anyelement, anyelement) IS
    'recompute the TVIEW rows whose keys lie between lo and hi, inclusive';

CREATE FUNCTION pg_tviews_selftest(kind text) RETURNS text
    AS 'MODULE_PATHNAME', 'pg_tviews_selftest' LANGUAGE C STRICT;
COMMENT ON FUNCTION pg_tviews_selftest(text) IS
    'raises an error of the given kind (cxx, pg, pg_in_cxx) through the C++ boundary, for diagnostics';

-- Refresh statistics, shared by every session (not transactional, like pg_stat_*).
CREATE FUNCTION pg_tviews_stats_raw(
    OUT tview oid, OUT refreshes bigint, OUT rows_inserted bigint, OUT rows_updated bigint,
    OUT rows_deleted bigint, OUT rows_unchanged bigint, OUT total_time_ms float8,
    OUT last_refresh timestamptz, OUT last_duration_ms float8, OUT errors bigint,
    OUT last_error text, OUT last_error_at timestamptz)
RETURNS SETOF record AS 'MODULE_PATHNAME', 'pg_tviews_stats_raw' LANGUAGE C;

CREATE VIEW pg_tviews_stats AS
SELECT t.tview::text AS tview,
       coalesce(s.refreshes, 0) AS refreshes,
       coalesce(s.rows_inserted, 0) AS rows_inserted,
       coalesce(s.rows_updated, 0) AS rows_updated,
       coalesce(s.rows_deleted, 0) AS rows_deleted,
       coalesce(s.rows_unchanged, 0) AS rows_unchanged,
       coalesce(s.total_time_ms, 0) AS total_time_ms,
       s.last_refresh, s.last_duration_ms,
       coalesce(s.errors, 0) AS errors,
       s.last_error, s.last_error_at
  FROM tviews_internal.tview t
  LEFT JOIN @extschema@.pg_tviews_stats_raw() s ON s.tview = t.tview::oid;
COMMENT ON VIEW pg_tviews_stats IS
    'refreshes, rows written, unchanged rows skipped, time and the last error of every TVIEW';

CREATE FUNCTION pg_tviews_stats_reset_oid(tview oid) RETURNS void
    AS 'MODULE_PATHNAME', 'pg_tviews_stats_reset' LANGUAGE C;
CREATE FUNCTION pg_tviews_stats_reset(name text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    SELECT @extschema@.pg_tviews_stats_reset_oid(
        CASE WHEN name IS NULL THEN NULL ELSE @extschema@.pg_tviews_resolve(name)::oid END)
$$;
COMMENT ON FUNCTION pg_tviews_stats_reset(text) IS
    'forget the statistics of one TVIEW, or of every TVIEW of this database';

-- The catalog, readable.
CREATE VIEW pg_tviews AS
SELECT t.tview::text AS tview,
       t.entity,
       t.key_column,
       (SELECT pg_catalog.array_agg(DISTINCT s.base::text ORDER BY s.base::text)
          FROM tviews_internal.source s WHERE s.tview = t.tview) AS reads,
       t.definition::text AS definition_view,
       pg_catalog.pg_get_viewdef(t.definition) AS definition,
       t.options,
       t.created_at
  FROM tviews_internal.tview t;

-- Indexes lineage needs on the user's tables: each column a mapping query or a keyed recompute
-- filters on should lead some valid index, or those statements scan the whole table.
CREATE VIEW pg_tviews_missing_indexes AS
WITH needed AS (
    SELECT s.tview, s.base AS relation, s.start_column AS column_name,
           'recompute of affected keys' AS used_by
      FROM tviews_internal.source s
     WHERE s.mode = 'local'
    UNION
    SELECT s.tview, h.relation, h.column_name, 'lineage mapping from ' || s.base::text
      FROM tviews_internal.source s,
           LATERAL unnest(s.hop_relations, s.hop_match) AS h(relation, column_name)
)
-- One row per missing index, whatever number of TVIEWs and paths need it.
SELECT n.relation::text AS relation,
       n.column_name,
       pg_catalog.array_agg(DISTINCT n.tview::text ORDER BY n.tview::text) AS tviews,
       pg_catalog.string_agg(DISTINCT n.used_by, '; ' ORDER BY n.used_by) AS used_by,
       pg_catalog.format('CREATE INDEX ON %s (%I)', n.relation, n.column_name) AS suggested_ddl
  FROM needed n
  JOIN pg_catalog.pg_attribute a ON a.attrelid = n.relation AND a.attname = n.column_name
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                    WHERE i.indrelid = n.relation AND i.indisvalid AND i.indpred IS NULL
                      AND i.indkey[0] = a.attnum)
 GROUP BY n.relation, n.column_name;
COMMENT ON VIEW pg_tviews_missing_indexes IS
    'columns TVIEW maintenance filters on that no index leads with, and the index to create';

-- ============================================================================================
-- Operations: suspend/resume, the backlog, catalog views for runbooks, the health check.
-- ============================================================================================

-- Capture trigger state of a base table: when any of its capture triggers is missing or does not
-- fire in ordinary sessions, every TVIEW reading it is marked stale. Called after ALTER TABLE and
-- DROP TRIGGER on base tables; returns how many TVIEWs it marked.
CREATE FUNCTION tviews_internal.note_capture_gap(base_table regclass) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    gap text;
    marked integer;
BEGIN
    SELECT string_agg(format('%s %s', e.tgname,
                             CASE WHEN t.oid IS NULL THEN 'dropped' ELSE 'disabled' END),
                      ', ' ORDER BY e.tgname)
      INTO gap
      FROM unnest(ARRAY['pg_tviews_capture_delete', 'pg_tviews_capture_insert',
                        'pg_tviews_capture_truncate', 'pg_tviews_capture_update']) AS e(tgname)
      LEFT JOIN pg_trigger t ON t.tgrelid = base_table AND t.tgname = e.tgname
     WHERE t.oid IS NULL OR t.tgenabled NOT IN ('O', 'A');
    IF gap IS NULL THEN
        RETURN 0;
    END IF;
    INSERT INTO tviews_internal.backlog AS b (tview, key, reason)
    SELECT DISTINCT s.tview, NULL::text, format('capture on %s stopped: %s', base_table, gap)
      FROM tviews_internal.source s
     WHERE s.base = base_table
    ON CONFLICT (tview, key) DO UPDATE SET reason = EXCLUDED.reason;
    GET DIAGNOSTICS marked = ROW_COUNT;
    RETURN marked;
END $$;
REVOKE ALL ON FUNCTION tviews_internal.note_capture_gap(regclass) FROM PUBLIC;

-- Suspension: the seeds' emergency disable, without touching triggers. A suspended TVIEW keeps
-- its rows; the keys its refreshes would have recomputed wait in the backlog.
CREATE FUNCTION pg_tviews_suspend(name text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    target regclass;
    suspended integer;
BEGIN
    IF name IS NOT NULL THEN
        target := @extschema@.pg_tviews_resolve(name);
    END IF;
    UPDATE tviews_internal.tview t SET suspended_at = pg_catalog.now()
     WHERE t.suspended_at IS NULL AND (target IS NULL OR t.tview = target);
    GET DIAGNOSTICS suspended = ROW_COUNT;
    RETURN suspended;
END $$;
COMMENT ON FUNCTION pg_tviews_suspend(text) IS
    'stop refreshing one TVIEW (or all, for NULL); its pending keys are kept for pg_tviews_resume()';

CREATE FUNCTION pg_tviews_resume(name text DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_resume' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_resume(text) IS
    'resume one TVIEW (or all, for NULL) and catch up its backlog in dependency order; returns the entries caught up';

CREATE FUNCTION pg_tviews_cascade(base_table regclass, key anyelement) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_cascade' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_cascade(regclass, anyelement) IS
    'refresh every TVIEW row fed by the base row with this primary key, as if it had been written';

-- The TVIEW graph: level 0 reads no TVIEW; dependents counts the TVIEWs that read this one,
-- directly or not, so refreshing in descending order of dependents refreshes parents first.
-- A function rather than a view: the planner's estimates for the recursive walks are wild
-- enough to trigger JIT compilation (hundreds of milliseconds) in every query using them.
-- PL/pgSQL, so that its plan is cached for the session.
CREATE FUNCTION tviews_internal.graph()
RETURNS TABLE (tview regclass, level integer, dependents integer)
LANGUAGE plpgsql STABLE ROWS 50 SET jit = off AS $$
BEGIN
    RETURN QUERY
    WITH RECURSIVE edge AS (
        SELECT DISTINCT s.base AS parent, s.tview AS child
          FROM tviews_internal.source s
          JOIN tviews_internal.tview p ON p.tview = s.base
    ), depth (tview, level) AS (
        SELECT t.tview, 0 FROM tviews_internal.tview t
        UNION
        SELECT e.child, d.level + 1 FROM depth d JOIN edge e ON e.parent = d.tview
    ), reach (root, tview) AS (
        SELECT e.parent, e.child FROM edge e
        UNION
        SELECT r.root, e.child FROM reach r JOIN edge e ON e.parent = r.tview
    )
    SELECT t.tview,
           (SELECT pg_catalog.max(d.level) FROM depth d WHERE d.tview = t.tview)::integer,
           (SELECT pg_catalog.count(*) FROM reach r WHERE r.root = t.tview)::integer
      FROM tviews_internal.tview t;
END $$;

-- One row per TVIEW in the shape operators' runbooks read. entity_name is the TVIEW table as a
-- relation name (usable with pg_total_relation_size, pg_tviews_refresh, ...).
CREATE VIEW pg_tviews_metadata AS
SELECT t.tview::text AS entity_name,
       t.entity,
       n.nspname AS schema_name,
       c.relname AS table_name,
       (SELECT s.base::text FROM tviews_internal.source s
         WHERE s.tview = t.tview AND s.mode = 'local' ORDER BY s.path_no LIMIT 1)
           AS backing_table_name,
       (SELECT pg_catalog.array_agg(DISTINCT s.base::text ORDER BY s.base::text)
          FROM tviews_internal.source s WHERE s.tview = t.tview) AS base_tables,
       t.key_column::text AS primary_key_column,
       t.created_at,
       st.last_refresh AS last_refreshed,
       st.last_refresh AS last_refresh_time,
       st.last_duration_ms AS last_refresh_duration_ms,
       -- An error is current until a later refresh succeeds; pg_tviews_stats keeps the history.
       CASE WHEN st.last_error_at > coalesce(st.last_refresh, '-infinity') THEN st.last_error END
           AS last_error,
       st.last_error_at,
       coalesce(st.refreshes, 0) AS refreshes,
       g.dependents AS refresh_priority,
       g.level AS dependency_level,
       t.suspended_at IS NOT NULL AS suspended,
       t.suspended_at,
       b.entries > 0 AS stale,
       b.stale_reason,
       b.entries AS queued_keys,
       b.oldest_entry,
       CASE WHEN t.suspended_at IS NOT NULL THEN 'suspended'
            WHEN b.entries > 0 THEN 'stale'
            WHEN st.last_error_at > coalesce(st.last_refresh, '-infinity') THEN 'error'
            ELSE 'ok' END AS status
  FROM tviews_internal.tview t
  JOIN pg_catalog.pg_class c ON c.oid = t.tview
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN tviews_internal.graph() g ON g.tview = t.tview
  LEFT JOIN @extschema@.pg_tviews_stats_raw() st ON st.tview = t.tview::oid
  CROSS JOIN LATERAL (
      SELECT pg_catalog.count(*) AS entries,
             pg_catalog.min(bl.entry_time) AS oldest_entry,
             pg_catalog.max(bl.reason) FILTER (WHERE bl.key IS NULL) AS stale_reason
        FROM tviews_internal.backlog bl WHERE bl.tview = t.tview) b;
COMMENT ON VIEW pg_tviews_metadata IS
    'one row per TVIEW: names, key, last refresh and error, priority, suspension and staleness';

-- TVIEWs that read other TVIEWs. dependency_type is how changes reach the child: local (same key),
-- mapped (through a lookup) or full (any change recomputes the child); the costliest path wins.
CREATE VIEW pg_tviews_dependencies AS
SELECT s.base::text AS parent_tview,
       s.tview::text AS child_tview,
       CASE WHEN pg_catalog.bool_or(s.mode = 'full') THEN 'full'
            WHEN pg_catalog.bool_or(s.mode = 'mapped') THEN 'mapped'
            ELSE 'local' END AS dependency_type
  FROM tviews_internal.source s
  JOIN tviews_internal.tview p ON p.tview = s.base
 GROUP BY s.base, s.tview;
COMMENT ON VIEW pg_tviews_dependencies IS 'parent/child edges between TVIEWs that read TVIEWs';

-- The refresh work waiting across transactions: the backlog of suspended and stale TVIEWs. Work
-- of a running transaction is never listed: it is drained at the end of each statement.
CREATE FUNCTION pg_tviews_get_queue()
RETURNS TABLE (entity_name text, entity text, key text, reason text, entry_time timestamptz,
               entry_age interval, suspended boolean)
LANGUAGE sql STABLE AS $$
    SELECT b.tview::text, t.entity, b.key, b.reason, b.entry_time,
           pg_catalog.now() - b.entry_time, t.suspended_at IS NOT NULL
      FROM tviews_internal.backlog b
      JOIN tviews_internal.tview t ON t.tview = b.tview
     ORDER BY b.entry_time, 1, b.key
$$;
COMMENT ON FUNCTION pg_tviews_get_queue() IS
    'backlog entries of suspended and stale TVIEWs (key NULL: the whole TVIEW)';

CREATE FUNCTION pg_tviews_check_jsonb_ivm() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT 'not needed: pg_tviews recomputes changed rows itself and uses no companion extension'
           || CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'jsonb_ivm')
                   THEN ' (jsonb_ivm is installed here but unused)' ELSE '' END
$$;
COMMENT ON FUNCTION pg_tviews_check_jsonb_ivm() IS
    'whether the jsonb_ivm extension is needed (it is not)';

-- Mirrors of the catalog in the shape older runbooks read and "repair" (DELETE, TRUNCATE,
-- INSERT from a backup copy). The catalog is authoritative: after any statement that writes a
-- mirror, or the catalog, the mirrors are made equal to the catalog again. Dependents come first
-- so that a loop dropping TVIEWs in table order drops readers before what they read.
CREATE TABLE pg_tview_meta (
    entity       text        NOT NULL,   -- bare entity: post for tv_post
    tview        text        NOT NULL,   -- schema-qualified TVIEW table
    key_column   text        NOT NULL,
    dependencies text[]      NOT NULL,   -- relations the TVIEW reads, base tables and TVIEWs
    created_at   timestamptz NOT NULL
);
COMMENT ON TABLE pg_tview_meta IS
    'one row per TVIEW, kept equal to the pg_tviews catalog: hand edits are undone at statement end';

CREATE TABLE pg_tview_helpers (
    entity      text NOT NULL,
    tview       text NOT NULL,
    helper      text NOT NULL,           -- schema-qualified object pg_tviews created for the TVIEW
    helper_kind text NOT NULL
);
COMMENT ON TABLE pg_tview_helpers IS
    'objects pg_tviews keeps for each TVIEW, kept equal to the catalog: hand edits are undone';

-- The mirrors' rows as the catalog defines them.
CREATE VIEW tviews_internal.meta_rows AS
SELECT t.entity,
       pg_catalog.format('%I.%I', n.nspname, c.relname) AS tview,
       t.key_column::text AS key_column,
       coalesce((SELECT pg_catalog.array_agg(DISTINCT pg_catalog.format('%I.%I', bn.nspname, bc.relname))
                   FROM tviews_internal.source s
                   JOIN pg_catalog.pg_class bc ON bc.oid = s.base
                   JOIN pg_catalog.pg_namespace bn ON bn.oid = bc.relnamespace
                  WHERE s.tview = t.tview), '{}') AS dependencies,
       t.created_at,
       pg_catalog.format('%I.%I', dn.nspname, dc.relname) AS definition_view,
       g.dependents,
       g.level
  FROM tviews_internal.tview t
  JOIN tviews_internal.graph() g ON g.tview = t.tview
  JOIN pg_catalog.pg_class c ON c.oid = t.tview
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_class dc ON dc.oid = t.definition
  JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace;

CREATE FUNCTION tviews_internal.sync_mirrors() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Our own writes below fire the mirrors' triggers again; they have nothing left to do.
    IF TG_TABLE_SCHEMA <> 'tviews_internal' AND pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    -- Rewritten whole: the catalog and the mirrors change rarely, and a few rows are cheaper to
    -- rewrite than to compare.
    DELETE FROM @extschema@.pg_tview_meta;
    INSERT INTO @extschema@.pg_tview_meta
    SELECT r.entity, r.tview, r.key_column, r.dependencies, r.created_at
      FROM tviews_internal.meta_rows r
     ORDER BY r.dependents, r.level DESC, r.entity;
    DELETE FROM @extschema@.pg_tview_helpers;
    INSERT INTO @extschema@.pg_tview_helpers
    SELECT r.entity, r.tview, r.definition_view, 'definition view'
      FROM tviews_internal.meta_rows r
     ORDER BY r.dependents, r.level DESC, r.entity;
    RETURN NULL;
END $$;
CREATE TRIGGER tviews_mirror AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tviews_internal.tview
    FOR EACH STATEMENT EXECUTE FUNCTION tviews_internal.sync_mirrors();
CREATE TRIGGER tviews_mirror AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tviews_internal.source
    FOR EACH STATEMENT EXECUTE FUNCTION tviews_internal.sync_mirrors();
CREATE TRIGGER tviews_mirror AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_tview_meta
    FOR EACH STATEMENT EXECUTE FUNCTION tviews_internal.sync_mirrors();
CREATE TRIGGER tviews_mirror AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pg_tview_helpers
    FOR EACH STATEMENT EXECUTE FUNCTION tviews_internal.sync_mirrors();

-- The health check: one row per problem found, and one OK row for each check that found none.
-- ERROR: TVIEWs are or will become wrong without action; WARNING: they are right, but need care.
CREATE FUNCTION pg_tviews_health_check()
RETURNS TABLE (check_name text, status text, tview text, detail text, hint text)
LANGUAGE sql STABLE AS $$
WITH capture AS (
    SELECT '@extschema@.pg_tviews_capture()'::pg_catalog.regprocedure::pg_catalog.oid AS fn
), capture_name (tgname) AS (
    VALUES ('pg_tviews_capture_delete'), ('pg_tviews_capture_insert'),
           ('pg_tviews_capture_truncate'), ('pg_tviews_capture_update')
), problem AS (
    SELECT 'preload' AS check_name, 'ERROR' AS status, NULL::text AS tview,
           'pg_tviews is not in shared_preload_libraries: sessions that have not loaded it miss '
           'writes, and statistics and conflict detection are off' AS detail,
           'Add pg_tviews to shared_preload_libraries and restart the server.' AS hint
     WHERE NOT ('pg_tviews' = ANY (pg_catalog.string_to_array(pg_catalog.replace(
                   pg_catalog.current_setting('shared_preload_libraries'), ' ', ''), ',')))
    UNION ALL
    SELECT 'capture_triggers_missing', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::text, ', '),
           pg_catalog.format('%s has no trigger %s: its writes reach no TVIEW', s.base, e.tgname),
           'Run SELECT pg_tviews_install_stmt_triggers(); then pg_tviews_refresh(name, force => true) for these TVIEWs.'
      FROM tviews_internal.source s CROSS JOIN capture_name e
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t, capture
                        WHERE t.tgrelid = s.base AND t.tgname = e.tgname AND t.tgfoid = capture.fn)
     GROUP BY s.base, e.tgname
    UNION ALL
    SELECT 'capture_triggers_disabled', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::text, ', '),
           pg_catalog.format('trigger %s on %s is %s: its writes reach no TVIEW', t.tgname, s.base,
                             CASE t.tgenabled WHEN 'D' THEN 'disabled'
                                  ELSE 'enabled for replication sessions only' END),
           pg_catalog.format('Run ALTER TABLE %s ENABLE TRIGGER %I; then pg_tviews_refresh(name, force => true) for these TVIEWs.',
                             s.base, t.tgname)
      FROM tviews_internal.source s
      JOIN pg_catalog.pg_trigger t ON t.tgrelid = s.base
      JOIN capture ON t.tgfoid = capture.fn
     WHERE t.tgenabled NOT IN ('O', 'A')
     GROUP BY s.base, t.tgname, t.tgenabled
    UNION ALL
    -- The logical replication apply worker fires row triggers only, never statement triggers
    -- like ours: on a subscriber, TVIEWs over subscribed tables do not follow replicated changes.
    SELECT 'replicated_base_tables', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::text, ', '),
           pg_catalog.format('%s receives changes from subscription %s, which fire no capture trigger: these TVIEWs do not follow them',
                             s.base, pg_catalog.string_agg(DISTINCT sub.subname, ', ')),
           'Maintain the TVIEWs on the publisher and replicate their tables, or refresh them here with pg_tviews_refresh or pg_tviews_rebuild.'
      FROM tviews_internal.source s
      JOIN pg_catalog.pg_subscription_rel sr ON sr.srrelid = s.base
      JOIN pg_catalog.pg_subscription sub ON sub.oid = sr.srsubid
     GROUP BY s.base
    UNION ALL
    SELECT 'stale', 'ERROR', m.entity_name,
           pg_catalog.format('may differ from its definition since %s: %s', pg_catalog.to_char(m.oldest_entry, 'YYYY-MM-DD HH24:MI:SS TZ'),
                             coalesce(m.stale_reason, 'keys left from a suspension')),
           pg_catalog.format('Run SELECT pg_tviews_refresh(%L, force => true); once its capture triggers are enabled.',
                             m.entity_name)
      FROM @extschema@.pg_tviews_metadata m
     WHERE m.stale AND NOT m.suspended
    UNION ALL
    SELECT 'suspended', 'WARNING', m.entity_name,
           pg_catalog.format('suspended since %s; %s backlog entries', pg_catalog.to_char(m.suspended_at, 'YYYY-MM-DD HH24:MI:SS TZ'), m.queued_keys),
           pg_catalog.format('Run SELECT pg_tviews_resume(%L); to catch up.', m.entity_name)
      FROM @extschema@.pg_tviews_metadata m
     WHERE m.suspended
    UNION ALL
    SELECT 'refresh_errors', 'WARNING', m.entity_name,
           pg_catalog.format('last refresh failed at %s: %s', pg_catalog.to_char(m.last_error_at, 'YYYY-MM-DD HH24:MI:SS TZ'), m.last_error),
           'The failing statement was rolled back; fix the cause and retry it, or run pg_tviews_refresh(name).'
      FROM @extschema@.pg_tviews_metadata m
     WHERE m.last_error IS NOT NULL
    UNION ALL
    SELECT 'missing_indexes', 'WARNING', pg_catalog.array_to_string(i.tviews, ', '),
           pg_catalog.format('no index leads with %s.%I (%s)', i.relation, i.column_name, i.used_by),
           i.suggested_ddl
      FROM @extschema@.pg_tviews_missing_indexes i
    UNION ALL
    SELECT 'orphaned_capture_triggers', 'WARNING', NULL,
           pg_catalog.format('trigger %s on %s serves no TVIEW', t.tgname, t.tgrelid::pg_catalog.regclass),
           'Run SELECT pg_tviews_prune_capture(); to remove it.'
      FROM pg_catalog.pg_trigger t JOIN capture ON t.tgfoid = capture.fn
     WHERE NOT EXISTS (SELECT 1 FROM tviews_internal.source s WHERE s.base = t.tgrelid)
), outcome AS (
    SELECT p.check_name, p.status, p.tview, p.detail, p.hint FROM problem p
    UNION ALL
    SELECT c.name, 'OK', NULL, 'no problem found', NULL
      FROM pg_catalog.unnest(ARRAY['preload', 'capture_triggers_missing',
               'capture_triggers_disabled', 'stale', 'suspended', 'refresh_errors',
               'missing_indexes', 'orphaned_capture_triggers', 'replicated_base_tables']) AS c(name)
     WHERE NOT EXISTS (SELECT 1 FROM problem p WHERE p.check_name = c.name)
)
SELECT o.check_name, o.status, o.tview, o.detail, o.hint
  FROM outcome o
 ORDER BY CASE o.status WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, o.check_name, o.tview
$$;
COMMENT ON FUNCTION pg_tviews_health_check() IS
    'problems with capture, staleness, suspension, refresh errors and indexes (OK, WARNING, ERROR)';

-- ============================================================================================
-- Large TVIEWs: chunked rebuilds with progress.
-- ============================================================================================

-- Large TVIEWs: pg_tviews_rebuild() refreshes a TVIEW in key-ordered chunks, one transaction
-- each, and records every run in tviews_internal.rebuild_run; pg_tviews_progress shows them.

-- One row per rebuild run, updated in the transaction of each chunk, so other sessions see
-- committed progress. Not dumped: history of this database only. The newest 100 runs of each
-- TVIEW are kept (see pg_tviews_rebuild).
CREATE TABLE tviews_internal.rebuild_run (
    run_id         bigserial   PRIMARY KEY,
    tview          regclass    NOT NULL REFERENCES tviews_internal.tview ON DELETE CASCADE,
    pid            integer     NOT NULL,             -- backend running it
    started_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,             -- last committed chunk
    finished_at    timestamptz,
    -- interrupted: found still 'running' by a later run of the same TVIEW (its session ended);
    -- pg_tviews_progress also shows a running row whose session no longer runs it that way.
    state          text        NOT NULL DEFAULT 'running'
                               CHECK (state IN ('running', 'done', 'failed', 'interrupted')),
    chunk_size     integer     NOT NULL CHECK (chunk_size > 0),
    pause          interval    NOT NULL,
    lo             text,                             -- key range, in the key type's text form
    hi             text,
    resumed_from   bigint      REFERENCES tviews_internal.rebuild_run ON DELETE SET NULL,
    chunks_done    bigint      NOT NULL DEFAULT 0,
    keys_done      bigint      NOT NULL DEFAULT 0,   -- keys of the definition or the table visited
    rows_refreshed bigint      NOT NULL DEFAULT 0,   -- rows the definition produced for them
    chunk_retries  integer     NOT NULL DEFAULT 0,   -- chunks rerun after 40001 or 40P01
    keys_estimate  bigint,                           -- keys this run expected to visit
    last_key       text,                             -- last key of the last committed chunk
    error_sqlstate text,
    error          text
);
CREATE INDEX ON tviews_internal.rebuild_run (tview, run_id);

-- The WHERE clause selecting a rebuild's remaining keys: after after_key (or from lo), up to hi.
-- Values are inlined as literals so the planner sees them (index bounds, row estimates).
CREATE FUNCTION tviews_internal.rebuild_bounds(key_column name, key_type text, lo text, hi text,
                                               after_key text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.concat_ws(' AND ',
               pg_catalog.format('%I IS NOT NULL', key_column),
               CASE WHEN after_key IS NOT NULL
                    THEN pg_catalog.format('%I > CAST(%L AS %s)', key_column, after_key, key_type)
                    WHEN lo IS NOT NULL
                    THEN pg_catalog.format('%I >= CAST(%L AS %s)', key_column, lo, key_type) END,
               CASE WHEN hi IS NOT NULL
                    THEN pg_catalog.format('%I <= CAST(%L AS %s)', key_column, hi, key_type) END)
$$;

-- Rebuilds a TVIEW (or the keys between lo and hi) in chunks of chunk_size keys, committing each:
-- readers are never blocked, and writers wait only for the chunk holding their keys. Concurrent
-- writes are maintained as usual, so the TVIEW equals its definition once the run is done.
--
-- A procedure, because only a procedure can commit. lo and hi are text so that one signature
-- serves keys of every type (and a resumed run reads them back from its history row); they are
-- cast to the key's type. It has no SET clause: a procedure with one cannot commit.
CREATE PROCEDURE pg_tviews_rebuild(name text, chunk_size integer DEFAULT 10000,
                                   pause interval DEFAULT '0', lo text DEFAULT NULL,
                                   hi text DEFAULT NULL, resume boolean DEFAULT false)
LANGUAGE plpgsql AS $$
DECLARE
    target       regclass;
    key_column   name;
    key_type     text;     -- format_type() of the TVIEW's key column, ready for CAST(... AS ...)
    definition   regclass;
    suspended    boolean;
    lock_key     bigint;
    holder       integer;
    run          bigint;
    previous     tviews_internal.rebuild_run;
    after_key    text;     -- chunks start after this key (the last one committed)
    bounds       text;
    tuples       real;
    estimate     bigint;
    explained    json;
    found_keys   bigint;
    chunk_first  text;
    chunk_last   text;
    produced     bigint;
    chunk_no     bigint := 0;
    retries      integer := 0;
    attempts     integer;
    finished     boolean := false;
    err_state    text;
    err_message  text;
    err_detail   text;
    err_hint     text;
BEGIN
    -- Nothing may run in the caller's transaction: every chunk commits. Inside a transaction
    -- block this fails at once with invalid_transaction_termination (2D000).
    COMMIT;

    IF chunk_size IS NULL OR pause IS NULL OR resume IS NULL THEN
        RAISE EXCEPTION '% must not be null',
              CASE WHEN chunk_size IS NULL THEN 'chunk_size' WHEN pause IS NULL THEN 'pause'
                   ELSE 'resume' END
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF chunk_size < 1 THEN
        RAISE EXCEPTION 'chunk_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF pause < interval '0' THEN
        RAISE EXCEPTION 'pause must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF resume AND (lo IS NOT NULL OR hi IS NOT NULL) THEN
        RAISE EXCEPTION 'lo and hi cannot be given with resume'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A resumed run keeps the key range of the run it continues.';
    END IF;
    IF name IS NULL THEN
        RAISE EXCEPTION 'TVIEW name must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    target := @extschema@.pg_tviews_resolve(name);

    SELECT t.key_column, t.definition, t.suspended_at IS NOT NULL,
           pg_catalog.format_type(a.atttypid, a.atttypmod)
      INTO key_column, definition, suspended, key_type
      FROM tviews_internal.tview t
      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tview AND a.attname = t.key_column
     WHERE t.tview = target;
    IF suspended THEN
        RAISE EXCEPTION 'TVIEW "%" is suspended', target
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its pending keys are kept in the backlog until it is resumed.',
                  HINT = pg_catalog.format('Resume it with pg_tviews_resume(%L) first.', target::text);
    END IF;
    -- Bad bounds fail here, with the key type's own error, before any work.
    EXECUTE pg_catalog.format('SELECT CAST($1 AS %s) > CAST($2 AS %s)', key_type, key_type)
       INTO finished USING lo, hi;
    IF finished THEN
        RAISE EXCEPTION 'lo must not be greater than hi' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    finished := false;

    -- One run per TVIEW at a time: a session-level advisory lock (held across the chunks'
    -- commits) on ('tv', TVIEW oid); pg_tviews_progress reads it back from pg_locks.
    lock_key := (29814::bigint << 32) | target::oid::bigint;
    -- A lock this session already holds was left by a run whose final commit failed: no run is
    -- in progress here, since a nested call fails at its first COMMIT.
    WHILE EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                   WHERE l.locktype = 'advisory' AND l.pid = pg_catalog.pg_backend_pid()
                     AND l.classid = 29814 AND l.objid = target::oid AND l.objsubid = 1
                     AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                        WHERE d.datname = pg_catalog.current_database())) LOOP
        PERFORM pg_catalog.pg_advisory_unlock(lock_key);
    END LOOP;
    IF NOT pg_catalog.pg_try_advisory_lock(lock_key) THEN
        SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 29814
           AND l.objid = target::oid AND l.objsubid = 1
           AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                              WHERE d.datname = pg_catalog.current_database());
        RAISE EXCEPTION 'TVIEW "%" is already being rebuilt', target
            USING ERRCODE = 'lock_not_available',
                  DETAIL = CASE WHEN holder IS NULL THEN 'Another transaction holds its rebuild lock.'
                                ELSE pg_catalog.format('Process %s is rebuilding it.', holder) END,
                  HINT = 'Watch the run in pg_tviews_progress; start another one when it has ended.';
    END IF;

    -- From here on the lock must be released whatever happens.
    BEGIN
        -- Holding the lock, any run of this TVIEW still marked running lost its session.
        UPDATE tviews_internal.rebuild_run r
           SET state = 'interrupted', finished_at = r.updated_at
         WHERE r.tview = target AND r.state = 'running';
        IF resume THEN
            SELECT * INTO previous FROM tviews_internal.rebuild_run r
             WHERE r.tview = target ORDER BY r.run_id DESC LIMIT 1;
            IF previous.run_id IS NULL OR previous.state = 'done' THEN
                RAISE EXCEPTION 'TVIEW "%" has no failed or interrupted rebuild to resume', target
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = 'Start a new run without resume.';
            END IF;
            lo := previous.lo;
            hi := previous.hi;
            after_key := previous.last_key;
        END IF;

        -- The estimate must stay cheap on a huge TVIEW: the planner's row count from the key's
        -- statistics (scaled to the table's current size); for the whole table without them,
        -- pg_class.reltuples; a count only when the table was never analyzed.
        bounds := tviews_internal.rebuild_bounds(key_column, key_type, lo, hi, after_key);
        SELECT c.reltuples INTO tuples FROM pg_catalog.pg_class c WHERE c.oid = target;
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_stats st
                     JOIN pg_catalog.pg_class c ON c.relname = st.tablename
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = st.schemaname
                    WHERE c.oid = target AND st.attname = key_column) THEN
            EXECUTE pg_catalog.format('EXPLAIN (FORMAT JSON) SELECT 1 FROM %s WHERE %s', target, bounds)
               INTO explained;
            estimate := pg_catalog.round((explained->0->'Plan'->>'Plan Rows')::numeric);
        ELSIF tuples >= 0 AND lo IS NULL AND hi IS NULL AND after_key IS NULL THEN
            estimate := tuples;
        ELSE
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE %s', target, bounds)
               INTO estimate;
        END IF;

        INSERT INTO tviews_internal.rebuild_run
               (tview, pid, started_at, updated_at, chunk_size, pause, lo, hi, resumed_from,
                keys_estimate, last_key)
        VALUES (target, pg_catalog.pg_backend_pid(), pg_catalog.clock_timestamp(),
                pg_catalog.clock_timestamp(), chunk_size, pause, lo, hi, previous.run_id,
                estimate, after_key)
        RETURNING run_id INTO run;
        -- Bounded history: the newest 100 runs of each TVIEW.
        DELETE FROM tviews_internal.rebuild_run r
         WHERE r.tview = target
           AND r.run_id < (SELECT o.run_id FROM tviews_internal.rebuild_run o
                            WHERE o.tview = target ORDER BY o.run_id DESC OFFSET 99 LIMIT 1);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_catalog.pg_advisory_unlock(lock_key);
        RAISE;
    END;
    COMMIT;

    -- A transaction may not end inside a block with an exception handler, so each chunk (and
    -- each pause) runs in such a block that only captures the error; the commits and the
    -- failure path live outside.
    LOOP
        IF chunk_no > 0 AND pause > interval '0' THEN
            BEGIN
                PERFORM pg_catalog.pg_sleep_for(pause);
            EXCEPTION WHEN OTHERS OR query_canceled THEN
                GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            END;
            EXIT WHEN err_state IS NOT NULL;
        END IF;

        attempts := 0;
        LOOP
            BEGIN
                -- Suspended or dropped since the last chunk: stop, resumably.
                SELECT t.suspended_at IS NOT NULL INTO suspended
                  FROM tviews_internal.tview t WHERE t.tview = target;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'TVIEW "%" was dropped during its rebuild', name
                        USING ERRCODE = 'undefined_table';
                END IF;
                IF suspended THEN
                    RAISE EXCEPTION 'TVIEW "%" was suspended during its rebuild', target
                        USING ERRCODE = 'object_not_in_prerequisite_state',
                              HINT = 'Resume the TVIEW, then continue with resume => true.';
                END IF;

                -- The next chunk_size keys of the definition or the table, in key order: each
                -- side is an ordered, limited scan that an index on the key serves.
                bounds := tviews_internal.rebuild_bounds(key_column, key_type, lo, hi, after_key);
                EXECUTE pg_catalog.format(
                    'WITH c AS (SELECT u.k FROM ('
                    '(SELECT %1$I AS k FROM %2$s WHERE %4$s ORDER BY 1 LIMIT %5$s)'
                    ' UNION (SELECT %1$I FROM %3$s WHERE %4$s ORDER BY 1 LIMIT %5$s)) u'
                    ' ORDER BY u.k LIMIT %5$s)'
                    ' SELECT (SELECT pg_catalog.count(*) FROM c),'
                    ' (SELECT c.k::pg_catalog.text FROM c ORDER BY c.k LIMIT 1),'
                    ' (SELECT c.k::pg_catalog.text FROM c ORDER BY c.k DESC LIMIT 1)',
                    key_column, definition, target, bounds, chunk_size)
                   INTO found_keys, chunk_first, chunk_last;

                IF found_keys > 0 THEN
                    -- Like every manual refresh, the range refresh first waits for concurrent
                    -- writers of the chunk's rows, so it never overwrites a newer row.
                    EXECUTE pg_catalog.format(
                        'SELECT @extschema@.pg_tviews_refresh_range($1, CAST($2 AS %1$s), CAST($3 AS %1$s))',
                        key_type)
                       INTO produced USING target::text, chunk_first, chunk_last;
                    UPDATE tviews_internal.rebuild_run r
                       SET chunks_done = r.chunks_done + 1, keys_done = r.keys_done + found_keys,
                           rows_refreshed = r.rows_refreshed + produced, last_key = chunk_last,
                           chunk_retries = retries, updated_at = pg_catalog.clock_timestamp()
                     WHERE r.run_id = run;
                END IF;
                -- Fewer keys than asked for: none were left when this chunk looked. Keys
                -- written since are maintained by their writers.
                finished := found_keys < chunk_size;
            EXCEPTION WHEN OTHERS OR query_canceled THEN
                GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            END;
            -- Deadlocks and serialization failures are transient: rerun the chunk in a new
            -- transaction (a new snapshot), a few times, after letting the other side finish
            -- (an immediate rerun could take the same rows back first and deadlock again).
            EXIT WHEN err_state IS NULL OR err_state NOT IN ('40001', '40P01') OR attempts >= 3;
            attempts := attempts + 1;
            retries := retries + 1;
            err_state := NULL;
            COMMIT;
            BEGIN
                PERFORM pg_catalog.pg_sleep(0.1 * attempts);
            EXCEPTION WHEN OTHERS OR query_canceled THEN
                GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                        err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            END;
            EXIT WHEN err_state IS NOT NULL;
        END LOOP;
        EXIT WHEN err_state IS NOT NULL;
        COMMIT;
        chunk_no := chunk_no + 1;
        after_key := coalesce(chunk_last, after_key);
        EXIT WHEN finished;
    END LOOP;

    IF err_state IS NOT NULL THEN
        -- The failed chunk was rolled back with its subtransaction; the chunks before it stay.
        UPDATE tviews_internal.rebuild_run r
           SET state = 'failed', finished_at = pg_catalog.clock_timestamp(),
               updated_at = pg_catalog.clock_timestamp(), chunk_retries = retries,
               error_sqlstate = err_state, error = err_message
         WHERE r.run_id = run;
        COMMIT;
        PERFORM pg_catalog.pg_advisory_unlock(lock_key);
        RAISE EXCEPTION USING
            ERRCODE = err_state, MESSAGE = err_message,
            DETAIL = coalesce(nullif(err_detail, ''),
                              pg_catalog.format('Rebuild run %s of TVIEW "%s" failed after %s committed chunks.',
                                                run, target, chunk_no)),
            HINT = coalesce(nullif(err_hint, ''),
                            CASE WHEN err_state = '57014' AND err_message LIKE '%statement timeout%'
                                 THEN pg_catalog.format('statement_timeout limits the whole CALL: SET statement_timeout = 0, then CALL pg_tviews_rebuild(%L, resume => true) to continue after the last committed chunk.',
                                                        target::text)
                                 ELSE pg_catalog.format('Fix the cause, then CALL pg_tviews_rebuild(%L, resume => true) to continue after the last committed chunk.',
                                                        target::text) END);
    END IF;

    UPDATE tviews_internal.rebuild_run r
       SET state = 'done', finished_at = pg_catalog.clock_timestamp(),
           updated_at = pg_catalog.clock_timestamp()
     WHERE r.run_id = run;
    -- Every key was recomputed, so, like a full refresh, a complete run settles the TVIEW's
    -- backlog: the marks (and keys) recorded before the first run of this chain began.
    IF lo IS NULL AND hi IS NULL THEN
        DELETE FROM tviews_internal.backlog b
         WHERE b.tview = target
           AND b.entry_time < (WITH RECURSIVE chain AS (
                                   SELECT r.run_id, r.resumed_from, r.started_at
                                     FROM tviews_internal.rebuild_run r WHERE r.run_id = run
                                   UNION ALL
                                   SELECT r.run_id, r.resumed_from, r.started_at
                                     FROM tviews_internal.rebuild_run r
                                     JOIN chain ON r.run_id = chain.resumed_from)
                               SELECT pg_catalog.min(chain.started_at) FROM chain);
    END IF;
    COMMIT;
    PERFORM pg_catalog.pg_advisory_unlock(lock_key);
END $$;
COMMENT ON PROCEDURE pg_tviews_rebuild(text, integer, interval, text, text, boolean) IS
    'refresh a TVIEW (or keys lo..hi) in chunks of chunk_size keys, one transaction each, with progress in pg_tviews_progress';

-- Rebuild runs with their progress. A run marked running whose session does not hold the
-- TVIEW's rebuild lock while running a statement has lost its session: it is interrupted.
CREATE VIEW pg_tviews_progress AS
SELECT r.run_id,
       r.tview::text AS entity_name,
       s.state,
       r.pid,
       r.started_at,
       r.updated_at,
       r.finished_at,
       r.chunks_done,
       r.keys_done,
       r.keys_estimate,
       -- The estimate comes from statistics and concurrent inserts add keys: until the run is
       -- done, never claim more than 99.9%.
       CASE WHEN s.state = 'done' THEN 100.0
            WHEN r.keys_estimate > 0
            THEN LEAST(99.9, pg_catalog.round(100.0 * r.keys_done / r.keys_estimate, 1))
       END AS percent_done,
       pg_catalog.round(r.keys_done / nullif(pg_catalog.date_part('epoch',
                            coalesce(r.finished_at, r.updated_at) - r.started_at), 0)::numeric, 1)
           AS keys_per_second,
       CASE WHEN s.state = 'done' THEN r.finished_at
            WHEN s.state = 'running' AND r.keys_done > 0 AND r.updated_at > r.started_at
            THEN r.updated_at + GREATEST(r.keys_estimate - r.keys_done, 0)
                     * ((r.updated_at - r.started_at) / r.keys_done)
       END AS estimated_completion,
       r.last_key,
       r.error,
       r.error_sqlstate,
       r.rows_refreshed,
       r.chunk_size,
       r.lo,
       r.hi,
       r.resumed_from,
       r.chunk_retries
  FROM tviews_internal.rebuild_run r
  CROSS JOIN LATERAL (
      SELECT CASE WHEN r.state = 'running' AND NOT EXISTS (
                      SELECT 1 FROM pg_catalog.pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.pid = r.pid
                         AND l.classid = 29814 AND l.objid = r.tview::oid AND l.objsubid = 1
                         AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                            WHERE d.datname = pg_catalog.current_database())
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
                                          WHERE a.pid = r.pid AND a.state LIKE 'idle%'))
                  THEN 'interrupted' ELSE r.state END AS state) s;
COMMENT ON VIEW pg_tviews_progress IS
    'rebuild runs of TVIEWs: state, chunks and keys done, estimated completion, errors';
