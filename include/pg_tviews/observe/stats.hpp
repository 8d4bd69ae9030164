// Refresh statistics per TVIEW, in shared memory, readable from every session.
//
// Counters are not transactional, like pg_stat_*: a refresh counts when it ran, and a refresh that
// failed records its error although the writing transaction rolls back. Available only when the
// library is preloaded (shared memory is sized at server start).
#pragma once

extern "C" {
#include "postgres.h"
#include "utils/timestamp.h"
}

namespace pg_tviews {

struct RefreshCounts;

void StatsRequestShmem();
void StatsInitShmem();

// A refresh of `relid` that took `microseconds` and wrote `counts`.
void StatsRecordRefresh(Oid relid, const RefreshCounts &counts, int64 microseconds);

// A refresh of `relid` that failed with `message`.
void StatsRecordError(Oid relid, const char *message);

// XACT_EVENT_COMMIT: frees the entries of the TVIEWs this transaction dropped (no allocation,
// cannot fail); ABORT: keeps them.
void StatsAtCommit();
void StatsAtAbort();

}  // namespace pg_tviews
