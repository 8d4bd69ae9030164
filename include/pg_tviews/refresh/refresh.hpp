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

// Runs body(arg) as a refresh nobody's write asked for (pg_tviews_refresh, resume, cascade) and
// returns its result. Such refreshes first wait for, and then hold off, concurrent writers of
// the rows they recompute: a writer's own refresh is ordered by the base-row lock it holds, a
// manual one has no such lock, and would otherwise overwrite a newer row with its older result.
int64 AsManualRefresh(int64 (*body)(void *), void *arg);

// Forgets manual refreshes in progress; called when the top-level transaction ends.
void RefreshAtTransactionEnd();

// Recomputes the given keys (deduplicated here) of one TVIEW in one statement.
RefreshCounts RefreshKeys(TviewEntry *tview, Datum *keys, int nkeys);

// Recomputes every row of one TVIEW.
RefreshCounts RefreshAll(TviewEntry *tview);

// True when the TVIEW's table equals its definition row for row.
bool VerifyTview(TviewEntry *tview);

}  // namespace pg_tviews
