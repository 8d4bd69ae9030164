// Change capture: one set of statement-level AFTER triggers per base table (INSERT, UPDATE and
// DELETE with transition tables, and TRUNCATE), shared by every TVIEW that reads the table.
// Their names start with pg_tviews_ so operators can find and toggle them.
#pragma once

extern "C" {
#include "postgres.h"
}

#include "pg_tviews/catalog/registry.hpp"

namespace pg_tviews {

// Creates whichever capture triggers a base table lacks; returns how many it created.
int EnsureCaptureTriggers(Oid base_relid);

// Queues the TVIEW keys that rows with these start-column values feed along one link: the values
// themselves for a local link, the result of its mapping query otherwise. `writing` when the
// values come from rows being written (their paths are then locked against recomputes).
void QueueKeysOfStartValues(SourceLink *link, Datum *values, int count, bool writing);

}  // namespace pg_tviews
