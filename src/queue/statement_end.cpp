// Statement-end flush and transaction callbacks; see include/pg_tviews/queue/statement_end.hpp.
#include "pg_tviews/queue/statement_end.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "access/xact.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

namespace pg_tviews {

namespace {

ExecutorFinish_hook_type previous_executor_finish = nullptr;
TimestampTz loaded_during_statement = 0;  // start of the statement that loaded us late, or 0

void OnExecutorFinish(QueryDesc *query)
{
    GuardEntry([query] {
        if (previous_executor_finish != nullptr)
            previous_executor_finish(query);
        else
            standard_ExecutorFinish(query);
        // The statement's AFTER triggers have fired: its capture triggers have queued keys.
        if (!QueueIsEmpty()) FlushQueue();
    });
}

void OnTransactionEvent(XactEvent event, void *)
{
    switch (event) {
        case XACT_EVENT_PRE_COMMIT:
        case XACT_EVENT_PRE_PREPARE:
            // Statement ends flush everything; this only catches a path that bypassed them.
            if (!QueueIsEmpty()) GuardEntry([] { FlushQueue(); });
            break;
        case XACT_EVENT_COMMIT:
        case XACT_EVENT_ABORT:
        case XACT_EVENT_PREPARE:
        case XACT_EVENT_PARALLEL_COMMIT:
        case XACT_EVENT_PARALLEL_ABORT:
            // Nothing here may fail: only reset state.
            QueueAtTransactionEnd();
            RegistryAtTransactionEnd();
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

bool StatementEndIsUnhooked()
{
    return loaded_during_statement != 0 &&
           GetCurrentStatementStartTimestamp() == loaded_during_statement;
}

void FlushQueue()
{
    MemoryContext flush_context =
        AllocSetContextCreate(CurrentMemoryContext, "pg_tviews flush", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(flush_context);
    // A refresh may write a table another TVIEW reads; its capture triggers queue more work,
    // which nested statement ends usually flush first. Loop until nothing is left.
    while (!QueueIsEmpty()) {
        List *work = QueueTake();
        ListCell *lc;
        foreach (lc, work) {
            auto *item = static_cast<PendingWork *>(lfirst(lc));
            TviewEntry *tview = RegistryLookup(item->tview_relid);
            if (tview == nullptr) continue;  // dropped earlier in this transaction
            if (item->full)
                RefreshAll(tview);
            else
                RefreshKeys(tview, item->keys, item->nkeys);
        }
    }
    MemoryContextSwitchTo(old);
    MemoryContextDelete(flush_context);
}

}  // namespace pg_tviews
