// Refresh statistics in shared memory; see include/pg_tviews/observe/stats.hpp.
#include "pg_tviews/observe/stats.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/refresh/refresh.hpp"
#include "pg_tviews/security/ownership.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "executor/spi.h"
#include "access/htup_details.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

#include <type_traits>

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

// TVIEWs dropped by this transaction: their entries go when it commits.
List *dropped = NIL;  // Oid, in TopTransactionContext

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

// The keys of every entry, copied under a shared lock (palloc'd; *count set).
StatsKey *AllKeys(long *count)
{
    LWLockAcquire(stats_lock, LW_SHARED);
    long n = hash_get_num_entries(stats);
    auto *keys = static_cast<StatsKey *>(palloc(sizeof(StatsKey) * Max(1, n)));
    long i = 0;
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, stats);
    while (auto *entry = static_cast<Stats *>(hash_seq_search(&scan))) {
        if (i < n) keys[i++] = entry->key;
    }
    LWLockRelease(stats_lock);
    *count = i;
    return keys;
}

// A full table: frees the entries of databases that no longer exist and of this database's
// relations that no longer exist (dropped TVIEWs whose drop did not pass through the catalog
// trigger, such as a crash before commit). Catalog lookups happen with no lock held.
void SweepDeadEntries()
{
    long count;
    StatsKey *keys = AllKeys(&count);
    long dead = 0;
    for (long i = 0; i < count; i++) {
        bool alive = keys[i].database == MyDatabaseId
                         ? SearchSysCacheExists1(RELOID, ObjectIdGetDatum(keys[i].relid))
                         : SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(keys[i].database));
        if (!alive) keys[dead++] = keys[i];
    }
    LWLockAcquire(stats_lock, LW_EXCLUSIVE);
    for (long i = 0; i < dead; i++) hash_search(stats, &keys[i], HASH_REMOVE, nullptr);
    LWLockRelease(stats_lock);
    pfree(keys);
}

// Runs update(entry) on the TVIEW's entry under the exclusive lock, sweeping once when full.
template <typename Update>
void WithEntry(Oid relid, Update update)
{
    static_assert(std::is_trivially_destructible_v<Update>);
    for (int attempt = 0; attempt < 2; attempt++) {
        LWLockAcquire(stats_lock, LW_EXCLUSIVE);
        Stats *entry = EntryFor(relid);
        if (entry != nullptr) update(entry);
        LWLockRelease(stats_lock);
        if (entry != nullptr || attempt == 1) return;
        SweepDeadEntries();
    }
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
    TimestampTz now = GetCurrentTimestamp();
    WithEntry(relid, [&counts, microseconds, now](Stats *entry) {
        entry->refreshes++;
        entry->rows_inserted += counts.inserted;
        entry->rows_updated += counts.updated;
        entry->rows_deleted += counts.deleted;
        entry->rows_unchanged += Max(0, counts.recomputed - counts.inserted - counts.updated);
        entry->total_microseconds += microseconds;
        entry->last_refresh = now;
        entry->last_microseconds = microseconds;
    });
}

void StatsRecordError(Oid relid, const char *message)
{
    if (stats == nullptr) return;
    TimestampTz now = GetCurrentTimestamp();
    WithEntry(relid, [message, now](Stats *entry) {
        entry->errors++;
        entry->last_error_at = now;
        strlcpy(entry->last_error, message != nullptr ? message : "", kErrorLength);
    });
}

void StatsAtCommit()
{
    if (stats != nullptr && dropped != NIL) {
        // No allocation and nothing that can fail: an exclusive lock and hash removals.
        LWLockAcquire(stats_lock, LW_EXCLUSIVE);
        ListCell *lc;
        foreach (lc, dropped) {
            StatsKey key{MyDatabaseId, lfirst_oid(lc)};
            hash_search(stats, &key, HASH_REMOVE, nullptr);
        }
        LWLockRelease(stats_lock);
    }
    dropped = NIL;  // freed with TopTransactionContext
}

