-- The SQL statements of seed 001 (Operational Runbooks) that touch pg_tviews objects, verbatim
-- (../shared/seeds/001_7a2b0bc57e49f480.txt), one case per block or statement; format and
-- placeholders: test/seeds/README.md. Run by scripts/test.sh seeds.

-- @case 001 lines 17-25: Operational Runbooks / Runbook 1: TVIEW Not Updating
-- @db fixture
-- @expect ok
-- 1. Check if triggers exist
-- Trinity pattern: tb_your_table has pk_your_table (integer), id (UUID)
SELECT
  pg_trigger.tgname,
  pg_trigger.tgrelid::regclass,
  pg_trigger.tgenabled
FROM pg_trigger
WHERE pg_trigger.tgname LIKE 'tview%'
  AND pg_trigger.tgrelid = 'tb_your_table'::regclass;

-- @case 001 lines 29-30: Operational Runbooks / Runbook 1: TVIEW Not Updating
-- @db fixture
-- @expect ok
-- @check SELECT count(*) = 1 FROM pg_tview_meta WHERE entity = 'post'
-- 2. Check metadata
SELECT * FROM pg_tview_meta WHERE pg_tview_meta.entity = 'your_entity';

-- @case 001 lines 39-45: Operational Runbooks / Runbook 1: TVIEW Not Updating
-- @db sandbox
-- @expect ok
-- 4. Manual refresh test
-- Note: pk_your_table is integer (SERIAL), id is UUID
UPDATE tb_your_table
SET some_field = tb_your_table.some_field
WHERE tb_your_table.pk_your_table = 1;
COMMIT;
SELECT * FROM tv_your_entity WHERE tv_your_entity.pk_your_entity = 1;

-- @case 001 lines 52-58: Operational Runbooks / Runbook 1: TVIEW Not Updating
-- @db sandbox
-- @expect ok
-- @check SELECT count(*) = 1 FROM pg_tviews WHERE tview = 'tv_post'
-- @check SELECT count(*) = 4 FROM pg_trigger WHERE tgrelid = 'tb_post'::regclass AND tgname LIKE 'pg_tviews_capture_%'
-- @check SELECT count(*) = 1 FROM pg_tview_meta WHERE entity = 'post'
DROP TABLE tv_your_entity CASCADE;
CREATE TABLE tv_your_entity AS
SELECT
  tb_your_table.pk_your_table,
  tb_your_table.id,
  jsonb_build_object('id', tb_your_table.id, 'field', tb_your_table.field) as data
FROM tb_your_table;

-- @case 001 lines 63-64: Operational Runbooks / Runbook 1: TVIEW Not Updating
-- @db sandbox
-- @expect ok
-- @check SELECT (SELECT array_agg((entity, key_column, created_at)::text ORDER BY entity) FROM pg_tview_meta) = (SELECT array_agg((entity, key_column::text, created_at)::text ORDER BY entity) FROM pg_tviews)
-- @check SELECT pg_tviews_refresh_row('tv_post', 1) = 1
DELETE FROM pg_tview_meta WHERE entity = 'your_entity';
-- Then recreate TVIEW as above

-- @case 001 lines 78-79: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db fixture
-- @expect ok
-- @check SELECT pg_tviews_check_jsonb_ivm() LIKE 'not needed%'
-- 1. Check if jsonb_ivm installed
SELECT pg_tviews_check_jsonb_ivm();

-- @case 001 lines 83-88: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db fixture
-- @expect ok
-- 2. Check dependency depth
SELECT
  pg_tview_meta.entity,
  array_length(pg_tview_meta.dependencies, 1) as dep_count
FROM pg_tview_meta
ORDER BY dep_count DESC;

-- @case 001 lines 92-99: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db fixture
-- @expect ok
-- 3. Check for missing indexes
SELECT
  pg_indexes.schemaname,
  pg_indexes.tablename,
  pg_indexes.indexname
