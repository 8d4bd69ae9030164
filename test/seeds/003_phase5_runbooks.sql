-- The SQL statements of seed 003 (Phase 5.1: Operations Runbooks) that touch pg_tviews objects, verbatim
-- (../shared/seeds/003_ff319b0cb3339acf.txt), one case per block or statement; format and
-- placeholders: test/seeds/README.md. Run by scripts/test.sh seeds.

-- @case 003 lines 146-160: TVIEW Health Check Runbook / Procedure / Quick Check (2 minutes)
-- @db fixture
-- @expect ok
-- Check 1: All TVIEWs are defined
SELECT COUNT(*) as tview_count FROM pg_tviews_metadata;

-- Check 2: No TVIEWs in error state
SELECT entity_name FROM pg_tviews_metadata WHERE last_error IS NOT NULL;

-- Check 3: Queue is empty
SELECT COUNT(*) as queue_size FROM pg_tviews_get_queue();

-- Check 4: Recent refresh times
SELECT entity_name, last_refresh_time,
  EXTRACT(EPOCH FROM (now() - last_refresh_time)) as seconds_ago
FROM pg_tviews_metadata
ORDER BY last_refresh_time DESC
LIMIT 10;

-- @case 003 lines 166-200: TVIEW Health Check Runbook / Procedure / Full Health Check (5-10 minutes)
-- @db fixture
-- @expect ok
-- Full diagnostics
WITH tview_stats AS (
  SELECT
    entity_name,
    backing_table_name,
    last_refresh_time,
    last_error,
    (SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES
     WHERE TABLE_NAME = backing_table_name) as backing_exists,
    (SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES
     WHERE TABLE_NAME = entity_name) as tview_exists
  FROM pg_tviews_metadata
)
SELECT
  entity_name,
  CASE
    WHEN backing_exists = 0 THEN '❌ BACKING TABLE MISSING'
    WHEN tview_exists = 0 THEN '❌ TVIEW MISSING'
    WHEN last_error IS NOT NULL THEN '⚠️  ERROR: ' || last_error
    WHEN (now() - last_refresh_time) > interval '1 hour' THEN '⚠️  STALE'
    ELSE '✅ OK'
  END as status,
  EXTRACT(EPOCH FROM (now() - last_refresh_time)) as seconds_since_refresh
FROM tview_stats
ORDER BY entity_name;

-- Queue depth and 2PC status
SELECT COUNT(*) as queue_size FROM pg_tviews_get_queue();
SELECT COUNT(*) as prepared_xacts FROM pg_prepared_xacts;

-- Active refresh transactions
SELECT pid, usename, state, query, query_start
FROM pg_stat_activity
WHERE query ILIKE '%tview%' AND state != 'idle'
ORDER BY query_start DESC;

-- @case 003 line 215 (psql -c in a bash block): Check if backing table has changed
-- @db fixture
-- @expect ok
SELECT COUNT(*) FROM backing_table_name;

-- @case 003 line 221 (psql -c in a bash block): If changed: manually trigger refresh
-- @db fixture
-- @expect ok
SELECT pg_tviews_refresh('entity_name');

-- @case 003 line 224 (psql -c in a bash block): If unchanged: backing table may be frozen, check:
-- @db fixture
-- @expect ok
SELECT xmin, xmax FROM backing_table_name LIMIT 1;

-- @case 003 line 230 (psql -c in a bash block): View error details
-- @db fixture
-- @expect ok
SELECT last_error FROM pg_tviews_metadata WHERE entity_name = 'entity_name';

-- @case 003 line 236 (psql -c in a bash block): For data errors: investigate backing table
-- @db fixture
-- @expect ok
SELECT * FROM backing_table_name WHERE ... LIMIT 1;

-- @case 003 line 242 (bash block): View queue
-- @db fixture
-- @expect ok
SELECT * FROM pg_tviews_get_queue() LIMIT 50;

-- @case 003 line 245 (bash block): Check if 2PC transactions are preparing
-- @db fixture
-- @expect ok
SELECT * FROM pg_prepared_xacts;

