// Per-key refresh locks; see include/pg_tviews/refresh/key_locks.hpp.
#include "pg_tviews/refresh/key_locks.hpp"

#include "pg_tviews/guc.hpp"

extern "C" {
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

// Advisory lock tags of our own: field4 values that pg_advisory_lock() never uses (it uses 1
// and 2), so user advisory locks cannot collide with ours.
constexpr uint16 kWholeTviewLock = 0x7401;
constexpr uint16 kTviewKeyLock = 0x7402;

void Acquire(const TviewEntry *tview, uint32 key_hash, uint16 kind, LOCKMODE mode)
{
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, tview->relid, key_hash, kind);
    if (LockAcquire(&tag, mode, false, true) != LOCKACQUIRE_NOT_AVAIL) return;
    (void) LockAcquire(&tag, mode, false, false);
    // A transaction snapshot taken before the other refresh committed cannot see its rows.
    if (IsolationUsesXactSnapshot())
        ereport(ERROR,
                (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                 errmsg("could not serialize access to TVIEW \"%s\" due to a concurrent refresh",
                        tview->table_name),
                 errdetail("Another transaction changed rows that feed the same TVIEW keys."),
                 errhint("Retry the transaction.")));
}

}  // namespace

void LockAllKeys(const TviewEntry *tview)
{
    Acquire(tview, 0, kWholeTviewLock, ExclusiveLock);
}

void LockKeys(const TviewEntry *tview, const Datum *keys, int nkeys)
{
    TypeCacheEntry *type = lookup_type_cache(tview->key_type, TYPECACHE_HASH_PROC_FINFO);
    if (nkeys > max_key_locks || !OidIsValid(type->hash_proc)) {
        LockAllKeys(tview);
        return;
    }
    // Share mode on the TVIEW-wide tag lets per-key refreshes run side by side while still
    // conflicting with a TVIEW-wide refresh.
    Acquire(tview, 0, kWholeTviewLock, ShareLock);
    auto *hashes = static_cast<uint32 *>(palloc(sizeof(uint32) * nkeys));
    for (int i = 0; i < nkeys; i++)
        hashes[i] = DatumGetUInt32(
            FunctionCall1Coll(&type->hash_proc_finfo, tview->key_collation, keys[i]));
    // A fixed order keeps two refreshes of overlapping key sets from deadlocking each other.
    std::sort(hashes, hashes + nkeys);
    int unique = static_cast<int>(std::unique(hashes, hashes + nkeys) - hashes);
    for (int i = 0; i < unique; i++) Acquire(tview, hashes[i], kTviewKeyLock, ExclusiveLock);
    pfree(hashes);
}

}  // namespace pg_tviews
