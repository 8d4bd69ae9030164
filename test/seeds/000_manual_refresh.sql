-- The SQL statements of seed 000 (Manual Refresh Runbook) that touch pg_tviews objects, verbatim
-- (../shared/seeds/000_2f91d28fe54e02c8.txt), one case per block or statement; format and
-- placeholders: test/seeds/README.md. Run by scripts/test.sh seeds.

-- @case 000 lines 23-27: Manual Refresh Runbook / Single TVIEW Refresh (5 minutes) / Step 1: Identify the TVIEW
-- @db fixture
-- @expect ok
-- Find the correct TVIEW name
SELECT entity_name, primary_key_column, created_at
FROM pg_tviews_metadata
WHERE entity_name LIKE '%your_table_name%'
ORDER BY created_at DESC;

-- @case 000 lines 32-39: Manual Refresh Runbook / Single TVIEW Refresh (5 minutes) / Step 2: Check Current Status
-- @db fixture
-- @expect ok
-- Verify current refresh status
SELECT
    entity_name,
    last_refreshed,
    last_refresh_duration_ms,
    last_error
FROM pg_tviews_metadata
WHERE entity_name = 'your_tview_name';

-- @case 000 lines 44-50: Manual Refresh Runbook / Single TVIEW Refresh (5 minutes) / Step 3: Perform Refresh
-- @db fixture
-- @expect ok
-- @check SELECT last_refreshed > now() - interval '1 minute' FROM pg_tviews_metadata WHERE entity_name = 'tv_order'
-- Refresh the entire TVIEW
SELECT pg_tviews_refresh('your_tview_name');

-- Expected result: Number of rows refreshed
-- Example: pg_tviews_refresh
--          ------------------
--                      1,247

-- @case 000 lines 55-66: Manual Refresh Runbook / Single TVIEW Refresh (5 minutes) / Step 4: Verify Success
-- @db fixture
-- @expect ok
-- Confirm refresh completed successfully
SELECT
    entity_name,
    last_refreshed,
    last_refresh_duration_ms,
    CASE
        WHEN last_refresh_duration_ms < 5000 THEN 'SUCCESS'
        WHEN last_refresh_duration_ms < 30000 THEN 'SLOW_BUT_SUCCESS'
        ELSE 'POTENTIAL_ISSUE'
    END as status
FROM pg_tviews_metadata
WHERE entity_name = 'your_tview_name';

-- @case 000 lines 73-76: Manual Refresh Runbook / Specific Row Refresh (3 minutes) / Step 1: Identify Primary Key
-- @db fixture
-- @expect ok
-- Find the primary key column for the TVIEW
SELECT entity_name, primary_key_column
FROM pg_tviews_metadata
WHERE entity_name = 'your_tview_name';

-- @case 000 lines 81-87: Manual Refresh Runbook / Specific Row Refresh (3 minutes) / Step 2: Refresh Specific Row
-- @db fixture
-- @expect ok
-- Refresh only the specific row
-- Note: This function may not be available in all versions
-- Check your pg_tviews version first
SELECT pg_tviews_refresh_row('your_tview_name', 12345);

-- Alternative: Use general refresh with filters if available
SELECT pg_tviews_refresh('your_tview_name', 12345);

-- @case 000 lines 92-96: Manual Refresh Runbook / Specific Row Refresh (3 minutes) / Step 3: Verify Row Update
-- @db fixture
-- @expect ok
-- Check that the specific row was updated
SELECT last_refreshed
FROM pg_tviews_metadata
WHERE entity_name = 'your_tview_name'
  AND last_refreshed > NOW() - INTERVAL '1 minute';

-- @case 000 lines 103-108: Manual Refresh Runbook / Batch Refresh Operations (10 minutes) / Step 1: Assess Scope
-- @db fixture
-- @expect ok
-- Check how many TVIEWs need refreshing
SELECT
    COUNT(*) as total_tviews,
    COUNT(*) FILTER (WHERE last_refreshed < NOW() - INTERVAL '1 hour') as stale_tviews,
    COUNT(*) FILTER (WHERE last_error IS NOT NULL) as error_tviews