FROM pg_indexes
WHERE pg_indexes.tablename LIKE 'tv_%'
  AND pg_indexes.indexname NOT LIKE '%pkey%';

-- @case 001 lines 103-108: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db fixture
-- @expect ok
-- 4. Analyze query plans
-- Note: pk_your_entity is integer, id is UUID
EXPLAIN ANALYZE
UPDATE tv_your_entity
SET data = tv_your_entity.data
WHERE tv_your_entity.pk_your_entity = 1;

-- @case 001 lines 115-115: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db sandbox
-- @expect error 0A000 extension "jsonb_ivm" is not available
CREATE EXTENSION jsonb_ivm;

-- @case 001 lines 120-120: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db sandbox
-- @expect ok
CREATE INDEX idx_tv_your_entity_fk_parent ON tv_your_entity(fk_parent);

-- @case 001 lines 125-125: Operational Runbooks / Runbook 2: Slow Cascade Updates
-- @db fixture
-- @expect ok
-- @check SELECT pg_tviews_install_stmt_triggers() = 0
SELECT pg_tviews_install_stmt_triggers();

-- @case 001 lines 141-148: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db fixture
-- @expect ok
-- 1. Check cascade size
-- Trinity pattern: tv_your_entity has pk_your_entity (int), id (UUID), data (JSONB)
SELECT
  pg_tview_meta.entity,
  pg_size_pretty(pg_relation_size('tv_' || pg_tview_meta.entity)) as tview_size,
  array_length(pg_tview_meta.dependencies, 1) as cascade_depth
FROM pg_tview_meta
ORDER BY pg_relation_size('tv_' || pg_tview_meta.entity) DESC;

-- @case 001 lines 152-153: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db fixture
-- @expect ok
-- 2. Check work_mem setting
SHOW work_mem;

-- @case 001 lines 157-165: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db fixture
-- @expect error 42601 syntax error at or near "ON"
-- 3. Monitor memory during cascade
SELECT
  pg_stat_activity.pid,
  pg_stat_activity.query,
  pg_stat_activity.state,
  pg_size_pretty(pg_backend_memory_contexts.total_bytes)
FROM pg_stat_activity
JOIN LATERAL pg_backend_memory_contexts ON true
WHERE pg_stat_activity.backend_type = 'client backend';

-- @case 001 lines 172-173: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db fixture
-- @expect ok
SET work_mem = '256MB';  -- Or higher
-- Or globally: ALTER SYSTEM SET work_mem = '256MB';

-- @case 001 lines 178-186: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db sandbox
-- @expect ok
-- Instead of updating all rows at once:
UPDATE tb_large_table SET field = value;

-- Do it in batches:
UPDATE tb_large_table SET field = value
WHERE pk_large_table BETWEEN 1 AND 10000;

UPDATE tb_large_table SET field = value
WHERE pk_large_table BETWEEN 10001 AND 20000;

-- @case 001 lines 191-193: Operational Runbooks / Runbook 3: Out of Memory During Cascade
-- @db sandbox
-- @expect error 42P17 "tv_order" is not partitioned
-- Partition by date for time-series data
CREATE TABLE tv_event_y2025_m01 PARTITION OF tv_event
FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');

-- @case 001 lines 209-210: Operational Runbooks / Runbook 4: Extension Upgrade Failed
-- @db fixture
-- @expect ok
-- 1. Check current version
SELECT * FROM pg_extension WHERE pg_extension.extname = 'pg_tviews';

-- @case 001 lines 214-215: Operational Runbooks / Runbook 4: Extension Upgrade Failed
-- @db fixture
-- @expect ok
-- 2. Check for version mismatch
SELECT pg_tviews_version();

-- @case 001 line 225 (inline code): Operational Runbooks / Runbook 4: Extension Upgrade Failed
-- @db sandbox
-- @expect ok
CREATE TABLE pg_tview_meta_backup AS SELECT * FROM pg_tview_meta;

