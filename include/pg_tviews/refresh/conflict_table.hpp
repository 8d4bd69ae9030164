// The conflict table: what REPEATABLE READ and SERIALIZABLE transactions need to stay correct.
//
// A transaction snapshot cannot see what commits after it was taken, so waiting for a lock is
// not enough: the holder may have changed rows the snapshot will then read stale, or committed
// before this transaction even asked for the lock. Every transaction that held a refresh lock
// slot records its xid in that slot when it commits (before its locks are released). A
// transaction-snapshot reader of a slot fails with 40001 when a recorded xid committed after its
// snapshot. Locks are identified by a 32-bit hash (database, TVIEW, key or path value) stored
// with each xid; distinct locks share a slot, but a reader only counts its own hash, so only a
// full hash collision can cause a spurious serialization failure. None is ever missed, unless
// more than kXidsPerSlot transactions commit into one slot while the reader waits.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace pg_tviews {

// shmem_request_hook / shmem_startup_hook parts; only when preloaded.
void ConflictTableRequestShmem();
void ConflictTableInitShmem();

// The hash identifying one refresh lock.
using ConflictKey = uint32;
ConflictKey ConflictKeyOf(Oid tview_relid, uint32 value_hash, uint16 kind);

// This transaction holds the lock: record it when the transaction commits.
void ConflictTableNoteHeld(ConflictKey key);

// True when a transaction that held the lock committed after this transaction's snapshot.
bool ConflictTableChangedSinceSnapshot(ConflictKey key);

// XACT_EVENT_COMMIT / PREPARE: record the held slots (no allocation, cannot fail); ABORT: forget.
void ConflictTableAtCommit();
void ConflictTableAtAbort();

}  // namespace pg_tviews
