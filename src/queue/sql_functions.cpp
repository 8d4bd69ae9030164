// SQL entry points of the backlog: pg_tviews_suspend() and pg_tviews_resume().
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/refresh.hpp"
#include "pg_tviews/security/ownership.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
}

namespace pg_tviews {

namespace {

// The TVIEW argument 0 names (InvalidOid for NULL: every TVIEW), once the caller is shown to
// own it (or all of them).
Oid ManagedTarget(FunctionCallInfo fcinfo, const char *action)
{
    if (PG_ARGISNULL(0)) {
        RequireOwnerOfEveryTview(action);
        return InvalidOid;
    }
    TviewEntry *tview = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    RequireTviewOwner(tview, action);
    return tview->relid;
}

// Sets or clears suspended_at of one TVIEW (or all) as the catalog's owner; returns how many
// rows changed.
int64 SetSuspended(Oid target, bool suspend)
{
    Oid types[1] = {OIDOID};
    Datum values[1] = {ObjectIdGetDatum(target)};
    const char nulls[1] = {OidIsValid(target) ? ' ' : 'n'};
    const char *sql = suspend ? "UPDATE tviews_internal.tview t"
                                " SET suspended_at = pg_catalog.now()"
                                " WHERE t.suspended_at IS NULL"
                                "   AND ($1 IS NULL OR t.tview::pg_catalog.oid"
                                "                      OPERATOR(pg_catalog.=) $1)"
                              : "UPDATE tviews_internal.tview t SET suspended_at = NULL"
                                " WHERE t.suspended_at IS NOT NULL"
                                "   AND ($1 IS NULL OR t.tview::pg_catalog.oid"
                                "                      OPERATOR(pg_catalog.=) $1)";
    int64 changed = 0;
    RunAs(ExtensionOwner(), [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute_with_args(sql, 1, types, values, nulls, false, 0) != SPI_OK_UPDATE)
            elog(ERROR, "could not update the pg_tviews catalog");
        changed = static_cast<int64>(SPI_processed);
        SPI_finish();
    });
    RegistryInvalidate();
    return changed;
}

// pg_tviews_suspend(name): stops refreshing one TVIEW (or, for NULL, every one); the keys its
// refreshes would recompute are kept in the backlog. Returns the TVIEWs newly suspended.
Datum Suspend(FunctionCallInfo fcinfo)
{
    Oid target = ManagedTarget(fcinfo, "suspend");
    PG_RETURN_INT32(static_cast<int32>(SetSuspended(target, true)));
}

// pg_tviews_resume(name): resumes one suspended TVIEW (or, for NULL, every one) and catches up
// its backlog, and that of every TVIEW for NULL, in one dependency-ordered flush. Returns the
// backlog entries caught up.
Datum Resume(FunctionCallInfo fcinfo)
{
    Oid target = ManagedTarget(fcinfo, "resume");
    SetSuspended(target, false);
    // What follows (the backlog, the refreshes) must see the catalog as just updated, also
    // under a transaction snapshot.
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

PG_TVIEWS_SQL_FUNCTION(pg_tviews_suspend, pg_tviews::Suspend)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_resume, pg_tviews::Resume)
