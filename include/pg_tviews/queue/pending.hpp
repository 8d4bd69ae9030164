// The per-transaction queue of TVIEW keys to refresh.
//
// Capture triggers append keys (or a whole-TVIEW mark, after TRUNCATE) tagged with the current
// subtransaction; the statement-end flush takes them. Entries of an aborted subtransaction are
// dropped, so ROLLBACK TO SAVEPOINT and PL/pgSQL exception blocks leave no trace. A flush takes
// only what the current subtransaction (and its committed children) queued: a statement nested
// inside an exception block, in a trigger of an outer statement, must not refresh the outer
// statement's keys inside a subtransaction that may still roll back — the keys would be gone and
// the refresh undone. Memory hangs off TopTransactionContext and vanishes with the transaction.
#pragma once

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "nodes/pg_list.h"
}

#include "pg_tviews/catalog/registry.hpp"

namespace pg_tviews {

// Work for one TVIEW taken from the queue: either every key, or the listed ones.
struct PendingWork {
    Oid tview_relid;
    bool full;
    int nkeys;
    Datum *keys;  // copies, in the flush's memory context
};

// Queues one key of a TVIEW (copied).
void QueueKey(const TviewEntry *tview, Datum key);

// Queues a recompute of every key of a TVIEW.
void QueueFull(const TviewEntry *tview);

// True when nothing is queued at all.
bool QueueIsEmpty();

// True when nothing was queued by the current subtransaction or its committed children.
bool QueueIsEmptyHere();

// Removes what the current subtransaction (and its committed children) queued for the TVIEWs of
// the lowest cascade level present and returns it as PendingWork *, one per TVIEW, allocated in
// the current memory context. Refreshing them can only queue work for higher levels, so each
// TVIEW is refreshed once per statement.
List *QueueTakeLowestLevel();

// Subtransaction and transaction ends.
void QueueAtSubAbort(SubTransactionId subid);
void QueueAtTransactionEnd();

}  // namespace pg_tviews