-- @case 003 lines 294-304: Queue Management Runbook / Monitoring Queue / View Queue Status
-- @db fixture
-- @expect ok
-- Simple queue depth
SELECT COUNT(*) as queue_size FROM pg_tviews_get_queue();

-- Queue details
SELECT * FROM pg_tviews_get_queue();

-- Queue by TVIEW
SELECT entity_name, COUNT(*) as queued_refreshes
FROM pg_tviews_get_queue()
GROUP BY entity_name
ORDER BY COUNT(*) DESC;

-- @case 003 lines 323-331: Queue Management Runbook / Managing 2PC Transactions / View Prepared Transactions
-- @db fixture
-- @expect ok
-- List all prepared transactions
SELECT gid, prepared, owner FROM pg_prepared_xacts;

-- Prepared transactions older than 1 hour
SELECT gid, prepared, owner,
  EXTRACT(EPOCH FROM (now() - prepared)) as age_seconds
FROM pg_prepared_xacts
WHERE (now() - prepared) > interval '1 hour'
ORDER BY prepared ASC;

-- @case 003 lines 351-352: Queue Management Runbook / Managing 2PC Transactions / Recovering Stuck 2PC Transactions
-- @db sandbox
-- @expect ok
-- @setup BEGIN; UPDATE tb_post SET title = 'prepared' WHERE pk_post = 1; PREPARE TRANSACTION 'gid_value';
-- @check SELECT data->>'title' = 'prepared' FROM tv_post WHERE pk_post = 1
-- Option 1: Commit orphaned transaction (if data is known good)
COMMIT PREPARED 'gid_value';

-- @case 003 lines 354-358: Queue Management Runbook / Managing 2PC Transactions / Recovering Stuck 2PC Transactions
-- @db continue
-- @expect ok
-- @setup BEGIN; UPDATE tb_post SET title = 'rolled back' WHERE pk_post = 1; PREPARE TRANSACTION 'gid_value';
-- @check SELECT data->>'title' = 'prepared' FROM tv_post WHERE pk_post = 1
-- Option 2: Rollback orphaned transaction (if data is suspect)
ROLLBACK PREPARED 'gid_value';

-- Option 3: Keep watching if recent (< 5 minutes)
-- Often will complete naturally

-- @case 003 lines 365-373: Queue Management Runbook / Cleaning Orphaned Queue Entries / Identify Orphaned Entries
-- @db fixture
-- @expect ok
-- Queue entries for non-existent TVIEWs
SELECT q.entity_name
FROM pg_tviews_get_queue() q
LEFT JOIN pg_tviews_metadata m ON q.entity_name = m.entity_name
WHERE m.entity_name IS NULL;

-- Very old queue entries (> 30 minutes)
SELECT * FROM pg_tviews_get_queue()
WHERE entry_age > interval '30 minutes';

-- @case 003 line 380 (psql -c in a bash block): Confirm TVIEWs don't exist
-- @db fixture
-- @expect ok
SELECT COUNT(*) FROM pg_tviews_metadata WHERE entity_name = 'entity_name';

-- @case 003 lines 387-397: Should return 0
-- @db fixture
-- @expect ok
-- Pause refresh triggers (stops new queue entries)
-- See Emergency Procedures for procedure

-- Wait 30 seconds for in-progress refreshes
SELECT pg_sleep(30);

-- Check if queue is now empty
SELECT COUNT(*) FROM pg_tviews_get_queue();

-- If still has entries for deleted TVIEWs, truncate queue table
-- (requires knowing internal queue table name)

-- @case 003 line 417 (psql -tAc in a bash block): Run every minute, alert if queue > 100 or age > 10 minutes
-- @db fixture
-- @expect ok
SELECT queue_depth, max_age_minutes,
  CASE
    WHEN queue_depth > 1000 THEN 'CRITICAL'
    WHEN queue_depth > 100 THEN 'WARNING'
    WHEN max_age_minutes > 10 THEN 'WARNING'
    ELSE 'OK'
  END as status
