// SQL entry points of capture: pg_tviews_install_stmt_triggers(), the repair for missing capture
// triggers, and pg_tviews_cascade(), a capture of one base row by hand.
#include "pg_tviews/boundary/arguments.hpp"
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/capture/capture.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace pg_tviews {

namespace {

// Ensures every base table a TVIEW reads has its capture triggers; returns how many it created.
Datum InstallStmtTriggers(FunctionCallInfo)
{
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (SPI_execute(
            "SELECT DISTINCT s.base::pg_catalog.oid FROM tviews_internal.source s ORDER BY 1", true,
            0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the pg_tviews catalog");
    // Copied out: EnsureCaptureTriggers() runs statements of its own.
    int count = static_cast<int>(SPI_processed);
    auto *bases = static_cast<Oid *>(palloc(sizeof(Oid) * Max(1, count)));
    for (int i = 0; i < count; i++) {
        bool isnull;
        bases[i] = DatumGetObjectId(
            SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
    }
    int created = 0;
    for (int i = 0; i < count; i++) created += EnsureCaptureTriggers(bases[i]);
    SPI_finish();
    PG_RETURN_INT32(created);
}

// Queues what the base row whose primary key is `key` feeds along each link.
void QueueRow(Oid base, const char *base_name, const char *pk_column, Oid pk_type, Datum key,
              List *links)
{
    bool isnull;
    ListCell *lc;
    foreach (lc, links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (link->full) {
            QueueFull(link->tview);
            continue;
        }
        char *start_column = get_attname(base, link->start_attno, false);
        // A path starting at the primary key needs no read: it also covers a row since deleted.
        if (strcmp(start_column, pk_column) == 0) {
            QueueKeysOfStartValues(link, &key, 1, false);
            continue;
        }
        StringInfoData sql;
        initStringInfo(&sql);
        appendStringInfo(
            &sql, "SELECT %s FROM %s WHERE %s = $1", quote_identifier(start_column),
            quote_qualified_identifier(get_namespace_name(get_rel_namespace(base)), base_name),
            quote_identifier(pk_column));
        Oid key_types[1] = {pk_type};
        if (SPI_execute_with_args(sql.data, 1, key_types, &key, nullptr, true, 1) != SPI_OK_SELECT)
            elog(ERROR, "could not read row of \"%s\"", base_name);
        if (SPI_processed == 0) continue;
        Datum start = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
        if (!isnull) QueueKeysOfStartValues(link, &start, 1, false);
    }
}

// QueueRow(), then ReleaseFlushes() whether it succeeded or not.
void QueueRowReleasingFlushes(Oid base, const char *base_name, const char *pk_column, Oid pk_type,
                              Datum key, List *links)
{
    PG_TRY();
    {
        QueueRow(base, base_name, pk_column, pk_type, key, links);
    }
    PG_CATCH();
    {
        ReleaseFlushes();
        PG_RE_THROW();
    }
    PG_END_TRY();
    ReleaseFlushes();
}

// pg_tviews_cascade(base_table, key): refreshes every TVIEW row that the base row with this
// primary key feeds, as if the row had just been written; returns the TVIEW rows recomputed or
// removed (cascades to TVIEWs reading those included).
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

    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    Oid types[1] = {OIDOID};
    Datum values[1] = {ObjectIdGetDatum(base)};
    if (SPI_execute_with_args("SELECT a.attname::pg_catalog.text, a.atttypid"
                              "  FROM pg_catalog.pg_index i"
                              "  JOIN pg_catalog.pg_attribute a"
                              "    ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                              " WHERE i.indrelid = $1 AND i.indisprimary AND i.indnkeyatts = 1",
                              1, types, values, nullptr, true, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read the primary key of \"%s\"", base_name);
    if (SPI_processed != 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_TABLE_DEFINITION),
                        errmsg("table \"%s\" has no single-column primary key", base_name),
                        errhint("Refresh the TVIEW rows themselves with "
                                "pg_tviews_refresh(name, key).")));
    char *pk_column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
    bool isnull;
    Oid pk_type =
        DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
    Datum key = ArgumentAs(fcinfo, 1, pk_type);

    // This function's own reads end like statements; refresh everything once, at the end.
    HoldFlushes();
    QueueRowReleasingFlushes(base, base_name, pk_column, pk_type, key, links);
    SPI_finish();
    PG_RETURN_INT64(AsManualRefresh([](void *) -> int64 { return FlushQueue(); }, nullptr));
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_install_stmt_triggers, pg_tviews::InstallStmtTriggers)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_cascade, pg_tviews::Cascade)
