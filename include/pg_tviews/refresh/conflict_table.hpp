// The conflict table: what REPEATABLE READ and SERIALIZABLE transactions need to stay correct.
//
// A transaction snapshot cannot see what commits after it was taken, so waiting for a lock is
// not enough: the holder may have changed rows the snapshot will then read stale, or committed
// before this transaction even asked for the lock. Every transaction that held a refresh lock
// slot records its xid in that slot when it commits (before its locks are released). A
// transaction-snapshot reader of a slot fails with 40001 when a recorded xid committed after its
// snapshot. Slots are hashed, so distinct keys may share one: that can only cause a spurious
// serialization failure, never a missed one (unless more than kXidsPerSlot transactions commit
// into one slot while the reader waits).
#pragma once

extern "C" {
#include "postgres.h"
}

namespace pg_tviews {

// shmem_request_hook / shmem_startup_hook parts; only when preloaded.
void ConflictTableRequestShmem();
void ConflictTableInitShmem();

// Hash of one lock slot.
uint32 ConflictSlot(Oid tview_relid, uint32 value_hash, uint16 kind);

// This transaction holds the slot's lock: record it in the slot when the transaction commits.
void ConflictTableNoteHeld(uint32 slot);

// True when a transaction that held the slot committed after this transaction's snapshot.
bool ConflictTableChangedSinceSnapshot(uint32 slot);

// XACT_EVENT_COMMIT / PREPARE: record the held slots (no allocation, cannot fail); ABORT: forget.
void ConflictTableAtCommit();
void ConflictTableAtAbort();

}  // namespace pg_tviews
