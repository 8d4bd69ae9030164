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

// Path locks close the race between a writer of a parent row and a writer that re-points keys
// to it (a post moved to another author, a tag added to a product): the parent's writer maps
// the parent to keys with a snapshot that may miss the re-pointing, and the re-pointing
// writer's recompute may read the parent before its writer commits. The parent's writer locks
// its changed parent values (exclusive) before mapping them; the re-pointing writer locks,
// shared, the parent values its changed hop rows lead to, before its recompute. Whichever comes
// second waits for the first to commit, then maps or recomputes with a snapshot that sees it.
// Two writers of different parents never wait on each other, and writers that change the same
// keys meet on the key locks, taken later in one global order.
enum class PathAccess { kRead, kWrite };
void LockPathValues(const SourceLink *link, const Datum *values, int nvalues, PathAccess access);

}  // namespace pg_tviews
