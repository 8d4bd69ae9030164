-- pg_tviews 0.1.0 -> 0.2.0: TVIEWs for ordinary roles, maintained as their owners.
\echo Use "ALTER EXTENSION pg_tviews UPDATE TO '0.2.0'" to load this file. \quit

-- ============================================================================================
-- Privileges (docs/security.md). A writer of a base table needs no right on TVIEWs or on this
-- catalog: the library maintains TVIEWs as their owners and writes the catalog as the
-- extension's owner. What roles may see is filtered by row-level security: a row of the
-- catalog is visible to whoever may read its TVIEW; rebuild runs and backlog entries may be
-- written by whoever owns it. Public views run with their caller's rights (security_invoker),
-- so the same policies filter them.
-- ============================================================================================

-- Owners of TVIEWs reference their definition views (tviews_internal.tv_x) by name.
GRANT USAGE ON SCHEMA tviews_internal TO PUBLIC;

-- Whether the current user may manage (owns, or is a member of the owner of) a TVIEW.
CREATE FUNCTION tviews_internal.may_manage(tview regclass) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_has_role(c.relowner, 'USAGE')
      FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tview
$$;

-- Whether the current user may read a TVIEW.
CREATE FUNCTION tviews_internal.may_read(tview regclass) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.has_table_privilege(tview, 'SELECT')
$$;

ALTER TABLE tviews_internal.tview ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON tviews_internal.tview FOR SELECT USING (tviews_internal.may_read(tview));
GRANT SELECT ON tviews_internal.tview TO PUBLIC;

ALTER TABLE tviews_internal.source ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON tviews_internal.source FOR SELECT USING (tviews_internal.may_read(tview));
GRANT SELECT ON tviews_internal.source TO PUBLIC;

ALTER TABLE tviews_internal.backlog ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON tviews_internal.backlog FOR SELECT USING (tviews_internal.may_read(tview));
GRANT SELECT ON tviews_internal.backlog TO PUBLIC;

-- pg_tviews_rebuild() records its runs as the caller, who must own the TVIEW.
ALTER TABLE tviews_internal.rebuild_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON tviews_internal.rebuild_run FOR SELECT
    USING (tviews_internal.may_read(tview));
CREATE POLICY owners_insert ON tviews_internal.rebuild_run FOR INSERT
    WITH CHECK (tviews_internal.may_manage(tview));
CREATE POLICY owners_update ON tviews_internal.rebuild_run FOR UPDATE
    USING (tviews_internal.may_manage(tview)) WITH CHECK (tviews_internal.may_manage(tview));
CREATE POLICY owners_delete ON tviews_internal.rebuild_run FOR DELETE
    USING (tviews_internal.may_manage(tview));
GRANT SELECT, INSERT, UPDATE, DELETE ON tviews_internal.rebuild_run TO PUBLIC;
GRANT USAGE ON SEQUENCE tviews_internal.rebuild_run_run_id_seq TO PUBLIC;

-- A complete rebuild settles its TVIEW's backlog: the entries recorded before the first run of
-- its chain began. Only an owner can have written a finished run (policies above), so settling
-- the backlog a finished run covers is safe for anyone to ask for.
CREATE FUNCTION tviews_internal.settle_backlog(run bigint) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE chain AS (
        SELECT r.run_id, r.resumed_from, r.started_at, r.tview
          FROM tviews_internal.rebuild_run r
         WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.state OPERATOR(pg_catalog.=) 'done'
           AND r.lo IS NULL AND r.hi IS NULL
        UNION ALL
        SELECT r.run_id, r.resumed_from, r.started_at, r.tview
          FROM tviews_internal.rebuild_run r
          JOIN chain ON r.run_id OPERATOR(pg_catalog.=) chain.resumed_from
    ), settled AS (
        DELETE FROM tviews_internal.backlog b
         WHERE b.tview::pg_catalog.oid OPERATOR(pg_catalog.=)
               (SELECT c.tview::pg_catalog.oid FROM chain c WHERE c.run_id OPERATOR(pg_catalog.=) run)
           AND b.entry_time OPERATOR(pg_catalog.<) (SELECT pg_catalog.min(c.started_at) FROM chain c)
        RETURNING 1)
    SELECT pg_catalog.count(*) FROM settled
$$;