FROM (
  SELECT
    COUNT(*) as queue_depth,
    COALESCE(EXTRACT(EPOCH FROM (now() - MIN(entry_time)))/60, 0) as max_age_minutes
  FROM pg_tviews_get_queue()
) stats;

-- @case 003 lines 488-492: Manual Refresh Runbook / Single TVIEW Refresh / Basic Refresh
-- @db fixture
-- @expect ok
-- Refresh single TVIEW
SELECT pg_tviews_refresh('entity_name');

-- Wait for completion and check success
SELECT * FROM pg_tviews_metadata WHERE entity_name = 'entity_name';

-- @case 003 lines 497-508: Manual Refresh Runbook / Single TVIEW Refresh / With Error Handling
-- @db fixture
-- @expect ok
DO $$
DECLARE
  result TEXT;
  error_msg TEXT;
BEGIN
  PERFORM pg_tviews_refresh('entity_name');
  RAISE NOTICE 'Refresh completed successfully';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS error_msg = MESSAGE_TEXT;
  RAISE NOTICE 'Refresh failed: %', error_msg;
  -- Log error somewhere
END $$;

-- @case 003 lines 513-519: Manual Refresh Runbook / Single TVIEW Refresh / Force Refresh
-- @db fixture
-- @expect ok
-- @check SELECT (SELECT count(*) FROM tv_post) = (SELECT count(*) FROM tb_post)
-- Refresh regardless of timestamps
SELECT pg_tviews_refresh('entity_name', force => true);

-- Wait and verify
SELECT COUNT(*) FROM entity_name;
SELECT COUNT(*) FROM backing_table;
-- Counts should match

-- @case 003 lines 526-539: Manual Refresh Runbook / Refresh All TVIEWs / Sequential Refresh (safe, slow)
-- @db fixture
-- @expect ok
DO $$
DECLARE
  rec RECORD;
  count INT := 0;
BEGIN
  FOR rec IN SELECT entity_name FROM pg_tviews_metadata
             ORDER BY refresh_priority DESC LOOP
    RAISE NOTICE 'Refreshing % (%/%)', rec.entity_name, count + 1,
                 (SELECT COUNT(*) FROM pg_tviews_metadata);
    PERFORM pg_tviews_refresh(rec.entity_name);
    count := count + 1;
  END LOOP;
  RAISE NOTICE 'Completed refreshing % TVIEWs', count;
END $$;

-- @case 003 line 547 (psql -tAc in a bash block): Refresh all TVIEWs in parallel (up to 4 concurrent)
-- @db fixture
-- @expect ok
SELECT entity_name FROM pg_tviews_metadata

-- @case 003 line 550 (psql -c inside bash -c, as psql receives it): Refresh all TVIEWs in parallel (up to 4 concurrent)
-- @db fixture
-- @expect error 42703 column "tv_post" does not exist
SELECT pg_tviews_refresh("{}");

-- @case 003 lines 560-567: Refresh all TVIEWs in parallel (up to 4 concurrent) / Monitoring Refresh Progress / During Refresh
-- @db fixture
-- @expect ok
-- Watch active refresh transactions
SELECT pid, query_start, state, query
FROM pg_stat_activity
WHERE query ILIKE '%tview%'
ORDER BY query_start DESC;

-- Check queue (should be decreasing)
SELECT COUNT(*) FROM pg_tviews_get_queue();

-- @case 003 lines 572-579: Refresh all TVIEWs in parallel (up to 4 concurrent) / Monitoring Refresh Progress / Refresh Performance
-- @db fixture
-- @expect ok
-- How long did last refresh take?
SELECT entity_name,
  EXTRACT(EPOCH FROM (now() - last_refresh_time)) as seconds_ago,
  last_refresh_duration_ms
FROM pg_tviews_metadata
WHERE entity_name = 'entity_name';

-- If duration > 10 seconds: may need optimization (see troubleshooting)

-- @case 003 lines 586-592: Refresh all TVIEWs in parallel (up to 4 concurrent) / Troubleshooting / Refresh Fails with Error
-- @db fixture
-- @expect ok
-- See the error
SELECT last_error FROM pg_tviews_metadata WHERE entity_name = 'entity_name';

