// The advisory lock tags of refresh locks, and what each records in the conflict table.
//
// Refresh locks are advisory locks of our own: (database, TVIEW, value hash, kind), with kinds
// that pg_advisory_lock() never uses (it uses 1 and 2), so user advisory locks cannot collide
// with ours. The conflict table records, for every lock a committing transaction held, a key
// derived from the tag and the role of the holder; prepared transactions' entries are rebuilt
// after a restart from the tags and modes of the locks they still hold.
#pragma once

extern "C" {
#include "postgres.h"
#include "storage/lock.h"
}

#include "pg_tviews/refresh/conflict_table.hpp"

namespace pg_tviews {

inline constexpr uint16 kWholeTviewLock = 0x7401;
inline constexpr uint16 kTviewKeyLock = 0x7402;
inline constexpr uint16 kPathValueLock = 0x7403;
inline constexpr uint16 kWholePathLock = 0x7404;
inline constexpr uint16 kReadSlotBit = 0x8000;  // distinguishes readers' entries, not a lock tag

// What a lock holder does with what the lock guards: writers conflict with later readers and
// writers, readers only with later writers, and share holders of a TVIEW-wide or path-wide
// lock only check for a writer of the whole.
enum class LockRole { kWriter, kReader, kShareOnly };

// The conflict-table key a holder in `role` of lock (tview, value_hash, kind) records, or false
// when it records none.
inline bool RecordedKey(Oid database, Oid tview, uint32 value_hash, uint16 kind, LockRole role,
                        ConflictKey *key)
{
    if (role == LockRole::kShareOnly) return false;
    *key = ConflictKeyOf(database, tview, value_hash,
                         role == LockRole::kReader ? kind | kReadSlotBit : kind);
    return true;
}

// The key a prepared transaction holding `tag` in the modes of `hold_mask` recorded at PREPARE:
// exclusive holders were writers; share holders of path locks readers (a whole-path share lock
// may also have been share-only: counting it as a reader can only add a conservative entry).
inline bool RecordedKeyOfLock(const LOCKTAG &tag, LOCKMASK hold_mask, ConflictKey *key)
{
    uint16 kind = tag.locktag_field4;
    if (kind != kWholeTviewLock && kind != kTviewKeyLock && kind != kPathValueLock &&
        kind != kWholePathLock)
        return false;
    LockRole role;
    if (hold_mask & LOCKBIT_ON(ExclusiveLock))
        role = LockRole::kWriter;
    else if ((hold_mask & LOCKBIT_ON(ShareLock)) &&
             (kind == kPathValueLock || kind == kWholePathLock))
        role = LockRole::kReader;
    else
        return false;
    return RecordedKey(tag.locktag_field1, tag.locktag_field2, tag.locktag_field3, kind, role, key);
}

}  // namespace pg_tviews