FROM pg_tviews_metadata;

-- @case 000 lines 113-118: Manual Refresh Runbook / Batch Refresh Operations (10 minutes) / Step 2: Selective Batch Refresh
-- @db fixture
-- @expect ok
-- Refresh only TVIEWs that haven't been updated recently
SELECT pg_tviews_refresh(entity_name)
FROM pg_tviews_metadata
WHERE last_refreshed < NOW() - INTERVAL '1 hour'
  AND last_error IS NULL
ORDER BY last_refreshed ASC;

-- @case 000 lines 123-130: Manual Refresh Runbook / Batch Refresh Operations (10 minutes) / Step 3: Error Recovery Batch
-- @db fixture
-- @expect ok
-- Retry TVIEWs that had errors
SELECT
    entity_name,
    last_error,
    pg_tviews_refresh(entity_name) as refresh_result
FROM pg_tviews_metadata
WHERE last_error IS NOT NULL
  AND last_refreshed < NOW() - INTERVAL '30 minutes';

-- @case 000 lines 137-143: Manual Refresh Runbook / Dependency-Aware Refresh (15 minutes) / Step 1: Analyze Dependencies
-- @db fixture
-- @expect ok
-- @check SELECT count(*) = 1 FROM pg_tviews_dependencies WHERE parent_tview = 'tv_user' AND child_tview = 'tv_post'
-- Check for TVIEW dependencies (if your system tracks them)
SELECT
    parent_tview,
    child_tview,
    dependency_type
FROM pg_tviews_dependencies
ORDER BY parent_tview, child_tview;

-- @case 000 lines 148-166: Manual Refresh Runbook / Dependency-Aware Refresh (15 minutes) / Step 2: Refresh in Dependency Order
-- @db fixture
-- @expect ok
-- Refresh base TVIEWs first, then dependent ones
-- This is a conceptual example - adjust based on your dependency tracking

-- Level 1: Base TVIEWs (no dependencies)
SELECT pg_tviews_refresh(entity_name)
FROM pg_tviews_metadata
WHERE entity_name NOT IN (
    SELECT DISTINCT child_tview FROM pg_tviews_dependencies
);

-- Level 2: TVIEWs that depend on level 1
-- Add appropriate delays between levels to avoid conflicts
SELECT pg_sleep(5);  -- Wait 5 seconds

SELECT pg_tviews_refresh(entity_name)
FROM pg_tviews_metadata
WHERE entity_name IN (
    SELECT DISTINCT child_tview FROM pg_tviews_dependencies
);

-- @case 000 lines 173-181: Manual Refresh Runbook / Large TVIEW Refresh Strategy (30+ minutes) / Step 1: Assess Size and Impact
-- @db fixture
-- @expect ok
-- Check TVIEW size and refresh history
SELECT
    entity_name,
    pg_size_pretty(pg_total_relation_size(entity_name)) as size,
    last_refresh_duration_ms / 1000 as last_duration_seconds,
    (SELECT COUNT(*) FROM information_schema.columns
     WHERE table_schema || '.' || table_name = m.entity_name) as column_count
FROM pg_tviews_metadata m
WHERE entity_name = 'your_large_tview';

-- @case 000 lines 186-192: Manual Refresh Runbook / Large TVIEW Refresh Strategy (30+ minutes) / Step 2: Chunked Refresh (if supported)
-- @db fixture
-- @expect ok
-- For very large TVIEWs, refresh in chunks
-- This is system-dependent - check your pg_tviews capabilities

-- Example: Refresh in primary key ranges
SELECT pg_tviews_refresh_range('your_tview', 1, 10000);
SELECT pg_sleep(10);  -- Allow system to recover
SELECT pg_tviews_refresh_range('your_tview', 10001, 20000);

