// SQL entry point: pg_tviews_install_stmt_triggers(), the repair for missing capture triggers.
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/capture/capture.hpp"

extern "C" {
#include "executor/spi.h"
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

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_install_stmt_triggers, pg_tviews::InstallStmtTriggers)
