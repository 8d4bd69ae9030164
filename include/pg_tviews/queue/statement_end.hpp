// Statement end: where queued keys become refreshed rows.
//
// Statement-level AFTER triggers fire inside ExecutorFinish (or, for COPY and TRUNCATE, inside
// the utility command), so the flush runs right after them: in an ExecutorFinish hook and after
// every utility statement. A pre-commit callback flushes anything left as a safety net; commit and
// abort only reset state (DESIGN §4 rule 5).
#pragma once

namespace pg_tviews {

// Installs the executor hooks and transaction callbacks; called once from _PG_init().
void InstallStatementEndHooks();

// True during the statement that loaded the library without shared_preload_libraries: its
// ExecutorFinish was dispatched before our hook existed, so triggers must refresh at once.
bool StatementEndIsUnhooked();

// Refreshes every TVIEW with queued keys, repeatedly, until the queue is empty.
void FlushQueue();

}  // namespace pg_tviews