-- @case 000 lines 197-204: Manual Refresh Runbook / Large TVIEW Refresh Strategy (30+ minutes) / Step 3: Monitor Progress
-- @db fixture
-- @expect ok
-- Monitor refresh progress for large operations
SELECT
    entity_name,
    last_refreshed,
    last_refresh_duration_ms,
    pg_size_pretty(pg_total_relation_size(entity_name)) as current_size
FROM pg_tviews_metadata
WHERE entity_name = 'your_large_tview';

-- @case 000 lines 211-221: Manual Refresh Runbook / Refresh Validation / Step 1: Data Consistency Check
-- @db fixture
-- @expect ok
-- @check SELECT (SELECT sum(amount) FROM tv_order) = (SELECT sum(amount) FROM tb_order)
-- Verify TVIEW data matches source (sample check)
SELECT
    COUNT(*) as tview_rows,
    (SELECT COUNT(*) FROM your_source_table) as source_rows
FROM your_tview_name;

-- For more detailed validation, compare key metrics
SELECT
    SUM(amount) as tview_total,
    (SELECT SUM(amount) FROM your_source_table) as source_total
FROM your_tview_name;

-- @case 000 lines 226-231: Manual Refresh Runbook / Refresh Validation / Step 2: Performance Impact Assessment
-- @db fixture
-- @expect ok
-- Check system impact of refresh
SELECT
    now() as check_time,
    (SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active') as active_connections,
    (SELECT sum(blks_hit) + sum(blks_read) FROM pg_stat_database WHERE datname = current_database()) as total_blocks_accessed
FROM pg_stat_bgwriter;

-- @case 000 lines 240-242: Manual Refresh Runbook / Error Handling / Common Refresh Errors / "TVIEW not found"
-- @db fixture
-- @expect ok
-- Error: TVIEW 'nonexistent_tview' does not exist
-- Solution: Check TVIEW name spelling and existence
SELECT entity_name FROM pg_tviews_metadata WHERE entity_name LIKE '%nonexistent%';

-- @case 000 lines 247-249: Manual Refresh Runbook / Error Handling / Common Refresh Errors / "Permission denied"
-- @db sandbox
-- @expect ok
-- @check SELECT has_table_privilege('app_user', 'tv_order', 'UPDATE')
-- Error: permission denied for table your_tview
-- Solution: Verify user has appropriate permissions
GRANT SELECT, UPDATE ON your_tview TO your_user;

-- @case 000 lines 254-256: Manual Refresh Runbook / Error Handling / Common Refresh Errors / "Lock timeout"
-- @db fixture
-- @expect ok
-- Error: canceling statement due to lock timeout
-- Solution: Identify and resolve blocking transactions
SELECT * FROM pg_stat_activity WHERE state = 'idle in transaction';

-- @case 000 lines 261-264: Manual Refresh Runbook / Error Handling / Common Refresh Errors / "Out of memory"
-- @db fixture
-- @expect ok
-- Error: out of memory during refresh
-- Solution: Consider chunked refresh or system memory increase
-- Check current memory settings
SELECT name, setting FROM pg_settings WHERE name LIKE '%mem%';

-- @case 000 lines 282-289: Manual Refresh Runbook / Rollback Procedures / Partial Rollback
-- @db sandbox
-- @expect error 42883 operator does not exist: uuid = integer
-- For specific row issues, you might need manual data correction
-- This depends entirely on your data and business logic

-- Example: Restore specific records from backup table
INSERT INTO your_tview (id, data)
SELECT id, data FROM your_tview_backup
WHERE id IN (123, 456, 789)
ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data;

-- @case 000 line 296 (psql -c in a bash block): Manual Refresh Runbook / Monitoring and Alerts / Success Criteria
-- @db fixture
-- @expect ok
SELECT entity_name, last_refreshed, last_error
FROM pg_tviews_metadata
WHERE entity_name = 'your_tview_name';
