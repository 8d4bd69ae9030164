// SQL entry point of the backlog: pg_tviews_resume() (pg_tviews_suspend() is plain SQL).
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
}

namespace pg_tviews {

namespace {

// pg_tviews_resume(name): resumes one suspended TVIEW (or, for NULL, every one) and catches up
// its backlog, and that of every TVIEW for NULL, in one dependency-ordered flush. Returns the
// backlog entries caught up.
Datum Resume(FunctionCallInfo fcinfo)
{
    Oid target = InvalidOid;
    if (!PG_ARGISNULL(0)) target = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)))->relid;
    Oid types[1] = {REGCLASSOID};
    Datum values[1] = {ObjectIdGetDatum(target)};
    const char nulls[1] = {OidIsValid(target) ? ' ' : 'n'};
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (SPI_execute_with_args("UPDATE tviews_internal.tview t SET suspended_at = NULL"
                              " WHERE t.suspended_at IS NOT NULL AND ($1 IS NULL OR t.tview = $1)",
                              1, types, values, nulls, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "could not update the pg_tviews catalog");
    SPI_finish();
    RegistryInvalidate();
    // The catalog is reread under this statement's snapshot, which predates the UPDATE: read it,
    // and refresh, under one that sees it.
    PushCopiedSnapshot(GetActiveSnapshot());
    UpdateActiveSnapshotCommandId();
    int64 taken = AsManualRefresh(
        [](void *arg) -> int64 {
            int64 entries = BacklogTakeIntoQueue(*static_cast<Oid *>(arg));
            FlushQueue();
            return entries;
        },
        &target);
    PopActiveSnapshot();
    PG_RETURN_INT64(taken);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_resume, pg_tviews::Resume)