void StatsAtAbort()
{
    dropped = NIL;
}

namespace {

// pg_tviews_stats_raw(): one row per TVIEW of this database that has statistics and that the
// current user may read (the last error may quote data).
Datum StatsRaw(FunctionCallInfo fcinfo)
{
    InitMaterializedSRF(fcinfo, 0);
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    if (stats == nullptr) return (Datum)0;
    // Copied out under the lock; privileges are checked with no lock held.
    LWLockAcquire(stats_lock, LW_SHARED);
    long capacity = hash_get_num_entries(stats);
    auto *copies = static_cast<Stats *>(palloc(sizeof(Stats) * Max(1, capacity)));
    long count = 0;
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, stats);
    while (auto *entry = static_cast<Stats *>(hash_seq_search(&scan)))
        if (entry->key.database == MyDatabaseId && count < capacity) copies[count++] = *entry;
    LWLockRelease(stats_lock);
    for (long i = 0; i < count; i++) {
        const Stats *entry = &copies[i];
        if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(entry->key.relid)) ||
            pg_class_aclcheck(entry->key.relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
            continue;
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
    pfree(copies);
    return (Datum)0;
}

// pg_tviews_stats_reset(relid): forgets one TVIEW's statistics, or all of this database's;
// reserved to the owner of the TVIEW, or of every TVIEW.
Datum StatsReset(FunctionCallInfo fcinfo)
{
    bool all = PG_ARGISNULL(0);
    Oid relid = all ? InvalidOid : PG_GETARG_OID(0);
    if (all) {
        RequireOwnerOfEveryTview("reset the statistics of");
    } else {
        TviewEntry *tview = RegistryLookup(relid);
        if (tview == nullptr)
            ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                            errmsg("relation with OID %u is not a TVIEW", relid)));
        RequireTviewOwner(tview, "reset the statistics of");
    }
    if (stats == nullptr) PG_RETURN_VOID();
    LWLockAcquire(stats_lock, LW_EXCLUSIVE);
    HASH_SEQ_STATUS scan;
    hash_seq_init(&scan, stats);
    while (auto *entry = static_cast<Stats *>(hash_seq_search(&scan)))
        if (entry->key.database == MyDatabaseId && (all || entry->key.relid == relid))
            hash_search(stats, &entry->key, HASH_REMOVE, nullptr);
    LWLockRelease(stats_lock);
    PG_RETURN_VOID();
}

// tviews_internal.stats_slots(): slots in use across all databases, and the table's capacity.
Datum StatsSlots(FunctionCallInfo fcinfo)
{
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "stats_slots() must return a row");
    Datum values[2] = {Int64GetDatum(0), Int64GetDatum(kMaxTracked)};
    bool nulls[2] = {false, false};
    if (stats != nullptr) {
        LWLockAcquire(stats_lock, LW_SHARED);
        values[0] = Int64GetDatum(hash_get_num_entries(stats));
        LWLockRelease(stats_lock);
    }
    return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

// Row trigger AFTER DELETE on tviews_internal.tview: the TVIEW's statistics go when the
// transaction that removed it commits.
Datum CatalogForgotten(FunctionCallInfo fcinfo)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("pg_tviews_catalog_forgotten() must be called as a trigger")));
    auto *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
    TupleDesc desc = RelationGetDescr(trigger->tg_relation);
    bool isnull;
    Datum relid = heap_getattr(trigger->tg_trigtuple, SPI_fnumber(desc, "tview"), desc, &isnull);
    if (!isnull) {
        MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
        dropped = lappend_oid(dropped, DatumGetObjectId(relid));
        MemoryContextSwitchTo(old);
    }
    return PointerGetDatum(nullptr);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_catalog_forgotten, pg_tviews::CatalogForgotten)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_stats_slots, pg_tviews::StatsSlots)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_stats_raw, pg_tviews::StatsRaw)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_stats_reset, pg_tviews::StatsReset)
