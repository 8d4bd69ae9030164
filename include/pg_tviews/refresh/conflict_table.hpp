// The conflict table: what REPEATABLE READ and SERIALIZABLE transactions need to stay correct.
//
// A transaction snapshot cannot see what commits after it was taken, so waiting for a lock is
// not enough: the holder may have changed rows the snapshot will then read stale, or committed
// before this transaction even asked for the lock. Every transaction that held a refresh lock
// records, when it commits (before its locks are released), its full transaction id under the
// lock's 32-bit hash (database, TVIEW, key or path value). A transaction-snapshot holder of the
// lock fails with 40001 when a recorded transaction committed after its snapshot.
//
// A conflict is never missed; where the table cannot tell, it fails conservatively:
//  * one entry per lock holds the last transaction that committed holding it: any earlier one
//    that a snapshot cannot see implies the last one is invisible too;
//  * a full slot evicts its oldest entry and remembers the newest transaction id it ever
//    evicted; a snapshot whose xmin is not past that horizon fails rather than guess;
//  * transaction ids are stored with their epoch, so an entry never looks new again after
//    wraparound;
//  * transactions prepared for two-phase commit are recorded at PREPARE; after a restart their
//    entries are rebuilt from the locks they still hold, before any of them can commit.
// Locks that merely share a slot (other keys, TVIEWs or databases) never fail each other; only a
// full 32-bit hash collision can cause a spurious serialization failure.
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
ConflictKey ConflictKeyOf(Oid database, Oid tview_relid, uint32 value_hash, uint16 kind);

// This transaction holds the lock: record it when the transaction commits.
void ConflictTableNoteHeld(ConflictKey key);

// Whether a transaction that held the lock committed after this transaction's snapshot.
enum class ConflictVerdict { kNone, kConflict, kCannotTell };
ConflictVerdict ConflictTableChangedSinceSnapshot(ConflictKey key);

// Rebuilds the entries of transactions prepared before the server started, from the locks they
// hold; a no-op after the first call of the server's lifetime. Called before COMMIT PREPARED
// and before the first conflict check.
void ConflictTableRecoverPrepared();

// XACT_EVENT_COMMIT / PREPARE: record the held locks (no allocation, cannot fail); ABORT: forget.
void ConflictTableAtCommit(bool prepared);
void ConflictTableAtAbort();

}  // namespace pg_tviews