-- @case 001 lines 229-229: Operational Runbooks / Runbook 4: Extension Upgrade Failed
-- @db continue
-- @expect ok
ALTER EXTENSION pg_tviews UPDATE TO 'old_version';

-- @case 001 lines 234-235: Operational Runbooks / Runbook 4: Extension Upgrade Failed
-- @db continue
-- @expect ok
-- @check SELECT (SELECT array_agg((entity, key_column, created_at)::text ORDER BY entity) FROM pg_tview_meta) = (SELECT array_agg((entity, key_column::text, created_at)::text ORDER BY entity) FROM pg_tviews)
-- @check SELECT pg_tviews_refresh_row('tv_post', 1) = 1
TRUNCATE pg_tview_meta;
INSERT INTO pg_tview_meta SELECT * FROM pg_tview_meta_backup;

-- @case 001 lines 252-263: Operational Runbooks / Runbook 5: Orphaned Triggers After TVIEW Drop
-- @db fixture
-- @expect ok
-- Find orphaned triggers
-- Trinity pattern: All base tables named tb_{entity} (singular)
SELECT
  pg_trigger.tgname,
  pg_class.relname
FROM pg_trigger
JOIN pg_class ON pg_trigger.tgrelid = pg_class.oid
WHERE pg_trigger.tgname LIKE 'tview_%'
  AND NOT EXISTS (
    SELECT 1 FROM pg_tview_meta
    WHERE pg_class.relname = 'tb_' || pg_tview_meta.entity
  );

-- @case 001 lines 269-289: Operational Runbooks / Runbook 5: Orphaned Triggers After TVIEW Drop
-- @db sandbox
-- @expect ok
-- Drop orphaned triggers
-- Trinity pattern: All base tables named tb_{entity} (singular)
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN
        SELECT
          pg_trigger.tgname,
          pg_class.relname
        FROM pg_trigger
        JOIN pg_class ON pg_trigger.tgrelid = pg_class.oid
        WHERE pg_trigger.tgname LIKE 'tview_%'
          AND NOT EXISTS (
            SELECT 1 FROM pg_tview_meta
            WHERE pg_class.relname = 'tb_' || pg_tview_meta.entity
          )
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', r.tgname, r.relname);
    END LOOP;
END $$;

-- @case 001 lines 301-304: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db fixture
-- @expect ok
-- 1. Compare row counts
SELECT
  (SELECT COUNT(*) FROM tb_your_table) as base_count,
  (SELECT COUNT(*) FROM tv_your_table) as tview_count;

-- @case 001 lines 308-312: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db fixture
-- @expect ok
-- 2. Check for missing rows in TVIEW
SELECT tb_your_table.pk_your_table
FROM tb_your_table
LEFT JOIN tv_your_table ON tb_your_table.pk_your_table = tv_your_table.pk_your_table
WHERE tv_your_table.pk_your_table IS NULL;

-- @case 001 lines 316-323: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db fixture
-- @expect ok
-- 3. Check for stale data in TVIEW
SELECT
  tb_your_table.pk_your_table,
  tb_your_table.last_updated,
  tv_your_table.data->>'lastUpdated' as tview_updated
FROM tb_your_table
JOIN tv_your_table ON tb_your_table.pk_your_table = tv_your_table.pk_your_table
WHERE tb_your_table.last_updated > (tv_your_table.data->>'lastUpdated')::timestamptz;

-- @case 001 lines 330-331: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db fixture
-- @expect ok
-- @check SELECT pg_tviews_verify('tv_post')
-- Manual cascade for specific rows
SELECT pg_tviews_cascade('tb_your_table'::regclass::oid, pk_value);

-- @case 001 lines 336-336: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db sandbox
-- @expect ok
-- @check SELECT count(*) = 0 FROM pg_tviews WHERE tview = 'tv_post'
DROP TABLE tv_your_table;

