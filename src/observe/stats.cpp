// Refresh statistics in shared memory; see include/pg_tviews/observe/stats.hpp.
#include "pg_tviews/observe/stats.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
}

namespace pg_tviews {

namespace {

constexpr long kMaxTracked = 4096;  // TVIEWs across all databases
constexpr int kErrorLength = 256;

struct StatsKey {
    Oid database;
    Oid relid;
};

struct Stats {
    StatsKey key;  // hash key: first
    int64 refreshes;
    int64 rows_inserted;
    int64 rows_updated;
    int64 rows_deleted;
    int64 rows_unchanged;  // recomputed rows whose content had not changed: not rewritten
    int64 total_microseconds;
    TimestampTz last_refresh;
    int64 last_microseconds;
    int64 errors;
    TimestampTz last_error_at;
    char last_error[kErrorLength];
};

HTAB *stats = nullptr;
LWLock *stats_lock = nullptr;

// The entry of a TVIEW, created on first use; nullptr when the table is full or absent.
Stats *EntryFor(Oid relid)
{
    StatsKey key{MyDatabaseId, relid};
    bool found;
    auto *entry = static_cast<Stats *>(hash_search(stats, &key, HASH_ENTER_NULL, &found));
    if (entry != nullptr && !found) {
        memset(reinterpret_cast<char *>(entry) + sizeof(StatsKey), 0,
               sizeof(Stats) - sizeof(StatsKey));
    }
    return entry;
}

}  // namespace

void StatsRequestShmem()
{
    RequestAddinShmemSpace(hash_estimate_size(kMaxTracked, sizeof(Stats)));
    RequestNamedLWLockTranche("pg_tviews stats", 1);
}

void StatsInitShmem()
{
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    HASHCTL info;
    info.keysize = sizeof(StatsKey);
    info.entrysize = sizeof(Stats);
    stats =
        ShmemInitHash("pg_tviews stats", kMaxTracked, kMaxTracked, &info, HASH_ELEM | HASH_BLOBS);
    stats_lock = &(GetNamedLWLockTranche("pg_tviews stats"))->lock;
    LWLockRelease(AddinShmemInitLock);
}

void StatsRecordRefresh(Oid relid, const RefreshCounts &counts, int64 microseconds)
{
    if (stats == nullptr) return;
    LWLockAcquire(stats_lock, LW_EXCLUSIVE);
    if (Stats *entry = EntryFor(relid)) {
        entry->refreshes++;
        entry->rows_inserted += counts.inserted;
        entry->rows_updated += counts.updated;
        entry->rows_deleted += counts.deleted;
        entry->rows_unchanged += Max(0, counts.recomputed - counts.inserted - counts.updated);
        entry->total_microseconds += microseconds;
        entry->last_refresh = GetCurrentTimestamp();
        entry->last_microseconds = microseconds;
    }
    LWLockRelease(stats_lock);
}

void StatsRecordError(Oid relid, const char *message)
{
    if (stats == nullptr) return;
    LWLockAcquire(stats_lock, LW_EXCLUSIVE);
    if (Stats *entry = EntryFor(relid)) {
        entry->errors++;
        entry->last_error_at = GetCurrentTimestamp();
        strlcpy(entry->last_error, message != nullptr ? message : "", kErrorLength);
    }
    LWLockRelease(stats_lock);
}

namespace {

// pg_tviews_stats_raw(): one row per TVIEW of this database that has statistics.
Datum StatsRaw(FunctionCallInfo fcinfo)
{
    InitMaterializedSRF(fcinfo, 0);
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    if (stats == nullptr) return (Datum)0;
    LWLockAcquire(stats_lock, LW_SHARED);
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, stats);
    while (auto *entry = static_cast<Stats *>(hash_seq_search(&scan))) {
        if (entry->key.database != MyDatabaseId) continue;
        Datum values[12];
        bool nulls[12] = {false};
        values[0] = ObjectIdGetDatum(entry->key.relid);
        values[1] = Int64GetDatum(entry->refreshes);
        values[2] = Int64GetDatum(entry->rows_inserted);
        values[3] = Int64GetDatum(entry->rows_updated);
        values[4] = Int64GetDatum(entry->rows_deleted);
        values[5] = Int64GetDatum(entry->rows_unchanged);
        values[6] = Float8GetDatum(entry->total_microseconds / 1000.0);
        values[7] = TimestampTzGetDatum(entry->last_refresh);
        nulls[7] = entry->last_refresh == 0;
        values[8] = Float8GetDatum(entry->last_microseconds / 1000.0);
        nulls[8] = entry->refreshes == 0;
        values[9] = Int64GetDatum(entry->errors);
        values[10] = CStringGetTextDatum(entry->last_error);
        nulls[10] = entry->errors == 0;
        values[11] = TimestampTzGetDatum(entry->last_error_at);
        nulls[11] = entry->errors == 0;
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    LWLockRelease(stats_lock);
    return (Datum)0;
}

// pg_tviews_stats_reset(relid): forgets one TVIEW's statistics, or all of this database's.
Datum StatsReset(FunctionCallInfo fcinfo)
{
    if (stats == nullptr) PG_RETURN_VOID();
    bool all = PG_ARGISNULL(0);
    Oid relid = all ? InvalidOid : PG_GETARG_OID(0);
    LWLockAcquire(stats_lock, LW_EXCLUSIVE);
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, stats);
    while (auto *entry = static_cast<Stats *>(hash_seq_search(&scan)))
        if (entry->key.database == MyDatabaseId && (all || entry->key.relid == relid))
            hash_search(stats, &entry->key, HASH_REMOVE, nullptr);
    LWLockRelease(stats_lock);
    PG_RETURN_VOID();
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_stats_raw, pg_tviews::StatsRaw)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_stats_reset, pg_tviews::StatsReset)
