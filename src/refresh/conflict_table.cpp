// The conflict table; see include/pg_tviews/refresh/conflict_table.hpp.
#include "pg_tviews/refresh/conflict_table.hpp"

#include "pg_tviews/core/conflict_slot.hpp"
#include "pg_tviews/guc.hpp"
#include "pg_tviews/refresh/lock_tags.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
}

namespace pg_tviews {

namespace {

// A slot of core::ConflictSlot rules behind a spinlock: short, allocation-free critical
// sections that may run in the commit callback.
struct Slot {
    slock_t mutex;
    core::ConflictSlot data;
};

struct Header {
    slock_t mutex;
    bool prepared_recovered;
};

Header *header = nullptr;
LWLock *recovery_lock = nullptr;
Slot *slots = nullptr;  // in shared memory; nullptr when not preloaded
uint32 nslots = 0;

// Locks this transaction holds, recorded at commit: a set for deduplication and an array to walk
// at commit, both in TopTransactionContext and grown when a lock is noted, never at commit.
HTAB *held_set = nullptr;
ConflictKey *held = nullptr;
int nheld = 0;
int held_capacity = 0;

Size TableSize()
{
    return add_size(MAXALIGN(sizeof(Header)), mul_size(sizeof(Slot), nslots));
}

Slot *SlotOf(ConflictKey key)
{
    return &slots[key % nslots];
}

void Record(ConflictKey key, FullTransactionId xid, bool prepared)
{
    Slot *slot = SlotOf(key);
    SpinLockAcquire(&slot->mutex);
    core::RecordHolder(slot->data, key, U64FromFullTransactionId(xid), prepared);
    SpinLockRelease(&slot->mutex);
}

// The full form of an xid that is not in the future and not older than 2^31 transactions.
FullTransactionId Widen(TransactionId xid)
{
    FullTransactionId next = ReadNextFullTransactionId();
    uint32 behind = XidFromFullTransactionId(next) - xid;
    return FullTransactionIdFromU64(U64FromFullTransactionId(next) - behind);
}

void EnsureHeld(int count)
{
    if (count <= held_capacity) return;
    int capacity = Max(64, held_capacity * 2);
    while (capacity < count) capacity *= 2;
    held = held == nullptr
               ? static_cast<ConflictKey *>(
                     MemoryContextAlloc(TopTransactionContext, sizeof(ConflictKey) * capacity))
               : static_cast<ConflictKey *>(repalloc(held, sizeof(ConflictKey) * capacity));
    held_capacity = capacity;
}

}  // namespace

void ConflictTableRequestShmem()
{
    nslots = static_cast<uint32>(conflict_slots);
    RequestAddinShmemSpace(TableSize());
    RequestNamedLWLockTranche("pg_tviews conflict table", 1);
}

void ConflictTableInitShmem()
{
    bool found;
    nslots = static_cast<uint32>(conflict_slots);
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    auto *base =
        static_cast<char *>(ShmemInitStruct("pg_tviews conflict table", TableSize(), &found));
    header = reinterpret_cast<Header *>(base);
    slots = reinterpret_cast<Slot *>(base + MAXALIGN(sizeof(Header)));
    if (!found) {
        SpinLockInit(&header->mutex);
        header->prepared_recovered = false;
        for (uint32 i = 0; i < nslots; i++) {
            SpinLockInit(&slots[i].mutex);
            slots[i].data = core::ConflictSlot{};
        }
    }
    recovery_lock = &(GetNamedLWLockTranche("pg_tviews conflict table"))->lock;
    LWLockRelease(AddinShmemInitLock);
}

ConflictKey ConflictKeyOf(Oid database, Oid tview_relid, uint32 value_hash, uint16 kind)
{
    uint32 hash = hash_combine(murmurhash32(database), murmurhash32(tview_relid));
    return hash_combine(hash, murmurhash32(value_hash ^ (static_cast<uint32>(kind) << 16)));
}

void ConflictTableNoteHeld(ConflictKey key)
{
    if (slots == nullptr) return;
    if (held_set == nullptr) {
        HASHCTL ctl;
        ctl.keysize = sizeof(ConflictKey);
        ctl.entrysize = sizeof(ConflictKey);
        ctl.hcxt = TopTransactionContext;
        held_set = hash_create("pg_tviews held refresh locks", 64, &ctl,
                               HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    bool found;
    (void)hash_search(held_set, &key, HASH_ENTER, &found);
    if (found) return;
    EnsureHeld(nheld + 1);
    held[nheld++] = key;
}

ConflictVerdict ConflictTableChangedSinceSnapshot(ConflictKey key)
{
    if (slots == nullptr) return ConflictVerdict::kNone;
    ConflictTableRecoverPrepared();
    Slot *slot = SlotOf(key);
    SpinLockAcquire(&slot->mutex);
    core::ConflictSlot copy = slot->data;
    SpinLockRelease(&slot->mutex);

    Snapshot snapshot = GetTransactionSnapshot();
    uint64 candidates[core::kConflictEntriesPerSlot];
    int count = core::ConflictCandidates(copy, key, U64FromFullTransactionId(Widen(snapshot->xmin)),
                                         U64FromFullTransactionId(Widen(TransactionXmin)),
                                         U64FromFullTransactionId(GetTopFullTransactionIdIfAny()),
                                         candidates);
    if (count < 0) return ConflictVerdict::kCannotTell;  // fail safe
    for (int i = 0; i < count; i++) {
        TransactionId xid = XidFromFullTransactionId(FullTransactionIdFromU64(candidates[i]));
        if (XidInMVCCSnapshot(xid, snapshot) && TransactionIdDidCommit(xid))
            return ConflictVerdict::kConflict;
    }
    return ConflictVerdict::kNone;
}

void ConflictTableRecoverPrepared()
{
    if (header == nullptr) return;
    SpinLockAcquire(&header->mutex);
    bool done = header->prepared_recovered;
    SpinLockRelease(&header->mutex);
    if (done) return;
    // Serialized: the flag must not be set before the entries exist.
    LWLockAcquire(recovery_lock, LW_EXCLUSIVE);
    if (!header->prepared_recovered) {
        // Transactions recovered at startup hang their locks on dummy processes with no backend
        // id and their xid as local transaction id; those prepared since were recorded at PREPARE.
        LockData *locks = GetLockStatusData();
        for (int i = 0; i < locks->nelements; i++) {
            const LockInstanceData &lock = locks->locks[i];
            if (lock.pid != 0 || lock.backend != InvalidBackendId ||
                lock.locktag.locktag_type != LOCKTAG_ADVISORY ||
                !TransactionIdIsNormal(static_cast<TransactionId>(lock.lxid)))
                continue;
            ConflictKey key;
            if (!RecordedKeyOfLock(lock.locktag, lock.holdMask, &key)) continue;
            Record(key, Widen(static_cast<TransactionId>(lock.lxid)), true);
        }
        SpinLockAcquire(&header->mutex);
        header->prepared_recovered = true;
        SpinLockRelease(&header->mutex);
    }
    LWLockRelease(recovery_lock);
}

void ConflictTableAtCommit(bool prepared)
{
    FullTransactionId xid = GetTopFullTransactionIdIfAny();
    if (slots != nullptr && FullTransactionIdIsValid(xid))
        for (int i = 0; i < nheld; i++) Record(held[i], xid, prepared);
    ConflictTableAtAbort();
}

void ConflictTableAtAbort()
{
    held_set = nullptr;  // both freed with TopTransactionContext
    held = nullptr;
    nheld = 0;
    held_capacity = 0;
}

}  // namespace pg_tviews
