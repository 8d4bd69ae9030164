// Statement end: where queued keys become refreshed rows.
//
// Statement-level AFTER triggers fire inside ExecutorFinish (or, for COPY and TRUNCATE, inside
// the utility command), so the flush runs right after them: in an ExecutorFinish hook and after
// every utility statement. A pre-commit callback flushes anything left as a safety net; commit and
// abort only reset state (DESIGN §4 rule 5).
#pragma once

extern "C" {
#include "postgres.h"
}

namespace pg_tviews {

// Installs the executor hooks and transaction callbacks; called once from _PG_init().
void InstallStatementEndHooks();

// True during the statement that loaded the library without shared_preload_libraries: its
// ExecutorFinish was dispatched before our hook existed, so triggers must refresh at once.
bool StatementEndIsUnhooked();

// Brackets work that queues keys and runs statements of its own (capture's mapping queries):
// the ends of those statements must not flush what is queued so far. Nestable; an error between
// them is handled by the caller's PG_FINALLY and, at worst, by transaction end.
void HoldFlushes();
void ReleaseFlushes();

// Refreshes every TVIEW with queued keys, repeatedly, until the queue is empty (a suspended
// TVIEW's keys go to the backlog instead); returns the TVIEW rows recomputed or removed, 0 when a
// flush is already running further up the stack.
int64 FlushQueue();

}  // namespace pg_tviews
