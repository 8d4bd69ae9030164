// The capture trigger: turns a statement's transition tables into queued TVIEW keys.
//
// It only reads keys; the recompute happens once per TVIEW at the end of the statement (see
// queue/statement_end), so an INSERT ... ON CONFLICT or a MERGE that fires several capture
// triggers still costs one refresh per TVIEW.
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/capture/capture.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/queue/statement_end.hpp"

extern "C" {
#include "access/sysattr.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
}

namespace pg_tviews {

namespace {

// Queues the key column of every tuple in a transition table.
void QueueKeysOf(Tuplestorestate *changed, Relation base, const SourceLink *link)
{
    TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(base), &TTSOpsMinimalTuple);
    // Our own read pointer: other triggers of the statement read the same tuplestore.
    int pointer = tuplestore_alloc_read_pointer(changed, EXEC_FLAG_REWIND);
    tuplestore_select_read_pointer(changed, pointer);
    tuplestore_rescan(changed);
    while (tuplestore_gettupleslot(changed, true, false, slot)) {
        bool isnull;
        Datum key = slot_getattr(slot, link->key_attno, &isnull);
        if (!isnull) QueueKey(link->tview, key);
    }
    ExecDropSingleTupleTableSlot(slot);
}

// BEFORE ROW UPDATE triggers may change columns the statement's SET list does not name.
bool UpdatedColumnsAreReliable(Relation base)
{
    return base->trigdesc == nullptr || !base->trigdesc->trig_update_before_row;
}

Datum Capture(FunctionCallInfo fcinfo)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("pg_tviews_capture() must be called as a trigger")));
    auto *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
    TriggerEvent event = trigger->tg_event;
    if (!TRIGGER_FIRED_AFTER(event) || !TRIGGER_FIRED_FOR_STATEMENT(event))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("pg_tviews_capture() must fire AFTER ... FOR EACH STATEMENT")));

    Relation base = trigger->tg_relation;
    List *links = RegistryLinksForBase(RelationGetRelid(base));
    ListCell *lc;
    foreach (lc, links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (TRIGGER_FIRED_BY_TRUNCATE(event) || link->key_attno == InvalidAttrNumber) {
            QueueFull(link->tview);
            continue;
        }
        bool key_unchanged = false;
        if (TRIGGER_FIRED_BY_UPDATE(event) && trigger->tg_updatedcols != nullptr &&
            UpdatedColumnsAreReliable(base)) {
            // An UPDATE of columns the definition never reads changes no TVIEW row.
            if (!bms_overlap(trigger->tg_updatedcols, link->columns_read)) continue;
            key_unchanged = !bms_is_member(link->key_attno - FirstLowInvalidHeapAttributeNumber,
                                           trigger->tg_updatedcols);
        }
        if (trigger->tg_newtable != nullptr) QueueKeysOf(trigger->tg_newtable, base, link);
        // Without a key change, the old rows carry the same keys as the new ones.
        if (trigger->tg_oldtable != nullptr && !key_unchanged)
            QueueKeysOf(trigger->tg_oldtable, base, link);
    }
    list_free(links);

    if (StatementEndIsUnhooked()) FlushQueue();
    return PointerGetDatum(nullptr);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_capture, pg_tviews::Capture)
