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
#include "pg_tviews/refresh/key_locks.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/sysattr.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
}

namespace pg_tviews {

namespace {

// Start-column values of the changed rows, gathered before they are mapped to keys.
struct StartValues {
    Datum *items;
    int count;
    int capacity;
};

// The body of QueueMappedKeys(), as the TVIEW's owner.
void RunMapping(SourceLink *link, const StartValues *values)
{
    // One value, the common case of a single-row write, gets the statement PostgreSQL can cache.
    int scalar = values->count == 1 ? 1 : 0;
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (link->mapping_plan[scalar] == nullptr) {
        Oid type = scalar ? link->start_type : get_array_type(link->start_type);
        // Index-driven semi-joins over a handful of values: a generic plan serves every size, where
        // the default would plan each array anew.
        SPIPlanPtr plan =
            SPI_prepare_cursor(link->mapping_sql[scalar], 1, &type, CURSOR_OPT_GENERIC_PLAN);
        if (plan == nullptr)
            elog(ERROR, "could not prepare lineage mapping for TVIEW \"%s\": %s",
                 link->tview->table_name, SPI_result_code_string(SPI_result));
        SPI_keepplan(plan);
        link->mapping_plan[scalar] = plan;
    }
    Datum input = scalar ? values->items[0]
                         : PointerGetDatum(construct_array(
                               values->items, values->count, link->start_type, link->start_typlen,
                               link->start_typbyval, link->start_typalign));
    char nulls[1] = {' '};
    // Not read-only: the mapping must see this statement's own changes to the hop tables.
    if (SPI_execute_plan(link->mapping_plan[scalar], &input, nulls, false, 0) != SPI_OK_SELECT)
        elog(ERROR, "lineage mapping for TVIEW \"%s\" failed", link->tview->table_name);
    for (uint64 i = 0; i < SPI_processed; i++) {
        bool isnull;
        Datum key = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
        if (!isnull) QueueKey(link->tview, key);
    }
    SPI_finish();
}

// Appends the non-null values of column `attno` of the changed rows to `values`.
void CollectColumn(Tuplestorestate *changed, Relation base, AttrNumber attno, bool typbyval,
                   int16 typlen, StartValues *values)
{
    TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(base), &TTSOpsMinimalTuple);
    // Our own read pointer: other triggers of the statement read the same tuplestore.
    int pointer = tuplestore_alloc_read_pointer(changed, EXEC_FLAG_REWIND);
    tuplestore_select_read_pointer(changed, pointer);
    tuplestore_rescan(changed);
    while (tuplestore_gettupleslot(changed, true, false, slot)) {
        bool isnull;
        Datum value = slot_getattr(slot, attno, &isnull);
        if (isnull) continue;
        if (values->count == values->capacity) {
            values->capacity = values->capacity == 0 ? 64 : values->capacity * 2;
            values->items = values->items == nullptr
                                ? static_cast<Datum *>(palloc(sizeof(Datum) * values->capacity))
                                : static_cast<Datum *>(
                                      repalloc(values->items, sizeof(Datum) * values->capacity));
        }
        values->items[values->count++] = datumCopy(value, typbyval, typlen);
    }
    ExecDropSingleTupleTableSlot(slot);
}

void CollectStartValues(Tuplestorestate *changed, Relation base, const SourceLink *link,
                        StartValues *values)
{
    CollectColumn(changed, base, link->start_attno, link->start_typbyval, link->start_typlen,
                  values);
}

// The start values that match values of a watched hop table lead to, as the TVIEW's owner (the
// earlier hop tables are the definition's, not the writer's, to read).
StartValues WatchedStartValues(HopWatch *watch, const StartValues *matches)
{
    StartValues result{nullptr, 0, 0};
    int scalar = matches->count == 1 ? 1 : 0;
    MemoryContext caller = CurrentMemoryContext;
    const SourceLink *link = watch->link;
    RunAs(link->tview->owner, [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (watch->to_start_plan[scalar] == nullptr) {
            Oid type = scalar ? watch->match_type : get_array_type(watch->match_type);
            SPIPlanPtr plan =
                SPI_prepare_cursor(watch->to_start_sql[scalar], 1, &type, CURSOR_OPT_GENERIC_PLAN);
            if (plan == nullptr)
                elog(ERROR, "could not prepare lineage path lock for TVIEW \"%s\": %s",
                     link->tview->table_name, SPI_result_code_string(SPI_result));
            SPI_keepplan(plan);
            watch->to_start_plan[scalar] = plan;
        }
        Datum input =
            scalar ? matches->items[0]
                   : PointerGetDatum(construct_array(matches->items, matches->count,
                                                     watch->match_type, watch->match_typlen,
                                                     watch->match_typbyval, watch->match_typalign));
        char nulls[1] = {' '};
        if (SPI_execute_plan(watch->to_start_plan[scalar], &input, nulls, false, 0) !=
            SPI_OK_SELECT)
            elog(ERROR, "lineage path lock for TVIEW \"%s\" failed", link->tview->table_name);
        MemoryContext old = MemoryContextSwitchTo(caller);
        result.capacity = Max(1, static_cast<int>(SPI_processed));
        result.items = static_cast<Datum *>(palloc(sizeof(Datum) * result.capacity));
        for (uint64 i = 0; i < SPI_processed; i++) {
            bool isnull;
            Datum value = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
            if (!isnull)
                result.items[result.count++] =
                    datumCopy(value, link->start_typbyval, link->start_typlen);
        }
        MemoryContextSwitchTo(old);
        SPI_finish();
    });
    return result;
}

// Runs a link's mapping statement over the start values and queues the keys it returns. The
// statement reads the hop tables, which the writer may have no right to read: it runs as the
// TVIEW's owner, like the refresh it prepares.
void QueueMappedKeys(SourceLink *link, const StartValues *values)
{
    RunAs(link->tview->owner, [link, values] { RunMapping(link, values); });
}

}  // namespace

