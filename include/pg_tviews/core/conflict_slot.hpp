// One slot of the conflict table, free of PostgreSQL (see refresh/conflict_table.hpp for what
// the table is for).
//
// A slot holds a few (lock hash, transaction) entries and a horizon. Transaction ids are full
// 64-bit ids (epoch and xid), so an entry never looks new again after the 32-bit counter wraps.
// The rules that make a conflict impossible to miss:
//  * one entry per lock holds the transaction that committed last while holding it: if any
//    earlier one committed after a snapshot was taken, so did the last one;
//  * entries recorded at PREPARE may still roll back: they are never replaced by a commit;
//  * a full slot evicts its oldest entry and raises the horizon to the evicted id: a reader whose
//    snapshot xmin does not lie beyond the horizon cannot rule out a conflict.
// The caller serializes access (a spinlock in shared memory).
#pragma once

#include <cstdint>

namespace pg_tviews::core {

inline constexpr int kConflictEntriesPerSlot = 8;

struct ConflictEntry {
    uint32_t key = 0;
    bool prepared = false;
    uint64_t xid = 0;  // 0: free
};

struct ConflictSlot {
    uint64_t horizon = 0;  // newest transaction ever evicted; 0: none
    ConflictEntry entries[kConflictEntriesPerSlot];
};

// Records that transaction `xid` committed (or prepared) holding lock `key`.
void RecordHolder(ConflictSlot &slot, uint32_t key, uint64_t xid, bool prepared);

// What a transaction-snapshot holder of lock `key` must still check: returns -1 when the slot
// cannot rule out a conflict (something newer than `xmin` was evicted), else the number of
// candidate transactions written to `out` — those recorded for `key`, not `mine`, and not older
// than `oldest_needed` (ids older than every snapshot of the reader are visible to it). The
// reader has a conflict if any candidate committed and is invisible to its snapshot.
int ConflictCandidates(const ConflictSlot &slot, uint32_t key, uint64_t xmin,
                       uint64_t oldest_needed, uint64_t mine,
                       uint64_t out[kConflictEntriesPerSlot]);

}  // namespace pg_tviews::core
