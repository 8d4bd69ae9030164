// Per-key refresh locks; see include/pg_tviews/refresh/key_locks.hpp.
#include "pg_tviews/refresh/key_locks.hpp"

#include "pg_tviews/guc.hpp"
#include "pg_tviews/refresh/conflict_table.hpp"
#include "pg_tviews/refresh/lock_tags.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

#include <algorithm>

namespace pg_tviews {

namespace {

using Role = LockRole;

// Takes one refresh lock for this transaction; under a transaction snapshot, fails with 40001
// when a conflicting holder committed after the snapshot (see conflict_table.hpp).
void Acquire(const TviewEntry *tview, uint32 value_hash, uint16 kind, LOCKMODE mode, Role role)
{
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, tview->relid, value_hash, kind);
    (void)LockAcquire(&tag, mode, false, false);
    ConflictKey write_lock, read_lock;
    (void)RecordedKey(MyDatabaseId, tview->relid, value_hash, kind, Role::kWriter, &write_lock);
    (void)RecordedKey(MyDatabaseId, tview->relid, value_hash, kind, Role::kReader, &read_lock);
    if (IsolationUsesXactSnapshot()) {
        ConflictVerdict verdict = ConflictTableChangedSinceSnapshot(write_lock);
        if (verdict == ConflictVerdict::kNone && role == Role::kWriter)
            verdict = ConflictTableChangedSinceSnapshot(read_lock);
        if (verdict != ConflictVerdict::kNone)
            ereport(
                ERROR,
                (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                 errmsg("could not serialize access to TVIEW \"%s\" due to a concurrent refresh",
                        tview->table_name),
                 verdict == ConflictVerdict::kConflict
                     ? errdetail("A transaction that committed after this transaction's "
                                 "snapshot changed rows that feed the same TVIEW rows.")
                     : errdetail("So many transactions committed since this transaction's "
                                 "snapshot that pg_tviews cannot tell whether one changed rows "
                                 "that feed the same TVIEW rows."),
                 errhint("Retry the transaction.")));
    }
    if (role == Role::kWriter) ConflictTableNoteHeld(write_lock);
    if (role == Role::kReader) ConflictTableNoteHeld(read_lock);
}

// Sorted, distinct hashes of values of one type, so locks are always taken in one order.
int SortedHashes(Oid type, Oid collation, const Datum *values, int nvalues, uint32 *hashes)
{
    TypeCacheEntry *entry = lookup_type_cache(type, TYPECACHE_HASH_PROC_FINFO);
    if (!OidIsValid(entry->hash_proc)) return -1;
    for (int i = 0; i < nvalues; i++)
        hashes[i] =
            DatumGetUInt32(FunctionCall1Coll(&entry->hash_proc_finfo, collation, values[i]));
    // A fixed order keeps two refreshes of overlapping sets from deadlocking each other.
    std::sort(hashes, hashes + nvalues);
    return static_cast<int>(std::unique(hashes, hashes + nvalues) - hashes);
}

}  // namespace

void LockAllKeys(const TviewEntry *tview)
{
    Acquire(tview, 0, kWholeTviewLock, ExclusiveLock, Role::kWriter);
}

void LockKeys(const TviewEntry *tview, const Datum *keys, int nkeys)
{
    auto *hashes = static_cast<uint32 *>(palloc(sizeof(uint32) * Max(1, nkeys)));
    int unique = nkeys > max_key_locks
                     ? -1
                     : SortedHashes(tview->key_type, tview->key_collation, keys, nkeys, hashes);
    if (unique < 0) {
        LockAllKeys(tview);
    } else {
        // Share mode on the TVIEW-wide tag lets per-key refreshes run side by side while still
        // conflicting with a TVIEW-wide refresh.
        Acquire(tview, 0, kWholeTviewLock, ShareLock, Role::kShareOnly);
        for (int i = 0; i < unique; i++)
            Acquire(tview, hashes[i], kTviewKeyLock, ExclusiveLock, Role::kWriter);
    }
    pfree(hashes);
}

void LockPathValues(const SourceLink *link, const Datum *values, int nvalues, PathAccess access)
{
    auto *hashes = static_cast<uint32 *>(palloc(sizeof(uint32) * Max(1, nvalues)));
    int unique = nvalues > max_key_locks ? -1
                                         : SortedHashes(link->start_type, link->start_collation,
                                                        values, nvalues, hashes);
    // Writers of a parent exclude readers of it; readers share. Too many values (or no hash
    // function): one lock for the whole path, which per-value lockers hold in share mode.
    bool write = access == PathAccess::kWrite;
    LOCKMODE mode = write ? ExclusiveLock : ShareLock;
    Role role = write ? Role::kWriter : Role::kReader;
    const uint32 path = static_cast<uint32>(link->path_no);
    if (unique < 0) {
        Acquire(link->tview, path, kWholePathLock, mode, role);
    } else {
        Acquire(link->tview, path, kWholePathLock, ShareLock, Role::kShareOnly);
        for (int i = 0; i < unique; i++)
            Acquire(link->tview, hashes[i] ^ (path * 0x9E3779B9u), kPathValueLock, mode, role);
    }
    pfree(hashes);
}

}  // namespace pg_tviews
