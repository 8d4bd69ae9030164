// Serializes concurrent refreshes of one TVIEW key.
//
// When several base rows feed one key (GROUP BY, DISTINCT, a key column not unique in its table),
// two transactions can each recompute the key from a snapshot that lacks the other's rows. Each
// refresh therefore locks its keys first (transaction-scoped locks, taken in a fixed order) and
// recomputes with a snapshot taken after the locks are granted. Under REPEATABLE READ and
// SERIALIZABLE the snapshot cannot move, so waiting for a key becomes a serialization failure.
#pragma once

extern "C" {
#include "postgres.h"
}

#include "pg_tviews/catalog/registry.hpp"

namespace pg_tviews {

// Locks the listed keys (already sorted and unique) of a TVIEW for this transaction.
void LockKeys(const TviewEntry *tview, const Datum *keys, int nkeys);

// Locks every key of a TVIEW for this transaction.
void LockAllKeys(const TviewEntry *tview);

}  // namespace pg_tviews
