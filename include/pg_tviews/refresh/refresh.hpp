// Set-based recompute of TVIEW rows from their definition.
#pragma once

extern "C" {
#include "postgres.h"
}

#include "pg_tviews/catalog/registry.hpp"

namespace pg_tviews {

struct RefreshCounts {
    int64 deleted;
    int64 inserted;
    int64 updated;
    int64 recomputed;  // rows the definition produced for the keys; the rest of them were no-ops
};

// Recomputes the given keys (deduplicated here) of one TVIEW in one statement.
RefreshCounts RefreshKeys(TviewEntry *tview, Datum *keys, int nkeys);

// Recomputes every row of one TVIEW.
RefreshCounts RefreshAll(TviewEntry *tview);

// True when the TVIEW's table equals its definition row for row.
bool VerifyTview(TviewEntry *tview);

}  // namespace pg_tviews
