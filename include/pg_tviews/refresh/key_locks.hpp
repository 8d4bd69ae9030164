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

// Path locks close the race between a writer of a parent row and a concurrent recompute that
// reads it: the writer locks the start values of its changed rows before mapping them to keys
// (so the mapping runs after any recompute that read the old parent has committed), and a
// recompute locks the start values its keys read before taking its snapshot (so it reads the
// parent after any writer of it has committed). Readers share; writers exclude. Both sides take
// path locks before key locks, so the two orders cannot deadlock each other.
enum class PathAccess { kRead, kWrite };
void LockPathValues(const SourceLink *link, const Datum *values, int nvalues, PathAccess access);

}  // namespace pg_tviews
