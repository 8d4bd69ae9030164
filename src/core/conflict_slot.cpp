#include "pg_tviews/core/conflict_slot.hpp"

namespace pg_tviews::core {

void RecordHolder(ConflictSlot &slot, uint32_t key, uint64_t xid, bool prepared)
{
    ConflictEntry *target = nullptr;
    if (!prepared)
        for (ConflictEntry &entry : slot.entries)
            if (entry.xid != 0 && entry.key == key && !entry.prepared) {
                target = &entry;
                break;
            }
    if (target == nullptr) {
        for (ConflictEntry &entry : slot.entries) {
            if (entry.xid == 0) {
                target = &entry;
                break;
            }
            if (target == nullptr || entry.xid < target->xid) target = &entry;
        }
        // The evicted transaction may have committed after some reader's snapshot.
        if (target->xid != 0 && target->xid > slot.horizon) slot.horizon = target->xid;
    }
    *target = ConflictEntry{key, prepared, xid};
}

int ConflictCandidates(const ConflictSlot &slot, uint32_t key, uint64_t xmin,
                       uint64_t oldest_needed, uint64_t mine, uint64_t out[kConflictEntriesPerSlot])
{
    if (slot.horizon != 0 && slot.horizon >= xmin) return -1;
    int count = 0;
    for (const ConflictEntry &entry : slot.entries) {
        if (entry.xid == 0 || entry.key != key || entry.xid == mine) continue;
        if (entry.xid < oldest_needed) continue;
        out[count++] = entry.xid;
    }
    return count;
}

}  // namespace pg_tviews::core
