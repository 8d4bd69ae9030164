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
CREATE FUNCTION tviews_internal.graph()
RETURNS TABLE (tview regclass, level integer, dependents integer)
LANGUAGE sql STABLE ROWS 50 SET jit = off AS $$
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
  FROM tviews_internal.tview t
$$;

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
    IF EXISTS (SELECT * FROM @extschema@.pg_tview_meta
               EXCEPT ALL
               SELECT r.entity, r.tview, r.key_column, r.dependencies, r.created_at
                 FROM tviews_internal.meta_rows r)
       OR EXISTS (SELECT r.entity, r.tview, r.key_column, r.dependencies, r.created_at
                    FROM tviews_internal.meta_rows r
                  EXCEPT ALL
                  SELECT * FROM @extschema@.pg_tview_meta)
    THEN
        DELETE FROM @extschema@.pg_tview_meta;
        INSERT INTO @extschema@.pg_tview_meta
        SELECT r.entity, r.tview, r.key_column, r.dependencies, r.created_at
          FROM tviews_internal.meta_rows r
         ORDER BY r.dependents, r.level DESC, r.entity;
    END IF;
    IF EXISTS (SELECT * FROM @extschema@.pg_tview_helpers
               EXCEPT ALL
               SELECT r.entity, r.tview, r.definition_view, 'definition view'
                 FROM tviews_internal.meta_rows r)
       OR EXISTS (SELECT r.entity, r.tview, r.definition_view, 'definition view'
                    FROM tviews_internal.meta_rows r
                  EXCEPT ALL
                  SELECT * FROM @extschema@.pg_tview_helpers)
    THEN
        DELETE FROM @extschema@.pg_tview_helpers;
        INSERT INTO @extschema@.pg_tview_helpers
        SELECT r.entity, r.tview, r.definition_view, 'definition view'
          FROM tviews_internal.meta_rows r
         ORDER BY r.dependents, r.level DESC, r.entity;
    END IF;
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
               'missing_indexes', 'orphaned_capture_triggers']) AS c(name)
     WHERE NOT EXISTS (SELECT 1 FROM problem p WHERE p.check_name = c.name)
)
SELECT o.check_name, o.status, o.tview, o.detail, o.hint
  FROM outcome o
 ORDER BY CASE o.status WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, o.check_name, o.tview
$$;
COMMENT ON FUNCTION pg_tviews_health_check() IS
    'problems with capture, staleness, suspension, refresh errors and indexes (OK, WARNING, ERROR)';
