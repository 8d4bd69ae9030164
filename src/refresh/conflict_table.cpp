// The conflict table; see include/pg_tviews/refresh/conflict_table.hpp.
#include "pg_tviews/refresh/conflict_table.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
}

namespace pg_tviews {

namespace {

constexpr uint32 kSlots = 65536;
constexpr uint32 kXidsPerSlot = 4;
constexpr int kMaxHeld = 4096;  // beyond this, remember nothing more (the reader side still works)

// A recorded commit: the xid in the low half, the full 32-bit hash of the lock in the high half,
// written and read as one atomic word. Readers only count entries whose hash is theirs, so locks
// that merely share a slot (other keys, other TVIEWs, other databases) do not fail each other.
struct Slot {
    pg_atomic_uint32 next;  // round-robin position of the next recorded entry
    pg_atomic_uint64 entries[kXidsPerSlot];
};

Slot *slots = nullptr;       // in shared memory; nullptr when not preloaded
ConflictKey held[kMaxHeld];  // locks this transaction holds, recorded at commit
int nheld = 0;

uint32 SlotOf(ConflictKey key)
{
    return key % kSlots;
}

}  // namespace

void ConflictTableRequestShmem()
{
    RequestAddinShmemSpace(sizeof(Slot) * kSlots);
}

void ConflictTableInitShmem()
{
    bool found;
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    slots = static_cast<Slot *>(
        ShmemInitStruct("pg_tviews conflict table", sizeof(Slot) * kSlots, &found));
    if (!found)
        for (uint32 i = 0; i < kSlots; i++) {
            pg_atomic_init_u32(&slots[i].next, 0);
            for (uint32 j = 0; j < kXidsPerSlot; j++)
                pg_atomic_init_u64(&slots[i].entries[j], InvalidTransactionId);
        }
    LWLockRelease(AddinShmemInitLock);
}

ConflictKey ConflictKeyOf(Oid tview_relid, uint32 value_hash, uint16 kind)
{
    uint32 hash = hash_combine(murmurhash32(MyDatabaseId), murmurhash32(tview_relid));
    return hash_combine(hash, murmurhash32(value_hash ^ (static_cast<uint32>(kind) << 16)));
}

void ConflictTableNoteHeld(ConflictKey key)
{
    if (slots == nullptr || nheld == kMaxHeld) return;
    for (int i = 0; i < nheld; i++)
        if (held[i] == key) return;
    held[nheld++] = key;
}

bool ConflictTableChangedSinceSnapshot(ConflictKey key)
{
    if (slots == nullptr) return false;
    Snapshot snapshot = GetTransactionSnapshot();
    TransactionId mine = GetTopTransactionIdIfAny();
    for (uint32 j = 0; j < kXidsPerSlot; j++) {
        uint64 entry = pg_atomic_read_u64(&slots[SlotOf(key)].entries[j]);
        if (static_cast<ConflictKey>(entry >> 32) != key) continue;
        auto xid = static_cast<TransactionId>(entry & 0xFFFFFFFF);
        if (!TransactionIdIsNormal(xid) || TransactionIdEquals(xid, mine)) continue;
        // Older than every snapshot of this transaction: visible, so nothing was missed.
        if (TransactionIdPrecedes(xid, TransactionXmin)) continue;
        if (XidInMVCCSnapshot(xid, snapshot) && TransactionIdDidCommit(xid)) return true;
    }
    return false;
}

void ConflictTableAtCommit()
{
    TransactionId xid = GetTopTransactionIdIfAny();
    if (slots != nullptr && TransactionIdIsValid(xid))
        for (int i = 0; i < nheld; i++) {
            Slot *s = &slots[SlotOf(held[i])];
            uint32 position = pg_atomic_fetch_add_u32(&s->next, 1) % kXidsPerSlot;
            pg_atomic_write_u64(&s->entries[position], (static_cast<uint64>(held[i]) << 32) | xid);
        }
    nheld = 0;
}

void ConflictTableAtAbort()
{
    nheld = 0;
}

}  // namespace pg_tviews