void QueueKeysOfStartValues(SourceLink *link, Datum *values, int count, bool writing)
{
    if (link->mapping_sql[0] == nullptr) {
        for (int i = 0; i < count; i++) QueueKey(link->tview, values[i]);
        return;
    }
    // A writer of a parent excludes the writers re-pointing keys to it (refresh/key_locks.hpp).
    if (writing) LockPathValues(link, values, count, PathAccess::kWrite);
    StartValues start{values, count, count};
    QueueMappedKeys(link, &start);
}

namespace {

// BEFORE ROW UPDATE triggers may change columns the statement's SET list does not name.
bool UpdatedColumnsAreReliable(Relation base)
{
    return base->trigdesc == nullptr || !base->trigdesc->trig_update_before_row;
}

// Queues the keys of every TVIEW the statement's changed rows feed, link by link.
void QueueLinks(TriggerData *trigger, List *links)
{
    TriggerEvent event = trigger->tg_event;
    Relation base = trigger->tg_relation;
    ListCell *lc;
    foreach (lc, links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (TRIGGER_FIRED_BY_TRUNCATE(event) || link->full) {
            QueueFull(link->tview);
            continue;
        }
        bool start_unchanged = false;
        if (TRIGGER_FIRED_BY_UPDATE(event) && trigger->tg_updatedcols != nullptr &&
            UpdatedColumnsAreReliable(base)) {
            // An UPDATE of columns the definition never reads changes no TVIEW row.
            if (!bms_overlap(trigger->tg_updatedcols, link->columns_read)) continue;
            start_unchanged = !bms_is_member(link->start_attno - FirstLowInvalidHeapAttributeNumber,
                                             trigger->tg_updatedcols);
        }
        StartValues values{nullptr, 0, 0};
        if (trigger->tg_newtable != nullptr)
            CollectStartValues(trigger->tg_newtable, base, link, &values);
        // When the start column did not change, the old rows carry the same values as the new.
        if (trigger->tg_oldtable != nullptr && !start_unchanged)
            CollectStartValues(trigger->tg_oldtable, base, link, &values);
        if (values.count == 0) continue;
        QueueKeysOfStartValues(link, values.items, values.count, true);
    }
}

// Locks, shared, the parent values that the statement's changed rows of a hop table lead to:
// the rows re-point keys between parents, and a concurrent writer of such a parent must either
// see them in its mapping or commit before their recompute reads it.
void LockWatchedPaths(TriggerData *trigger, List *watches)
{
    if (TRIGGER_FIRED_BY_TRUNCATE(trigger->tg_event)) return;  // TRUNCATE refreshes all keys
    Relation base = trigger->tg_relation;
    ListCell *lc;
    foreach (lc, watches) {
        auto *watch = static_cast<HopWatch *>(lfirst(lc));
        // Rows whose match column kept its value re-point nothing.
        if (TRIGGER_FIRED_BY_UPDATE(trigger->tg_event) && trigger->tg_updatedcols != nullptr &&
            UpdatedColumnsAreReliable(base) &&
            !bms_is_member(watch->match_attno - FirstLowInvalidHeapAttributeNumber,
                           trigger->tg_updatedcols))
            continue;
        StartValues matches{nullptr, 0, 0};
        if (trigger->tg_newtable != nullptr)
            CollectColumn(trigger->tg_newtable, base, watch->match_attno, watch->match_typbyval,
                          watch->match_typlen, &matches);
        if (trigger->tg_oldtable != nullptr)
            CollectColumn(trigger->tg_oldtable, base, watch->match_attno, watch->match_typbyval,
                          watch->match_typlen, &matches);
        if (matches.count == 0) continue;
        StartValues start =
            watch->to_start_sql[0] == nullptr ? matches : WatchedStartValues(watch, &matches);
        if (start.count > 0)
            LockPathValues(watch->link, start.items, start.count, PathAccess::kRead);
    }
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
    List *watches = RegistryWatchesOn(RelationGetRelid(base));
    // Mapping queries end like any statement; what earlier links queued waits for the flush at the
    // end of the writing statement, so each TVIEW is refreshed once.
    HoldFlushes();
    PG_TRY();
    {
        QueueLinks(trigger, links);
        LockWatchedPaths(trigger, watches);
    }
    PG_FINALLY();
    {
        ReleaseFlushes();
    }
    PG_END_TRY();
    list_free(links);
    list_free(watches);

    if (StatementEndIsUnhooked()) FlushQueue();
    return PointerGetDatum(nullptr);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_capture, pg_tviews::Capture)