-- @case 001 lines 337-342: Operational Runbooks / Runbook 6: Data Inconsistency Between Base and TVIEW
-- @db continue
-- @expect error 42601 syntax error at or near ")"
CREATE TABLE tv_your_table AS
SELECT
  tb_your_table.pk_your_table,
  tb_your_table.id,
  jsonb_build_object('id', tb_your_table.id, /* ... */) as data
FROM tb_your_table;

-- @case 001 lines 360-368: Operational Runbooks / Runbook 7: High CPU Usage During Refresh
-- @db fixture
-- @expect ok
-- 1. Check active refresh operations
SELECT
  pg_stat_activity.pid,
  pg_stat_activity.query,
  pg_stat_activity.state,
  pg_stat_activity.wait_event_type,
  pg_stat_activity.wait_event
FROM pg_stat_activity
WHERE pg_stat_activity.query LIKE '%tview%' OR pg_stat_activity.query LIKE '%tv_%';

-- @case 001 lines 372-374: Operational Runbooks / Runbook 7: High CPU Usage During Refresh
-- @db sandbox
-- @expect ok
-- 2. Check for expensive operations
EXPLAIN (ANALYZE, BUFFERS)
UPDATE tb_your_table SET field = value WHERE condition;

-- @case 001 lines 378-386: Operational Runbooks / Runbook 7: High CPU Usage During Refresh
-- @db fixture
-- @expect error 42601 syntax error at or near "ON"
-- 3. Monitor system resources
SELECT
  pg_stat_activity.pid,
  pg_stat_activity.usename,
  pg_stat_activity.client_addr,
  pg_size_pretty(pg_backend_memory_contexts.total_bytes) as memory_used
FROM pg_stat_activity
JOIN LATERAL pg_backend_memory_contexts ON true
WHERE pg_stat_activity.state = 'active';

-- @case 001 lines 393-398: Operational Runbooks / Runbook 7: High CPU Usage During Refresh
-- @db sandbox
-- @expect ok
-- Add missing indexes
CREATE INDEX idx_tb_your_table_field ON tb_your_table(field);

-- Rewrite expensive operations
-- Instead of: UPDATE tb_large SET computed = expensive_function(field)
-- Use: UPDATE tb_large SET computed = expensive_function(field) WHERE pk_large IN (SELECT ... LIMIT 1000)

-- @case 001 lines 403-405: Operational Runbooks / Runbook 7: High CPU Usage During Refresh
-- @db fixture
-- @expect ok
-- @check SELECT pg_tviews_install_stmt_triggers() = 0
-- Batch updates instead of individual ones
-- Use statement-level triggers for bulk operations
SELECT pg_tviews_install_stmt_triggers();

-- @case 001 lines 423-447: Operational Runbooks / Emergency Procedures / Complete System Reset
-- @db sandbox
-- @expect ok
-- @check SELECT count(*) = 0 FROM pg_tviews
-- @check SELECT count(*) = 0 FROM pg_tview_meta
-- @check SELECT count(*) = 0 FROM pg_trigger WHERE tgname LIKE 'pg_tviews_capture_%'
-- @check SELECT bool_and(status = 'OK') FROM pg_tviews_health_check()
-- 1. Stop all application connections
SELECT pg_terminate_backend(pid)
FROM pg_stat_activity
WHERE datname = current_database()
  AND pid != pg_backend_pid();

-- 2. Drop all TVIEWs
DO $$
DECLARE
    rec record;
BEGIN
    FOR rec IN SELECT entity FROM pg_tview_meta LOOP
        EXECUTE 'DROP TABLE tv_' || rec.entity || ' CASCADE';
    END LOOP;
END $$;

-- 3. Clean metadata
TRUNCATE pg_tview_meta;
TRUNCATE pg_tview_helpers;

-- 4. Recreate TVIEWs from application scripts
-- (Run your TVIEW creation scripts)

-- 5. Verify system health
SELECT * FROM pg_tviews_health_check();

-- @case 001 line 457 (psql -c in a bash block): daily_health_check.sh
-- @db fixture
-- @expect ok
SELECT * FROM pg_tviews_health_check()