-- Whether this server preloads the library (the health check's first question), answered by
-- the library itself: reading shared_preload_libraries takes pg_read_all_settings.
CREATE FUNCTION tviews_internal.library_preloaded() RETURNS boolean
    AS 'MODULE_PATHNAME', 'pg_tviews_library_preloaded' LANGUAGE C STABLE;

-- The mirrors runbooks read: readable, filtered; written by superusers only.
ALTER TABLE pg_tview_meta ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON pg_tview_meta FOR SELECT
    USING (tviews_internal.may_read(pg_catalog.to_regclass(tview)));
GRANT SELECT ON pg_tview_meta TO PUBLIC;
ALTER TABLE pg_tview_helpers ENABLE ROW LEVEL SECURITY;
CREATE POLICY readers ON pg_tview_helpers FOR SELECT
    USING (tviews_internal.may_read(pg_catalog.to_regclass(tview)));
GRANT SELECT ON pg_tview_helpers TO PUBLIC;

-- Views run with the caller's rights, so the policies above decide what they show.
ALTER VIEW pg_tviews SET (security_invoker = true);
ALTER VIEW pg_tviews_stats SET (security_invoker = true);
ALTER VIEW pg_tviews_missing_indexes SET (security_invoker = true);
ALTER VIEW pg_tviews_metadata SET (security_invoker = true);
ALTER VIEW pg_tviews_dependencies SET (security_invoker = true);
ALTER VIEW pg_tviews_progress SET (security_invoker = true);
GRANT SELECT ON pg_tviews, pg_tviews_stats, pg_tviews_missing_indexes, pg_tviews_metadata,
                pg_tviews_dependencies, pg_tviews_progress TO PUBLIC;

-- The TVIEW graph covers every TVIEW, whoever asks: levels and dependents of TVIEWs one cannot
-- read still order the ones one can. It reveals no row of any TVIEW.
ALTER FUNCTION tviews_internal.graph() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- Trigger functions and diagnostics are not for direct calls.
REVOKE EXECUTE ON FUNCTION pg_tviews_capture() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_tviews_catalog_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_tviews_catalog_linked() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tviews_internal.sync_mirrors() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_tviews_on_sql_drop() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pg_tviews_selftest(text) FROM PUBLIC;

-- Statistics of dropped TVIEWs are freed when the drop commits.
CREATE FUNCTION pg_tviews_catalog_forgotten() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pg_tviews_catalog_forgotten' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION pg_tviews_catalog_forgotten() FROM PUBLIC;
CREATE TRIGGER tviews_catalog_forgotten AFTER DELETE ON tviews_internal.tview
    FOR EACH ROW EXECUTE FUNCTION pg_tviews_catalog_forgotten();

-- How full the shared statistics table is (all databases): one slot per TVIEW refreshed since
-- the server started, freed when the TVIEW is dropped.
CREATE FUNCTION tviews_internal.stats_slots(OUT used bigint, OUT capacity bigint)
    AS 'MODULE_PATHNAME', 'pg_tviews_stats_slots' LANGUAGE C STABLE;

-- Suspension is checked for ownership before any change, like resume.
CREATE OR REPLACE FUNCTION pg_tviews_suspend(name text DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'pg_tviews_suspend' LANGUAGE C;

-- NULL arguments are refused rather than read as false.
-- Functions that take a TVIEW name resolve it in the caller's search_path, so they cannot pin
-- one: their bodies qualify every object and every operator instead.
CREATE OR REPLACE FUNCTION pg_tviews_drop(name text, if_exists boolean DEFAULT false,
                                          cascade boolean DEFAULT false) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    target regclass;
BEGIN
    IF name IS NULL OR if_exists IS NULL OR cascade IS NULL THEN
        RAISE EXCEPTION '% must not be null',
              CASE WHEN name IS NULL THEN 'TVIEW name' WHEN if_exists IS NULL THEN 'if_exists'
                   ELSE 'cascade' END
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
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
    -- DROP TABLE checks ownership; the sql_drop event trigger removes the catalog rows and the
    -- capture triggers no other TVIEW needs.
    EXECUTE pg_catalog.format('DROP TABLE %s%s', target, CASE WHEN cascade THEN ' CASCADE' ELSE '' END);
    RETURN true;
END $$;

-- Capture triggers on tables no TVIEW reads, found across every TVIEW (whoever may see them).
CREATE FUNCTION tviews_internal.orphaned_capture_triggers()
RETURNS TABLE (tgname name, relation regclass)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.tgname, t.tgrelid::pg_catalog.regclass
      FROM pg_catalog.pg_trigger t
     WHERE t.tgfoid OPERATOR(pg_catalog.=) '@extschema@.pg_tviews_capture()'::pg_catalog.regprocedure
       AND NOT EXISTS (SELECT 1 FROM tviews_internal.source s
                        WHERE s.base::pg_catalog.oid OPERATOR(pg_catalog.=) t.tgrelid)
     ORDER BY 2, 1
$$;

-- Removes capture triggers from base tables that no TVIEW reads any more; returns how many. The
-- caller must own those tables (DROP TRIGGER checks it).
CREATE OR REPLACE FUNCTION pg_tviews_prune_capture() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT o.tgname, o.relation FROM tviews_internal.orphaned_capture_triggers() o LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', r.tgname, r.relation);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- Whatever drops a TVIEW or a base table (DROP TABLE, DROP SCHEMA CASCADE, DROP OWNED, ...),
-- the catalog follows. It runs as the extension's owner: the dropping role may be any role that
-- owns a TVIEW or a table one reads, and it writes nothing of its own here.
CREATE OR REPLACE FUNCTION pg_tviews_on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_catalog.to_regclass('tviews_internal.tview') IS NULL THEN
        RETURN;  -- the extension itself is being dropped
    END IF;
    -- Only dropped TVIEWs and base tables (not their columns) concern the catalog. Returning
    -- early also ignores our own DROP TRIGGERs, and spares every other DROP (temporary tables
    -- included) a catalog write, which would make every session reload its catalog cache.
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() d
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND d.objsubid OPERATOR(pg_catalog.=) 0
                      AND (EXISTS (SELECT 1 FROM tviews_internal.tview t
                                    WHERE t.tview::pg_catalog.oid OPERATOR(pg_catalog.=) d.objid)
                           OR EXISTS (SELECT 1 FROM tviews_internal.source s
                                       WHERE s.base::pg_catalog.oid OPERATOR(pg_catalog.=) d.objid))) THEN
        RETURN;
    END IF;
    -- objsubid = 0: a dropped column reports its table's oid with the column number.
    DELETE FROM tviews_internal.tview t
     USING pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.objsubid OPERATOR(pg_catalog.=) 0
       AND d.objid OPERATOR(pg_catalog.=) t.tview::pg_catalog.oid;
    DELETE FROM tviews_internal.source s
     USING pg_catalog.pg_event_trigger_dropped_objects() d
     WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.objsubid OPERATOR(pg_catalog.=) 0
       AND d.objid OPERATOR(pg_catalog.=) s.base::pg_catalog.oid;
    PERFORM @extschema@.pg_tviews_prune_capture();
END $$;

CREATE OR REPLACE FUNCTION pg_tviews_plan(name text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT t.plan FROM tviews_internal.tview t
     WHERE t.tview::pg_catalog.oid OPERATOR(pg_catalog.=)
           @extschema@.pg_tviews_resolve(name)::pg_catalog.oid
$$;

-- Functions whose output names relations keep the caller's search_path, so that names come out
-- as the caller would write them (tv_post, not public.tv_post): their bodies qualify every
-- operator. The health check also reads orphaned capture triggers across every TVIEW, not only
-- the ones the caller may read.
CREATE OR REPLACE FUNCTION pg_tviews_get_queue()
RETURNS TABLE (entity_name text, entity text, key text, reason text, entry_time timestamptz,
               entry_age interval, suspended boolean)
LANGUAGE sql STABLE AS $$
    SELECT b.tview::pg_catalog.text, t.entity, b.key, b.reason, b.entry_time,
           pg_catalog.now() OPERATOR(pg_catalog.-) b.entry_time, t.suspended_at IS NOT NULL
      FROM tviews_internal.backlog b
      JOIN tviews_internal.tview t
        ON t.tview::pg_catalog.oid OPERATOR(pg_catalog.=) b.tview::pg_catalog.oid
     ORDER BY b.entry_time, 1, b.key
$$;

CREATE OR REPLACE FUNCTION pg_tviews_health_check()
RETURNS TABLE (check_name text, status text, tview text, detail text, hint text)
LANGUAGE sql STABLE AS $$
WITH capture AS (
    SELECT '@extschema@.pg_tviews_capture()'::pg_catalog.regprocedure::pg_catalog.oid AS fn
), capture_name (tgname) AS (
    VALUES ('pg_tviews_capture_delete'::pg_catalog.name), ('pg_tviews_capture_insert'),
           ('pg_tviews_capture_truncate'), ('pg_tviews_capture_update')
), problem AS (
    SELECT 'preload' AS check_name, 'ERROR' AS status, NULL::pg_catalog.text AS tview,
           'pg_tviews is not in shared_preload_libraries: sessions that have not loaded it miss '
           'writes, and statistics and conflict detection are off' AS detail,
           'Add pg_tviews to shared_preload_libraries and restart the server.' AS hint
     WHERE NOT tviews_internal.library_preloaded()
    UNION ALL
    SELECT 'capture_triggers_missing', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::pg_catalog.text, ', '),
           pg_catalog.format('%s has no trigger %s: its writes reach no TVIEW', s.base, e.tgname),
           'Run SELECT pg_tviews_install_stmt_triggers(); then pg_tviews_refresh(name, force => true) for these TVIEWs.'
      FROM tviews_internal.source s CROSS JOIN capture_name e
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t, capture
                        WHERE t.tgrelid OPERATOR(pg_catalog.=) s.base::pg_catalog.oid
                          AND t.tgname OPERATOR(pg_catalog.=) e.tgname
                          AND t.tgfoid OPERATOR(pg_catalog.=) capture.fn)
     GROUP BY s.base, e.tgname
    UNION ALL
    SELECT 'capture_triggers_disabled', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::pg_catalog.text, ', '),
           pg_catalog.format('trigger %s on %s is %s: its writes reach no TVIEW', t.tgname, s.base,
                             CASE WHEN t.tgenabled OPERATOR(pg_catalog.=) 'D' THEN 'disabled'
                                  ELSE 'enabled for replication sessions only' END),
           pg_catalog.format('Run ALTER TABLE %s ENABLE TRIGGER %I; then pg_tviews_refresh(name, force => true) for these TVIEWs.',
                             s.base, t.tgname)
      FROM tviews_internal.source s
      JOIN pg_catalog.pg_trigger t ON t.tgrelid OPERATOR(pg_catalog.=) s.base::pg_catalog.oid
      JOIN capture ON t.tgfoid OPERATOR(pg_catalog.=) capture.fn
     WHERE NOT (t.tgenabled OPERATOR(pg_catalog.=) ANY (ARRAY['O', 'A']::pg_catalog."char"[]))
     GROUP BY s.base, t.tgname, t.tgenabled
    UNION ALL
    -- The logical replication apply worker fires row triggers only, never statement triggers
    -- like ours: on a subscriber, TVIEWs over subscribed tables do not follow replicated changes.
    SELECT 'replicated_base_tables', 'ERROR',
           pg_catalog.string_agg(DISTINCT s.tview::pg_catalog.text, ', '),
           pg_catalog.format('%s receives changes from subscription %s, which fire no capture trigger: these TVIEWs do not follow them',
                             s.base, pg_catalog.string_agg(DISTINCT sub.subname, ', ')),
           'Maintain the TVIEWs on the publisher and replicate their tables, or refresh them here with pg_tviews_refresh or pg_tviews_rebuild.'
      FROM tviews_internal.source s
      JOIN pg_catalog.pg_subscription_rel sr
        ON sr.srrelid OPERATOR(pg_catalog.=) s.base::pg_catalog.oid
      JOIN pg_catalog.pg_subscription sub ON sub.oid OPERATOR(pg_catalog.=) sr.srsubid
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
           pg_catalog.format('trigger %s on %s serves no TVIEW', o.tgname, o.relation),
           'Run SELECT pg_tviews_prune_capture(); to remove it.'
      FROM tviews_internal.orphaned_capture_triggers() o
), outcome AS (
    SELECT p.check_name, p.status, p.tview, p.detail, p.hint FROM problem p
    UNION ALL
    SELECT c.name, 'OK', NULL, 'no problem found', NULL
      FROM pg_catalog.unnest(ARRAY['preload', 'capture_triggers_missing',
               'capture_triggers_disabled', 'stale', 'suspended', 'refresh_errors',
               'missing_indexes', 'orphaned_capture_triggers', 'replicated_base_tables']) AS c(name)
     WHERE NOT EXISTS (SELECT 1 FROM problem p WHERE p.check_name OPERATOR(pg_catalog.=) c.name)
)
SELECT o.check_name, o.status, o.tview, o.detail, o.hint
  FROM outcome o
 ORDER BY CASE WHEN o.status OPERATOR(pg_catalog.=) 'ERROR' THEN 0
               WHEN o.status OPERATOR(pg_catalog.=) 'WARNING' THEN 1 ELSE 2 END,
          o.check_name, o.tview
