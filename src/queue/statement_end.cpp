// Statement-end flush and transaction callbacks; see include/pg_tviews/queue/statement_end.hpp.
#include "pg_tviews/queue/statement_end.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/guc.hpp"
#include "pg_tviews/observe/stats.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/refresh/conflict_table.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "access/xact.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}

namespace pg_tviews {

namespace {

ExecutorFinish_hook_type previous_executor_finish = nullptr;
TimestampTz loaded_during_statement = 0;  // start of the statement that loaded us late, or 0
bool flush_in_progress = false;
int flush_holds = 0;  // HoldFlushes() depth

// TVIEW rows a refresh recomputed or removed.
int64 Refreshed(const RefreshCounts &counts)
{
    return counts.recomputed + counts.deleted;
}

// The TVIEW to refresh, locked against DROP TABLE, or nullptr when it no longer exists. A drop
// holds an exclusive lock on the TVIEW's table until it commits; once it is granted this lock,
// a writer that queued keys before the drop committed sees the TVIEW gone and skips it instead
// of failing on its missing definition. A drop that comes later waits for this transaction.
TviewEntry *LockForRefresh(Oid relid)
{
    if (RegistryLookup(relid) == nullptr) return nullptr;
    LockRelationOid(relid, RowExclusiveLock);
    if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid))) {
        UnlockRelationOid(relid, RowExclusiveLock);
        return nullptr;
    }
    // Granting the lock processed the drop's invalidations: the registry is current.
    return RegistryLookup(relid);
}

void OnExecutorFinish(QueryDesc *query)
{
    GuardEntry([query] {
        if (previous_executor_finish != nullptr)
            previous_executor_finish(query);
        else
            standard_ExecutorFinish(query);
        // The statement's AFTER triggers have fired: its capture triggers have queued keys.
        if (flush_holds == 0 && !QueueIsEmptyHere()) FlushQueue();
    });
}

void OnTransactionEvent(XactEvent event, void *)
{
    switch (event) {
        case XACT_EVENT_PRE_COMMIT:
        case XACT_EVENT_PRE_PREPARE:
            // Statement ends flush everything; this only catches a path that bypassed them.
            if (!QueueIsEmptyHere()) GuardEntry([] { FlushQueue(); });
            break;
        case XACT_EVENT_COMMIT:
        case XACT_EVENT_ABORT:
        case XACT_EVENT_PREPARE:
        case XACT_EVENT_PARALLEL_COMMIT:
        case XACT_EVENT_PARALLEL_ABORT:
            // Nothing here may fail: only reset state (and record held lock slots, which
            // neither allocates nor raises).
            if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PREPARE)
                ConflictTableAtCommit(event == XACT_EVENT_PREPARE);
            else
                ConflictTableAtAbort();
            // A prepared drop frees its statistics slots later, when a full table is swept.
            if (event == XACT_EVENT_COMMIT)
                StatsAtCommit();
            else
                StatsAtAbort();
            QueueAtTransactionEnd();
            RegistryAtTransactionEnd();
            RefreshAtTransactionEnd();
            flush_holds = 0;
            break;
        default:
            break;
    }
}

void OnSubTransactionEvent(SubXactEvent event, SubTransactionId subid, SubTransactionId, void *)
{
    if (event == SUBXACT_EVENT_ABORT_SUB) QueueAtSubAbort(subid);
}

}  // namespace

void InstallStatementEndHooks()
{
    if (!process_shared_preload_libraries_in_progress && IsTransactionState())
        loaded_during_statement = GetCurrentStatementStartTimestamp();
    previous_executor_finish = ExecutorFinish_hook;
    ExecutorFinish_hook = OnExecutorFinish;
    RegisterXactCallback(OnTransactionEvent, nullptr);
    RegisterSubXactCallback(OnSubTransactionEvent, nullptr);
}

void HoldFlushes()
{
    flush_holds++;
}

void ReleaseFlushes()
{
    if (flush_holds > 0) flush_holds--;
}

bool StatementEndIsUnhooked()
{
    return loaded_during_statement != 0 &&
           GetCurrentStatementStartTimestamp() == loaded_during_statement;
}

int64 FlushQueue()
{
    // Statements run by a refresh end inside this loop; what they queue (cascades to TVIEWs that
    // read the refreshed ones) is taken by the loop in level order, not flushed in between.
    if (flush_in_progress) return 0;
    flush_in_progress = true;
    MemoryContext flush_context =
        AllocSetContextCreate(CurrentMemoryContext, "pg_tviews flush", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(flush_context);
    // Written inside PG_TRY and read after it only on the normal path.
    volatile int64 refreshed = 0;
    PG_TRY();
    {
        int previous_level = -1;
        int passes_without_progress = 0;
        while (!QueueIsEmptyHere()) {
            List *work = QueueTakeLowestLevel();
            // One global lock order: level, then TVIEW, then key (refresh/key_locks.hpp).
            list_sort(work, [](const ListCell *a, const ListCell *b) {
                Oid x = static_cast<PendingWork *>(lfirst(a))->tview_relid;
                Oid y = static_cast<PendingWork *>(lfirst(b))->tview_relid;
                return x < y ? -1 : x > y ? 1 : 0;
            });
            ListCell *lc;
            int level = -1;
            foreach (lc, work) {
                auto *item = static_cast<PendingWork *>(lfirst(lc));
                TviewEntry *tview = LockForRefresh(item->tview_relid);
                if (tview == nullptr) continue;  // dropped, by this transaction or another
                level = tview->level;
                if (tview->suspended && BacklogDefer(tview, item)) continue;
                refreshed =
                    refreshed + Refreshed(item->full ? RefreshAll(tview)
                                                     : RefreshKeys(tview, item->keys, item->nkeys));
            }
            // Levels only rise along a cascade; a level seen again means writes loop back
            // (a user trigger on a TVIEW writing a table it reads).
            passes_without_progress = level > previous_level ? 0 : passes_without_progress + 1;
            previous_level = level;
            if (passes_without_progress > max_cascade_depth)
                ereport(ERROR,
                        (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                         errmsg("TVIEW refresh cascade exceeded pg_tviews.max_cascade_depth (%d)",
                                max_cascade_depth),
                         errdetail("Refreshing TVIEWs kept queueing work for TVIEWs already "
                                   "refreshed in this statement."),
                         errhint("Look for triggers on TVIEW tables that write to the "
                                 "tables those TVIEWs read.")));
        }
    }
    PG_FINALLY();
    {
        flush_in_progress = false;
    }
    PG_END_TRY();
    MemoryContextSwitchTo(old);
    MemoryContextDelete(flush_context);
    return refreshed;
}

}  // namespace pg_tviews
