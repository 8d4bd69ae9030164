// Change capture: one set of statement-level AFTER triggers per base table (INSERT, UPDATE and
// DELETE with transition tables, and TRUNCATE), shared by every TVIEW that reads the table.
// Their names start with pg_tviews_ so operators can find and toggle them.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace pg_tviews {

// Creates whichever capture triggers a base table lacks; returns how many it created.
int EnsureCaptureTriggers(Oid base_relid);

}  // namespace pg_tviews