-- Common errors:
-- - "relation does not exist": Check backing table exists
-- - "out of memory": Increase work_mem, try incremental refresh
-- - "timeout": Refresh taking too long, check large data changes

-- @case 003 lines 597-607: Refresh all TVIEWs in parallel (up to 4 concurrent) / Troubleshooting / Refresh Takes Very Long
-- @db fixture
-- @expect ok
-- Check what's happening
SELECT * FROM pg_stat_activity WHERE query ILIKE '%entity_name%';

-- Check data size
SELECT pg_size_pretty(pg_total_relation_size('backing_table'));
SELECT COUNT(*) FROM backing_table;

-- May need to:
-- 1. Cancel and try incremental refresh
-- 2. Increase available memory
-- 3. Add indexes to backing table

-- @case 003 lines 612-615: Refresh all TVIEWs in parallel (up to 4 concurrent) / Troubleshooting / Timeout During Refresh
-- @db fixture
-- @expect ok
-- Increase timeout for current session
SET statement_timeout = 60000;  -- 60 seconds
SELECT pg_tviews_refresh('entity_name');
RESET statement_timeout;

-- @case 003 lines 666-682: Emergency Procedures Runbook / EMERGENCY 1: Disable All TVIEW Triggers / Execute
-- @db sandbox
-- @expect ok
-- @stale
-- @check SELECT count(*) = 15 FROM pg_trigger WHERE tgname LIKE 'pg\_tviews\_capture\_%' AND tgenabled = 'D'
-- @check SELECT count(*) = 15 FROM pg_tviews_health_check() WHERE check_name = 'capture_triggers_disabled' AND status = 'ERROR'
-- @check SELECT bool_and(stale) FROM pg_tviews_metadata
-- Step 1: Disable all TVIEW refresh triggers
DO $$
DECLARE
  rec RECORD;
  count INT := 0;
BEGIN
  FOR rec IN
    SELECT DISTINCT trigger_name, event_object_table
    FROM information_schema.triggers
    WHERE trigger_name LIKE 'pg_tviews_%'
  LOOP
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER %I',
                  rec.event_object_table, rec.trigger_name);
    count := count + 1;
  END LOOP;
  RAISE NOTICE 'Disabled % triggers', count;
END $$;

-- @case 003 lines 684-692: Emergency Procedures Runbook / EMERGENCY 1: Disable All TVIEW Triggers / Execute
-- @db continue
-- @expect error 42703 column "is_enabled" does not exist
-- @stale
-- Step 2: Verify triggers disabled
SELECT trigger_name, event_object_table, is_enabled
FROM information_schema.triggers
WHERE trigger_name LIKE 'pg_tviews_%'
AND is_enabled = true;
-- Should return NO ROWS if all disabled

-- Step 3: Notify team
-- TVIEWS ARE NOW READ-ONLY - DO NOT RUN APPLICATIONS EXPECTING AUTO-REFRESH

-- @case 003 lines 698-728: Emergency Procedures Runbook / EMERGENCY 1: Disable All TVIEW Triggers / Restore
-- @db continue
-- @expect ok
-- @setup UPDATE tb_post SET title = 'written while capture was off' WHERE pk_post = 2;
-- @check SELECT bool_and(status = 'OK') FROM pg_tviews_health_check()
-- @check SELECT count(*) = 0 FROM pg_tviews_get_queue()
-- @check SELECT data->>'title' = 'written while capture was off' FROM tv_post WHERE pk_post = 2
-- When issue is fixed, re-enable triggers
DO $$
DECLARE
  rec RECORD;
  count INT := 0;
BEGIN
  FOR rec IN
    SELECT DISTINCT trigger_name, event_object_table
    FROM information_schema.triggers
    WHERE trigger_name LIKE 'pg_tviews_%'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE TRIGGER %I',
                  rec.event_object_table, rec.trigger_name);
    count := count + 1;
  END LOOP;
  RAISE NOTICE 'Enabled % triggers', count;
END $$;

-- Step 2: Refresh all TVIEWs to get current data
DO $$
DECLARE
  rec RECORD;