$$;

-- Every other function of the extension written in SQL or PL/pgSQL runs with a pinned
-- search_path. pg_tviews_rebuild, a procedure that commits, cannot carry a SET clause: it pins
-- the path itself in each of its transactions once it has resolved the name.
ALTER FUNCTION pg_tviews_check_jsonb_ivm() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION tviews_internal.rebuild_bounds(name, text, text, text, text)
    SET search_path = pg_catalog, pg_temp;

-- Rebuilding is reserved to the TVIEW's owner.
CREATE OR REPLACE PROCEDURE pg_tviews_rebuild(name text, chunk_size integer DEFAULT 10000,
                                   pause interval DEFAULT '0', lo text DEFAULT NULL,
                                   hi text DEFAULT NULL, resume boolean DEFAULT false)
LANGUAGE plpgsql AS $$
DECLARE
    target       regclass;
    shown        text;     -- the TVIEW as the caller's search_path spells it, for messages
    caller_path  text := pg_catalog.current_setting('search_path');
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
    IF chunk_size OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'chunk_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF pause OPERATOR(pg_catalog.<) interval '0' THEN
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
    IF NOT tviews_internal.may_manage(target) THEN
        RAISE EXCEPTION 'must be owner of TVIEW "%" to rebuild it', target
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = pg_catalog.format('TVIEW "%s" is owned by role "%s".', target,
                                             (SELECT c.relowner::pg_catalog.regrole
                                                FROM pg_catalog.pg_class c
                                               WHERE c.oid OPERATOR(pg_catalog.=) target)),
                  HINT = 'Run it as a member of that role, or as a superuser.';
    END IF;
    -- From here on nothing depends on the caller's search_path. A local setting ends with each
    -- transaction, so it is made again after every COMMIT, and never outlives the call.
    shown := target::text;
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);

    SELECT t.key_column, t.definition, t.suspended_at IS NOT NULL,
           pg_catalog.format_type(a.atttypid, a.atttypmod)
      INTO key_column, definition, suspended, key_type
      FROM tviews_internal.tview t
      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tview AND a.attname = t.key_column
     WHERE t.tview = target;
    IF suspended THEN
        RAISE EXCEPTION 'TVIEW "%" is suspended', shown
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its pending keys are kept in the backlog until it is resumed.',
                  HINT = pg_catalog.format('Resume it with pg_tviews_resume(%L) first.', shown);
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
        RAISE EXCEPTION 'TVIEW "%" is already being rebuilt', shown
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
                RAISE EXCEPTION 'TVIEW "%" has no failed or interrupted rebuild to resume', shown
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
    -- A new transaction: pin the search_path again (see above).
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);

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
                    RAISE EXCEPTION 'TVIEW "%" was suspended during its rebuild', shown
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
            -- A new transaction: pin the search_path again (see above).
            PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
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
        -- A new transaction: pin the search_path again (see above).
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
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
        -- A new transaction: pin the search_path again (see above).
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
        PERFORM pg_catalog.pg_advisory_unlock(lock_key);
        RAISE EXCEPTION USING
            ERRCODE = err_state, MESSAGE = err_message,
            DETAIL = coalesce(nullif(err_detail, ''),
                              pg_catalog.format('Rebuild run %s of TVIEW "%s" failed after %s committed chunks.',
                                                run, shown, chunk_no)),
            HINT = coalesce(nullif(err_hint, ''),
                            CASE WHEN err_state = '57014' AND err_message LIKE '%statement timeout%'
                                 THEN pg_catalog.format('statement_timeout limits the whole CALL: SET statement_timeout = 0, then CALL pg_tviews_rebuild(%L, resume => true) to continue after the last committed chunk.',
                                                        shown)
                                 ELSE pg_catalog.format('Fix the cause, then CALL pg_tviews_rebuild(%L, resume => true) to continue after the last committed chunk.',
                                                        shown) END);
    END IF;

    UPDATE tviews_internal.rebuild_run r
       SET state = 'done', finished_at = pg_catalog.clock_timestamp(),
           updated_at = pg_catalog.clock_timestamp()
     WHERE r.run_id = run;
    -- Every key was recomputed, so, like a full refresh, a complete run settles the TVIEW's
    -- backlog: the marks (and keys) recorded before the first run of this chain began.
    IF lo IS NULL AND hi IS NULL THEN
        PERFORM tviews_internal.settle_backlog(run);
    END IF;
    COMMIT;
    PERFORM pg_catalog.pg_advisory_unlock(lock_key);
    -- The caller goes on in this transaction (a DO block, say) with its own search_path.
    PERFORM pg_catalog.set_config('search_path', caller_path, true);
END $$;
