// The per-transaction refresh queue; see include/pg_tviews/queue/pending.hpp.
#include "pg_tviews/queue/pending.hpp"

extern "C" {
#include "utils/datum.h"
#include <climits>
#include "utils/memutils.h"
}

namespace pg_tviews {

namespace {

// Keys queued for one TVIEW within one subtransaction.
struct Batch {
    Oid tview_relid;
    int level;  // cascade level of the TVIEW
    SubTransactionId subid;
    int16 typlen;
    bool typbyval;
    bool full;
    int nkeys;
    int capacity;
    Datum *keys;
};

MemoryContext queue_context = nullptr;  // child of TopTransactionContext
List *batches = NIL;                    // Batch *

Batch *BatchFor(const TviewEntry *tview)
{
    SubTransactionId subid = GetCurrentSubTransactionId();
    if (batches != NIL) {
        auto *last = static_cast<Batch *>(llast(batches));
        if (last->tview_relid == tview->relid && last->subid == subid) return last;
        ListCell *lc;
        foreach (lc, batches) {
            auto *batch = static_cast<Batch *>(lfirst(lc));
            if (batch->tview_relid == tview->relid && batch->subid == subid) return batch;
        }
    }
    if (queue_context == nullptr)
        queue_context =
            AllocSetContextCreate(TopTransactionContext, "pg_tviews queue", ALLOCSET_DEFAULT_SIZES);
    MemoryContext old = MemoryContextSwitchTo(queue_context);
    auto *batch = static_cast<Batch *>(palloc0(sizeof(Batch)));
    batch->tview_relid = tview->relid;
    batch->level = tview->level;
    batch->subid = subid;
    batch->typlen = tview->key_typlen;
    batch->typbyval = tview->key_typbyval;
    batches = lappend(batches, batch);
    MemoryContextSwitchTo(old);
    return batch;
}

void FreeBatch(Batch *batch)
{
    if (!batch->typbyval)
        for (int i = 0; i < batch->nkeys; i++) pfree(DatumGetPointer(batch->keys[i]));
    if (batch->keys != nullptr) pfree(batch->keys);
    pfree(batch);
}

}  // namespace

void QueueKey(const TviewEntry *tview, Datum key)
{
    Batch *batch = BatchFor(tview);
    if (batch->full) return;
    MemoryContext old = MemoryContextSwitchTo(queue_context);
    if (batch->nkeys == batch->capacity) {
        batch->capacity = batch->capacity == 0 ? 16 : batch->capacity * 2;
        batch->keys =
            batch->keys == nullptr
                ? static_cast<Datum *>(palloc(sizeof(Datum) * batch->capacity))
                : static_cast<Datum *>(repalloc(batch->keys, sizeof(Datum) * batch->capacity));
    }
    batch->keys[batch->nkeys++] = datumCopy(key, batch->typbyval, batch->typlen);
    MemoryContextSwitchTo(old);
}

void QueueFull(const TviewEntry *tview)
{
    Batch *batch = BatchFor(tview);
    batch->full = true;
}

bool QueueIsEmpty()
{
    return batches == NIL;
}

namespace {

// Subtransaction ids grow monotonically, and batches of aborted subtransactions are gone: every
// batch tagged with the current id or a later one belongs to the current subtransaction or to
// one of its committed children; earlier ids belong to enclosing ones.
bool QueuedHere(const Batch *batch)
{
    return batch->subid >= GetCurrentSubTransactionId();
}

}  // namespace

bool QueueIsEmptyHere()
{
    ListCell *lc;
    foreach (lc, batches)
        if (QueuedHere(static_cast<Batch *>(lfirst(lc)))) return false;
    return true;
}

List *QueueTakeLowestLevel()
{
    int lowest = INT_MAX;
    ListCell *lc;
    foreach (lc, batches) {
        auto *batch = static_cast<Batch *>(lfirst(lc));
        if (QueuedHere(batch)) lowest = Min(lowest, batch->level);
    }

    List *work = NIL;
    List *kept = NIL;
    foreach (lc, batches) {
        auto *batch = static_cast<Batch *>(lfirst(lc));
        if (batch->level != lowest || !QueuedHere(batch)) {
            kept = lappend(kept, batch);
            continue;
        }
        PendingWork *item = nullptr;
        ListCell *wc;
        foreach (wc, work) {
            auto *candidate = static_cast<PendingWork *>(lfirst(wc));
            if (candidate->tview_relid == batch->tview_relid) item = candidate;
        }
        if (item == nullptr) {
            item = static_cast<PendingWork *>(palloc0(sizeof(PendingWork)));
            item->tview_relid = batch->tview_relid;
            work = lappend(work, item);
        }
        item->full |= batch->full;
        if (!item->full && batch->nkeys > 0) {
            item->keys = item->keys == nullptr
                             ? static_cast<Datum *>(palloc(sizeof(Datum) * batch->nkeys))
                             : static_cast<Datum *>(repalloc(
                                   item->keys, sizeof(Datum) * (item->nkeys + batch->nkeys)));
            for (int i = 0; i < batch->nkeys; i++)
                item->keys[item->nkeys++] =
                    datumCopy(batch->keys[i], batch->typbyval, batch->typlen);
        }
        FreeBatch(batch);
    }
    // The kept list must live as long as the queue, not in the caller's context.
    MemoryContext old = MemoryContextSwitchTo(queue_context);
    List *remaining = list_copy(kept);
    MemoryContextSwitchTo(old);
    list_free(kept);
    list_free(batches);
    batches = remaining;
    return work;
}

void QueueAtSubAbort(SubTransactionId subid)
{
    // Subtransaction ids grow monotonically: everything tagged >= subid ran inside the aborted
    // subtransaction or one of its children.
    if (batches == NIL) return;
    MemoryContext old = MemoryContextSwitchTo(queue_context);  // not the aborting subxact's
    List *kept = NIL;
    ListCell *lc;
    foreach (lc, batches) {
        auto *batch = static_cast<Batch *>(lfirst(lc));
        if (batch->subid >= subid)
            FreeBatch(batch);
        else
            kept = lappend(kept, batch);
    }
    list_free(batches);
    batches = kept;
    MemoryContextSwitchTo(old);
}

void QueueAtTransactionEnd()
{
    // The memory goes with TopTransactionContext.
    batches = NIL;
    queue_context = nullptr;
}

}  // namespace pg_tviews