BEGIN
  FOR rec IN SELECT entity_name FROM pg_tviews_metadata LOOP
    PERFORM pg_tviews_refresh(rec.entity_name, force => true);
  END LOOP;
END $$;

-- Step 3: Verify
SELECT COUNT(*) as tview_count FROM pg_tviews_metadata;
SELECT COUNT(*) FROM pg_tviews_get_queue();  -- Should be small

-- @case 003 lines 742-806: Emergency Procedures Runbook / EMERGENCY 2: Clear Stuck Queue / Execute
-- @db sandbox
-- @expect ok
-- @check SELECT bool_and(status = 'OK') FROM pg_tviews_health_check()
-- Step 1: Identify what's stuck
SELECT entity_name, COUNT(*) as count,
  MAX(entry_time) as oldest
FROM pg_tviews_get_queue()
GROUP BY entity_name
ORDER BY count DESC;

-- Step 2: Stop applications (they won't get updates)
-- Notify: All TVIEW updates are paused

-- Step 3: Disable triggers (stops new queue entries)
DO $$
DECLARE
  rec RECORD;
BEGIN
  FOR rec IN
    SELECT DISTINCT trigger_name, event_object_table
    FROM information_schema.triggers
    WHERE trigger_name LIKE 'pg_tviews_%'
  LOOP
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER %I',
                  rec.event_object_table, rec.trigger_name);
  END LOOP;
END $$;

-- Step 4: Wait for in-flight transactions to complete
SELECT pg_sleep(60);

-- Step 5: Check queue again
SELECT COUNT(*) FROM pg_tviews_get_queue();

-- Step 6: If queue still has entries, TRUNCATE internal queue table
-- WARNING: This is destructive, only do after all refreshes should be done
-- TRUNCATE pg_tviews_internal.queue;

-- Step 7: Re-enable triggers
DO $$
DECLARE
  rec RECORD;
BEGIN
  FOR rec IN
    SELECT DISTINCT trigger_name, event_object_table
    FROM information_schema.triggers
    WHERE trigger_name LIKE 'pg_tviews_%'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE TRIGGER %I',
                  rec.event_object_table, rec.trigger_name);
  END LOOP;
END $$;

-- Step 8: Manually refresh all TVIEWs
DO $$
DECLARE
  rec RECORD;
  count INT := 0;
BEGIN
  FOR rec IN SELECT entity_name FROM pg_tviews_metadata LOOP
    PERFORM pg_tviews_refresh(rec.entity_name, force => true);
    count := count + 1;
  END LOOP;
  RAISE NOTICE 'Refreshed % TVIEWs', count;
END $$;

-- Step 9: Verify
SELECT COUNT(*) FROM pg_tviews_get_queue();  -- Should be 0

-- @case 003 lines 820-853: Emergency Procedures Runbook / EMERGENCY 3: PostgreSQL Running Out of Memory / Execute
-- @db sandbox
-- @expect ok
-- Step 1: Check memory pressure
SELECT
  (SELECT COUNT(*) FROM pg_stat_activity) as connections,
  (SELECT SUM(heap_blks_read) FROM pg_statio_user_tables) as cache_hits,
  pg_database_size(current_database()) as db_size;

-- Step 2: Kill large queries
SELECT pid, usename, state, query_start, query
FROM pg_stat_activity
WHERE query ILIKE '%tview%'
AND (now() - query_start) > interval '1 minute';

-- Step 3: Kill old/stuck queries
SELECT pg_terminate_backend(pid)
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
AND state = 'active'
AND (now() - query_start) > interval '5 minutes';

-- Step 4: Reduce work_mem for session
SET work_mem = '64MB';  -- Reduce from default

-- Step 5: Disable triggers to stop new operations
-- (See EMERGENCY 1)

-- Step 6: Wait for memory to recover
SELECT pg_sleep(30);

-- Step 7: Check memory
SELECT
  COUNT(*) as active_queries,
  SUM(extract(epoch from (now() - query_start))) as total_query_time
FROM pg_stat_activity
WHERE state != 'idle';

