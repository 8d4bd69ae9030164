-- pg_tviews 0.2.0 -> 0.1.0: back to the released catalog, for a rollback after a failed upgrade.
-- The 0.2.0 library works with it (writers and superusers); ordinary roles lose what 0.2.0 gave
-- them (docs/security.md).
\echo Use "ALTER EXTENSION pg_tviews UPDATE TO '0.1.0'" to load this file. \quit

-- Functions as 0.1.0 defined them (the privilege checks of the library stay).


CREATE OR REPLACE FUNCTION pg_tviews_suspend(name text DEFAULT NULL) RETURNS integer
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

CREATE OR REPLACE FUNCTION pg_tviews_drop(name text, if_exists boolean DEFAULT false,
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

CREATE OR REPLACE FUNCTION pg_tviews_prune_capture() RETURNS integer
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

CREATE OR REPLACE FUNCTION pg_tviews_on_sql_drop() RETURNS event_trigger
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

CREATE OR REPLACE FUNCTION pg_tviews_plan(name text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT t.plan FROM tviews_internal.tview t WHERE t.tview = @extschema@.pg_tviews_resolve(name)
$$;

CREATE OR REPLACE FUNCTION pg_tviews_get_queue()
RETURNS TABLE (entity_name text, entity text, key text, reason text, entry_time timestamptz,
               entry_age interval, suspended boolean)
LANGUAGE sql STABLE AS $$
    SELECT b.tview::text, t.entity, b.key, b.reason, b.entry_time,
           pg_catalog.now() - b.entry_time, t.suspended_at IS NOT NULL
      FROM tviews_internal.backlog b
      JOIN tviews_internal.tview t ON t.tview = b.tview
     ORDER BY b.entry_time, 1, b.key
$$;

CREATE OR REPLACE FUNCTION pg_tviews_health_check()
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

CREATE OR REPLACE PROCEDURE pg_tviews_rebuild(name text, chunk_size integer DEFAULT 10000,
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


ALTER FUNCTION pg_tviews_check_jsonb_ivm() RESET search_path;
ALTER FUNCTION tviews_internal.rebuild_bounds(name, text, text, text, text) RESET search_path;
ALTER FUNCTION tviews_internal.graph() SECURITY INVOKER RESET search_path;

DROP FUNCTION tviews_internal.orphaned_capture_triggers();
DROP FUNCTION tviews_internal.settle_backlog(bigint);
DROP FUNCTION tviews_internal.library_preloaded();
DROP TRIGGER tviews_catalog_forgotten ON tviews_internal.tview;
DROP FUNCTION pg_tviews_catalog_forgotten();
DROP FUNCTION tviews_internal.stats_slots();

GRANT EXECUTE ON FUNCTION pg_tviews_capture(), pg_tviews_catalog_changed(),
    pg_tviews_catalog_linked(), tviews_internal.sync_mirrors(), pg_tviews_on_sql_drop(),
    pg_tviews_selftest(text) TO PUBLIC;

REVOKE SELECT ON pg_tviews, pg_tviews_stats, pg_tviews_missing_indexes, pg_tviews_metadata,
                 pg_tviews_dependencies, pg_tviews_progress FROM PUBLIC;
ALTER VIEW pg_tviews RESET (security_invoker);
ALTER VIEW pg_tviews_stats RESET (security_invoker);
ALTER VIEW pg_tviews_missing_indexes RESET (security_invoker);
ALTER VIEW pg_tviews_metadata RESET (security_invoker);
ALTER VIEW pg_tviews_dependencies RESET (security_invoker);
ALTER VIEW pg_tviews_progress RESET (security_invoker);

DROP POLICY readers ON pg_tview_helpers;
REVOKE SELECT ON pg_tview_helpers FROM PUBLIC;
ALTER TABLE pg_tview_helpers DISABLE ROW LEVEL SECURITY;
DROP POLICY readers ON pg_tview_meta;
REVOKE SELECT ON pg_tview_meta FROM PUBLIC;
ALTER TABLE pg_tview_meta DISABLE ROW LEVEL SECURITY;

DROP POLICY readers ON tviews_internal.rebuild_run;
DROP POLICY owners_insert ON tviews_internal.rebuild_run;
DROP POLICY owners_update ON tviews_internal.rebuild_run;
DROP POLICY owners_delete ON tviews_internal.rebuild_run;
REVOKE SELECT, INSERT, UPDATE, DELETE ON tviews_internal.rebuild_run FROM PUBLIC;
REVOKE USAGE ON SEQUENCE tviews_internal.rebuild_run_run_id_seq FROM PUBLIC;
ALTER TABLE tviews_internal.rebuild_run DISABLE ROW LEVEL SECURITY;

DROP POLICY readers ON tviews_internal.backlog;
REVOKE SELECT ON tviews_internal.backlog FROM PUBLIC;
ALTER TABLE tviews_internal.backlog DISABLE ROW LEVEL SECURITY;

DROP POLICY readers ON tviews_internal.source;
REVOKE SELECT ON tviews_internal.source FROM PUBLIC;
ALTER TABLE tviews_internal.source DISABLE ROW LEVEL SECURITY;

DROP POLICY readers ON tviews_internal.tview;
REVOKE SELECT ON tviews_internal.tview FROM PUBLIC;
ALTER TABLE tviews_internal.tview DISABLE ROW LEVEL SECURITY;

DROP FUNCTION tviews_internal.may_read(regclass);
DROP FUNCTION tviews_internal.may_manage(regclass);
REVOKE USAGE ON SCHEMA tviews_internal FROM PUBLIC;
