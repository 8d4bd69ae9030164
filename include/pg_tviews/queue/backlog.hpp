// The backlog: refresh work kept across transactions in tviews_internal.backlog.
//
// A suspended TVIEW (pg_tviews_suspend) is not refreshed; the keys its refreshes would have
// recomputed are written here instead, and pg_tviews_resume() feeds them back to the queue. A row
// with a NULL key means "every key": a TRUNCATE while suspended, or capture stopped by hand on a
// table the TVIEW reads (the TVIEW is then stale until a full refresh). Writes are made as the
// extension's owner, so a writer needs no privilege on the catalog.
#pragma once

extern "C" {
#include "postgres.h"
}

#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/pending.hpp"

namespace pg_tviews {

// Remembers the work a suspended TVIEW was given instead of doing it; false (nothing remembered)
// when the TVIEW has been resumed since the catalog was read: the caller must do the work.
bool BacklogDefer(const TviewEntry *tview, const PendingWork *work);

// Forgets a TVIEW's backlog: a full refresh has just made it equal to its definition. A table it
// reads whose capture is still stopped marks it stale again.
void BacklogClear(const TviewEntry *tview);

// Moves the backlog of one TVIEW (or of every TVIEW, for InvalidOid) into this transaction's
// queue; returns how many entries it moved.
int64 BacklogTakeIntoQueue(Oid tview_relid);

// After DDL on a base table: when any of its capture triggers is missing or no longer fires,
// marks every TVIEW reading it stale.
void BacklogNoteCaptureGap(Oid base_relid);

}  // namespace pg_tviews