-- @case 003 lines 867-891: Emergency Procedures Runbook / EMERGENCY 4: Connection Limit Reached / Execute
-- @db sandbox
-- @expect ok
-- Step 1: See what's using connections
SELECT usename, COUNT(*) as count, state
FROM pg_stat_activity
GROUP BY usename, state
ORDER BY count DESC;

-- Step 2: Kill idle connections
SELECT pg_terminate_backend(pid)
FROM pg_stat_activity
WHERE state = 'idle'
AND (now() - state_change) > interval '10 minutes'
AND pid <> pg_backend_pid();

-- Step 3: Kill long-running non-critical queries
SELECT pg_terminate_backend(pid)
FROM pg_stat_activity
WHERE usename != 'postgres'
AND (now() - query_start) > interval '30 minutes'
AND pid <> pg_backend_pid();

-- Step 4: Verify
SELECT current_setting('max_connections') as limit,
  COUNT(*) as current
FROM pg_stat_activity
GROUP BY 1;

-- @case 003 lines 943-951: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect ok
-- health-check.sql
-- Quick health check for pg_tviews
-- Usage: psql -f health-check.sql

\timing on
\set QUIET off

-- Set session parameters
SET search_path = public, pg_tviews;

-- @case 003 lines 953-953: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect error 42601 syntax error at or near "TITLE"
TITLE 'PG_TVIEWS HEALTH CHECK';

-- @case 003 lines 954-954: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect error 42601 syntax error at or near "TITLE"
TITLE '================================';

-- @case 003 lines 956-975: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect ok
-- Check 1: Extension installed
SELECT 'Extension Status' as check_name;
SELECT 'pg_tviews version: ' || pg_tviews_version() as result;
SELECT '';

-- Check 2: Metadata health
SELECT 'Metadata Tables' as check_name;
SELECT 'Total TVIEWs defined: ' || COUNT(*) FROM pg_tviews_metadata;
SELECT 'TVIEWs with errors: ' || COUNT(*) FROM pg_tviews_metadata WHERE last_error IS NOT NULL;
SELECT '';

-- Check 3: Queue status
SELECT 'Queue Status' as check_name;
WITH queue_stats AS (
  SELECT COUNT(*) as size,
    MAX(entry_time) as oldest_entry,
    EXTRACT(EPOCH FROM (now() - MIN(entry_time))) as max_age_sec
  FROM pg_tviews_get_queue()
)
SELECT 'Queue size: ' || size FROM queue_stats;

-- @case 003 lines 976-976: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect error 42P01 relation "queue_stats" does not exist
SELECT 'Queue age (sec): ' || COALESCE(CAST(max_age_sec as INT), 0) FROM queue_stats;

-- @case 003 lines 977-1010: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect ok
SELECT '';

-- Check 4: TVIEW status
SELECT 'TVIEW Status' as check_name;
WITH status AS (
  SELECT
    CASE
      WHEN backing_table_missing THEN '❌'
      WHEN last_error IS NOT NULL THEN '⚠️'
      WHEN stale THEN '⚠️'
      ELSE '✅'
    END as status,
    COUNT(*) as count
  FROM (
    SELECT
      entity_name,
      (SELECT COUNT(*) FROM information_schema.tables
       WHERE table_name = backing_table_name) = 0 as backing_table_missing,
      last_error,
      (now() - last_refresh_time) > interval '1 hour' as stale
    FROM pg_tviews_metadata
  ) sub
  GROUP BY 1
)
SELECT 'Status ' || status || ': ' || count FROM status;
SELECT '';

-- Check 5: Active transactions
SELECT 'Active Operations' as check_name;
SELECT 'Active PG_TVIEWS queries: ' || COUNT(*)
FROM pg_stat_activity
WHERE query ILIKE '%tview%' AND state != 'idle';
SELECT 'Active connections: ' || COUNT(*) FROM pg_stat_activity;
SELECT '';

-- @case 003 lines 1012-1012: Emergency Procedures Runbook / References / Step 6: Create Supporting SQL Scripts
-- @db fixture
-- @expect error 42601 syntax error at or near "TITLE"
TITLE 'END HEALTH CHECK';
