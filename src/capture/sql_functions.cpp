// SQL entry points of capture: pg_tviews_install_stmt_triggers(), the repair for missing capture
// triggers, and pg_tviews_cascade(), a capture of one base row by hand.
#include "pg_tviews/boundary/arguments.hpp"
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/capture/capture.hpp"
#include "pg_tviews/catalog/equality.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/refresh.hpp"
#include "pg_tviews/security/ownership.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

namespace {

// Ensures every base table a TVIEW reads has its capture triggers; returns how many it created.
// A repair of every TVIEW: reserved to whoever owns them all.
Datum InstallStmtTriggers(FunctionCallInfo)
{
    RequireOwnerOfEveryTview("repair the capture of");
    // The tables the registry links (ordered, each once): the triggers are what is missing.
    List *bases = NIL;
    List *links = RegistryAllLinks();
    ListCell *lc;
    foreach (lc, links)
        bases = list_append_unique_oid(bases, static_cast<SourceLink *>(lfirst(lc))->base_relid);
    list_sort(bases, list_oid_cmp);
    int created = 0;
    foreach (lc, bases) created += EnsureCaptureTriggers(lfirst_oid(lc));
    PG_RETURN_INT32(created);
}

// The start value of `link` in the base row whose primary key is `key`, read as the TVIEW's
// owner; false when no such row exists or its start column is null.
bool ReadStartValue(const SourceLink *link, AttrNumber pk_attno, Oid pk_type, Datum key,
                    Datum *start)
{
    Oid base = link->base_relid;
    TypedOperator equality = RequireEquality(pk_type, pk_type);
    char *pk = psprintf("r.%s", quote_identifier(get_attname(base, pk_attno, false)));
    char *sql = psprintf(
        "SELECT r.%s FROM %s AS r WHERE %s %s %s",
        quote_identifier(get_attname(base, link->start_attno, false)),
        quote_qualified_identifier(get_namespace_name(get_rel_namespace(base)), get_rel_name(base)),
        CastOperand(pk, pk_type, equality.left_type), OperatorSql(equality.opno),
        CastOperand("$1", pk_type, equality.right_type));
    bool found = false;
    MemoryContext caller = CurrentMemoryContext;
    RunAs(link->tview->owner, [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute_with_args(sql, 1, &pk_type, &key, nullptr, true, 1) != SPI_OK_SELECT)
            elog(ERROR, "could not read row of \"%s\"", get_rel_name(base));
        bool isnull = true;
        Datum value = SPI_processed == 0
                          ? (Datum)0
                          : SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
        if (!isnull) {
            MemoryContext old = MemoryContextSwitchTo(caller);
            *start = datumCopy(value, link->start_typbyval, link->start_typlen);
            MemoryContextSwitchTo(old);
            found = true;
        }
        SPI_finish();
    });
    return found;
}

// Queues what the base row whose primary key is `key` feeds along each link.
void QueueRow(AttrNumber pk_attno, Oid pk_type, Datum key, List *links)
{
    ListCell *lc;
    foreach (lc, links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (link->full) {
            QueueFull(link->tview);
            continue;
        }
        // A path starting at the primary key needs no read: it also covers a row since deleted.
        if (link->start_attno == pk_attno) {
            QueueKeysOfStartValues(link, &key, 1, false);
            continue;
        }
        Datum start;
        if (ReadStartValue(link, pk_attno, pk_type, key, &start))
            QueueKeysOfStartValues(link, &start, 1, false);
    }
}

// QueueRow(), then ReleaseFlushes() whether it succeeded or not.
void QueueRowReleasingFlushes(AttrNumber pk_attno, Oid pk_type, Datum key, List *links)
{
    PG_TRY();
    {
        QueueRow(pk_attno, pk_type, key, links);
    }
    PG_CATCH();
    {
        ReleaseFlushes();
        PG_RE_THROW();
    }
    PG_END_TRY();
    ReleaseFlushes();
}

// The single key column of the table's primary key, or InvalidAttrNumber.
AttrNumber SingleColumnPrimaryKey(Oid relid)
{
    Relation rel = relation_open(relid, AccessShareLock);
    Oid index = RelationGetPrimaryKeyIndex(rel);
    relation_close(rel, AccessShareLock);
    if (!OidIsValid(index)) return InvalidAttrNumber;
    HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
    if (!HeapTupleIsValid(tuple)) return InvalidAttrNumber;
    auto *form = reinterpret_cast<Form_pg_index>(GETSTRUCT(tuple));
    AttrNumber attno = form->indnkeyatts == 1 ? form->indkey.values[0] : InvalidAttrNumber;
    ReleaseSysCache(tuple);
    return attno;
}

// pg_tviews_cascade(base_table, key): refreshes every TVIEW row that the base row with this
// primary key feeds, as if the row had just been written; returns the TVIEW rows recomputed or
// removed (cascades to TVIEWs reading those included). It refreshes the TVIEWs the caller may
// manage, says which others it skipped, and refuses (42501) when the caller manages none.
Datum Cascade(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("base table and key must not be null")));
    Oid base = PG_GETARG_OID(0);
    char *base_name = get_rel_name(base);
    if (base_name == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation with OID %u does not exist", base)));
    List *links = RegistryLinksForBase(base);
    if (links == NIL)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("no TVIEW reads table \"%s\"", base_name),
                 errhint("The tables TVIEWs read are listed by SELECT reads FROM pg_tviews.")));
    List *managed = NIL;
    ListCell *lc;
    foreach (lc, links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (MayManageTview(link->tview->relid))
            managed = lappend(managed, link);
        else
            ereport(NOTICE, (errmsg("TVIEW \"%s\" is not refreshed: it belongs to another role",
                                    link->tview->table_name)));
    }
    if (managed == NIL)
        RequireTviewOwner(static_cast<SourceLink *>(linitial(links))->tview, "cascade to");
    links = managed;

    AttrNumber pk_attno = SingleColumnPrimaryKey(base);
    if (pk_attno == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_INVALID_TABLE_DEFINITION),
                        errmsg("table \"%s\" has no single-column primary key", base_name),
                        errhint("Refresh the TVIEW rows themselves with "
                                "pg_tviews_refresh(name, key).")));
    Oid pk_type = get_atttype(base, pk_attno);
    Datum key = ArgumentAs(fcinfo, 1, pk_type);

    // This function's own reads end like statements; refresh everything once, at the end.
    HoldFlushes();
    QueueRowReleasingFlushes(pk_attno, pk_type, key, links);
    PG_RETURN_INT64(AsManualRefresh([](void *) -> int64 { return FlushQueue(); }, nullptr));
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_install_stmt_triggers, pg_tviews::InstallStmtTriggers)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_cascade, pg_tviews::Cascade)
