// Per-key refresh locks; see include/pg_tviews/refresh/key_locks.hpp.
#include "pg_tviews/refresh/key_locks.hpp"

#include "pg_tviews/guc.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/sinvaladt.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

#include <algorithm>

namespace pg_tviews {

namespace {

// Advisory lock tags of our own: field4 values that pg_advisory_lock() never uses (it uses 1
// and 2), so user advisory locks cannot collide with ours.
constexpr uint16 kWholeTviewLock = 0x7401;
constexpr uint16 kTviewKeyLock = 0x7402;
constexpr uint16 kPathValueLock = 0x7403;
constexpr uint16 kWholePathLock = 0x7404;

// Transaction ids of the current holders of a lock we are about to wait for.
List *HolderXids(const LOCKTAG *tag, LOCKMODE mode)
{
    List *xids = NIL;
    int count = 0;
    VirtualTransactionId *holders = GetLockConflicts(tag, mode, &count);
    for (int i = 0; i < count; i++) {
        TransactionId xid, xmin;
        BackendIdGetTransactionIds(holders[i].backendId, &xid, &xmin);
        // PostgreSQL 15 has no xid lists; a TransactionId is a uint32 like an Oid.
        if (TransactionIdIsValid(xid)) xids = lappend_oid(xids, xid);
    }
    return xids;
}

void Acquire(const TviewEntry *tview, uint32 key_hash, uint16 kind, LOCKMODE mode)
{
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, tview->relid, key_hash, kind);
    if (LockAcquire(&tag, mode, false, true) != LOCKACQUIRE_NOT_AVAIL) return;
    if (!IsolationUsesXactSnapshot()) {
        // READ COMMITTED: wait; the recompute takes its snapshot after the holder is gone.
        (void) LockAcquire(&tag, mode, false, false);
        return;
    }
    // A transaction snapshot cannot see what a holder commits: if one commits, recomputing from
    // this snapshot would write stale rows. A holder that rolls back leaves nothing to miss.
    List *holders = HolderXids(&tag, mode);
    (void) LockAcquire(&tag, mode, false, false);
    ListCell *lc;
    foreach (lc, holders)
        if (TransactionIdDidCommit(static_cast<TransactionId>(lfirst_oid(lc))))
            ereport(ERROR,
                    (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                     errmsg("could not serialize access to TVIEW \"%s\" due to a concurrent refresh",
                            tview->table_name),
                     errdetail("Another transaction changed rows that feed the same TVIEW rows."),
                     errhint("Retry the transaction.")));
    list_free(holders);
}

// Sorted, distinct hashes of values of one type, so locks are always taken in one order.
int SortedHashes(Oid type, Oid collation, const Datum *values, int nvalues, uint32 *hashes)
{
    TypeCacheEntry *entry = lookup_type_cache(type, TYPECACHE_HASH_PROC_FINFO);
    if (!OidIsValid(entry->hash_proc)) return -1;
    for (int i = 0; i < nvalues; i++)
        hashes[i] = DatumGetUInt32(FunctionCall1Coll(&entry->hash_proc_finfo, collation, values[i]));
    // A fixed order keeps two refreshes of overlapping sets from deadlocking each other.
    std::sort(hashes, hashes + nvalues);
    return static_cast<int>(std::unique(hashes, hashes + nvalues) - hashes);
}

}  // namespace

void LockAllKeys(const TviewEntry *tview)
{
    Acquire(tview, 0, kWholeTviewLock, ExclusiveLock);
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
        Acquire(tview, 0, kWholeTviewLock, ShareLock);
        for (int i = 0; i < unique; i++) Acquire(tview, hashes[i], kTviewKeyLock, ExclusiveLock);
    }
    pfree(hashes);
}

void LockPathValues(const SourceLink *link, const Datum *values, int nvalues)
{
    auto *hashes = static_cast<uint32 *>(palloc(sizeof(uint32) * Max(1, nvalues)));
    int unique = nvalues > max_key_locks ? -1
                                         : SortedHashes(link->start_type, link->start_collation,
                                                        values, nvalues, hashes);
    // Too many values (or no hash function): one lock for the whole path, which per-value
    // lockers hold in share mode.
    const uint32 path = static_cast<uint32>(link->path_no);
    if (unique < 0) {
        Acquire(link->tview, path, kWholePathLock, ExclusiveLock);
    } else {
        Acquire(link->tview, path, kWholePathLock, ShareLock);
        for (int i = 0; i < unique; i++)
            Acquire(link->tview, hashes[i] ^ (static_cast<uint32>(link->path_no) * 0x9E3779B9u),
                    kPathValueLock, ExclusiveLock);
    }
    pfree(hashes);
}

}  // namespace pg_tviews
