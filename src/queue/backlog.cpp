// The persistent backlog of suspended and stale TVIEWs; see include/pg_tviews/queue/backlog.hpp.
#include "pg_tviews/queue/backlog.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

namespace {

// The owner of the catalog: the role that created the extension.
Oid CatalogOwner()
{
    Oid relid = get_relname_relid("backlog", get_namespace_oid("tviews_internal", false));
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tuple)) elog(ERROR, "the pg_tviews backlog table is missing");
    Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
    ReleaseSysCache(tuple);
    return owner;
}

// Runs one statement on the backlog as the catalog's owner; returns the rows it processed.
uint64 RunAsOwner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls,
                  int expected)
{
    Oid saved_user;
    int saved_security;
    GetUserIdAndSecContext(&saved_user, &saved_security);
    // Subtransaction and transaction abort restore the user id.
    SetUserIdAndSecContext(CatalogOwner(), saved_security | SECURITY_LOCAL_USERID_CHANGE);
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    int rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
    if (rc != expected) elog(ERROR, "pg_tviews backlog statement failed: %s", SPI_result_code_string(rc));
    uint64 processed = SPI_processed;
    SPI_finish();
    SetUserIdAndSecContext(saved_user, saved_security);
    return processed;
}

}  // namespace

void BacklogDefer(const TviewEntry *tview, const PendingWork *work)
{
    // A key already remembered (or a whole-TVIEW mark) keeps its first entry time.
    const char *sql =
        "INSERT INTO tviews_internal.backlog (tview, key, reason)"
        " SELECT $1, k, 'suspended' FROM pg_catalog.unnest($2::pg_catalog.text[]) k"
        " ON CONFLICT (tview, key) DO NOTHING";
    Oid types[2] = {REGCLASSOID, get_array_type(tview->key_type)};
    Datum values[2] = {ObjectIdGetDatum(tview->relid), (Datum)0};
    if (work->full) {
        types[1] = TEXTARRAYOID;
        Datum none = (Datum)0;
        bool null_key = true;
        int dims[1] = {1}, lbs[1] = {1};
        values[1] = PointerGetDatum(
            construct_md_array(&none, &null_key, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
    } else {
        values[1] = PointerGetDatum(construct_array(work->keys, work->nkeys, tview->key_type,
                                                    tview->key_typlen, tview->key_typbyval,
                                                    tview->key_typalign));
    }
    RunAsOwner(sql, 2, types, values, nullptr, SPI_OK_INSERT);
}

void BacklogClear(const TviewEntry *tview)
{
    Oid types[1] = {REGCLASSOID};
    Datum values[1] = {ObjectIdGetDatum(tview->relid)};
    RunAsOwner("DELETE FROM tviews_internal.backlog WHERE tview = $1", 1, types, values, nullptr,
               SPI_OK_DELETE);
}

int64 BacklogTakeIntoQueue(Oid tview_relid)
{
    Oid types[1] = {REGCLASSOID};
    Datum values[1] = {ObjectIdGetDatum(tview_relid)};
    const char nulls[1] = {OidIsValid(tview_relid) ? ' ' : 'n'};
    // Taken as the caller: resuming is an operator's act on the catalog.
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (SPI_execute_with_args("DELETE FROM tviews_internal.backlog b"
                              " WHERE $1 IS NULL OR b.tview = $1"
                              " RETURNING b.tview::pg_catalog.oid, b.key",
                              1, types, values, nulls, false, 0) != SPI_OK_DELETE_RETURNING)
        elog(ERROR, "could not read the pg_tviews backlog");
    int64 taken = static_cast<int64>(SPI_processed);
    for (uint64 i = 0; i < SPI_processed; i++) {
        bool isnull;
        Oid relid = DatumGetObjectId(
            SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
        TviewEntry *tview = RegistryLookup(relid);
        if (tview == nullptr) continue;
        char *key = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
        if (key == nullptr) {
            QueueFull(tview);
            continue;
        }
        Oid input, ioparam;
        getTypeInputInfo(tview->key_type, &input, &ioparam);
        QueueKey(tview, OidInputFunctionCall(input, key, ioparam, -1));
    }
    SPI_finish();
    return taken;
}

void BacklogNoteCaptureGap(Oid base_relid)
{
    Oid types[1] = {REGCLASSOID};
    Datum values[1] = {ObjectIdGetDatum(base_relid)};
    RunAsOwner("SELECT tviews_internal.note_capture_gap($1)", 1, types, values, nullptr,
               SPI_OK_SELECT);
}

}  // namespace pg_tviews
