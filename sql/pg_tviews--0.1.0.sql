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
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
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

SELECT pg_catalog.pg_extension_config_dump('tviews_internal.tview', '');
SELECT pg_catalog.pg_extension_config_dump('tviews_internal.source', '');

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
-- statement, same locks) and returns how many rows the definition produced for them.
CREATE FUNCTION pg_tviews_refresh(name text, force boolean DEFAULT false) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pg_tviews_refresh' LANGUAGE C;
COMMENT ON FUNCTION pg_tviews_refresh(text, boolean) IS
    'recompute every row of a TVIEW (a full refresh always repairs it; force is accepted)';
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
