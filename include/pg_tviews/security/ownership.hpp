// Who may manage a TVIEW: its owner (membership in the owning role) or a superuser.
//
// Refreshing, suspending, resuming, cascading, rebuilding, dropping and resetting statistics
// change what every reader sees or how every writer waits (a forced full refresh blocks all
// writers of a TVIEW), so they are reserved to the owner, like ALTER or REFRESH MATERIALIZED VIEW.
// The checks run before anything else, in particular before any switch of user id.
#pragma once

extern "C" {
#include "postgres.h"
}

#include "pg_tviews/catalog/registry.hpp"

namespace pg_tviews {

// True when the current user may manage the TVIEW whose table is relid.
bool MayManageTview(Oid relid);

// Raises 42501 unless the current user may manage the TVIEW; `action` completes "must be owner
// of TVIEW ... to <action> it" (refresh, suspend, ...).
void RequireTviewOwner(const TviewEntry *tview, const char *action);

// For operations on every TVIEW of the database (a NULL name): raises 42501 naming the first
// TVIEW the current user may not manage, before anything is done.
void RequireOwnerOfEveryTview(const char *action);

// Raises 42501 unless the current user may read the TVIEW's table (SELECT privilege).
void RequireTviewReader(const TviewEntry *tview, const char *action);

}  // namespace pg_tviews
