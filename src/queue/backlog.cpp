// The persistent backlog of suspended and stale TVIEWs; see include/pg_tviews/queue/backlog.hpp.
#include "pg_tviews/queue/backlog.hpp"

#include "pg_tviews/security/run_as.hpp"

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

// Runs one statement on the catalog as the extension's owner; returns the rows it processed.
uint64 RunAsOwner(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls,
                  int expected)
{
    uint64 processed = 0;
    RunAs(ExtensionOwner(), [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        int rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
        if (rc != expected)
            elog(ERROR, "pg_tviews backlog statement failed: %s", SPI_result_code_string(rc));
        processed = SPI_processed;
        SPI_finish();
    });
    return processed;
}

}  // namespace

bool BacklogDefer(const TviewEntry *tview, const PendingWork *work)
{
    // The suspension is checked again under a share lock on the catalog row: a resume that
    // committed since this statement read the catalog has already taken the backlog, so the
    // work is done here instead (under REPEATABLE READ, the lock raises 40001).
    Oid check_types[1] = {OIDOID};
    Datum check_values[1] = {ObjectIdGetDatum(tview->relid)};
    if (RunAsOwner("SELECT 1 FROM tviews_internal.tview t"
                   " WHERE t.tview::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
                   "   AND t.suspended_at IS NOT NULL FOR SHARE",
                   1, check_types, check_values, nullptr, SPI_OK_SELECT) == 0)
        return false;

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
    return true;
}

void BacklogClear(const TviewEntry *tview)
{
    Oid types[1] = {OIDOID};
    Datum values[1] = {ObjectIdGetDatum(tview->relid)};
    RunAsOwner(
        "DELETE FROM tviews_internal.backlog b"
        " WHERE b.tview::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
        1, types, values, nullptr, SPI_OK_DELETE);
    // Capture still stopped on a table it reads: the TVIEW is right now but will miss the next
    // writes there, so it is marked stale again at once rather than looking healthy.
    RunAsOwner(
        "SELECT tviews_internal.note_capture_gap(b.base)"
        "  FROM (SELECT DISTINCT s.base FROM tviews_internal.source s"
        "         WHERE s.tview::pg_catalog.oid OPERATOR(pg_catalog.=) $1) b",
        1, types, values, nullptr, SPI_OK_SELECT);
}

namespace {

// The keys taken from the backlog, as the extension's owner: deleted rows come back as
// (tview oid, key text or NULL, entries).
void TakeBacklog(Oid tview_relid, void (*each)(Oid, char *, int64, void *), void *arg)
{
    Oid types[1] = {OIDOID};
    Datum values[1] = {ObjectIdGetDatum(tview_relid)};
    const char nulls[1] = {OidIsValid(tview_relid) ? ' ' : 'n'};
    // Keys past a quarter of a TVIEW's rows cost more one by one than a full refresh (measured
    // by bench/suspend.sh: about 11 against 4 microseconds a row), so such a backlog becomes a
    // full refresh, as does one holding a whole-TVIEW entry.
    const char *sql =
        "WITH taken AS ("
        "    DELETE FROM tviews_internal.backlog b"
        "     WHERE $1 IS NULL OR b.tview::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
        "    RETURNING b.tview, b.key),"
        " per_tview AS ("
        "    SELECT t.tview, pg_catalog.count(*) AS entries,"
        "           pg_catalog.bool_or(t.key IS NULL)"
        "           OR pg_catalog.count(*) OPERATOR(pg_catalog.>)"
        "              (0.25 OPERATOR(pg_catalog.*) pg_catalog.max(c.reltuples)) AS whole"
        "      FROM taken t JOIN pg_catalog.pg_class c"
        "        ON c.oid OPERATOR(pg_catalog.=) t.tview::pg_catalog.oid"
        "     GROUP BY t.tview)"
        " SELECT p.tview::pg_catalog.oid, NULL::pg_catalog.text, p.entries"
        "   FROM per_tview p WHERE p.whole"
        " UNION ALL"
        " SELECT t.tview::pg_catalog.oid, t.key, 1"
        "   FROM taken t JOIN per_tview p"
        "     ON p.tview::pg_catalog.oid OPERATOR(pg_catalog.=) t.tview::pg_catalog.oid"
        "  WHERE NOT p.whole";
    RunAs(ExtensionOwner(), [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute_with_args(sql, 1, types, values, nulls, false, 0) != SPI_OK_SELECT)
            elog(ERROR, "could not read the pg_tviews backlog");
        for (uint64 i = 0; i < SPI_processed; i++) {
            HeapTuple row = SPI_tuptable->vals[i];
            TupleDesc desc = SPI_tuptable->tupdesc;
            bool isnull;
            each(DatumGetObjectId(SPI_getbinval(row, desc, 1, &isnull)), SPI_getvalue(row, desc, 2),
                 DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull)), arg);
        }
        SPI_finish();
    });
}

}  // namespace

int64 BacklogTakeIntoQueue(Oid tview_relid)
{
    int64 taken = 0;
    TakeBacklog(
        tview_relid,
        [](Oid relid, char *key, int64 entries, void *arg) {
            *static_cast<int64 *>(arg) += entries;
            TviewEntry *tview = RegistryLookup(relid);
            if (tview == nullptr) return;
            if (key == nullptr) {
                QueueFull(tview);
                return;
            }
            Oid input, ioparam;
            getTypeInputInfo(tview->key_type, &input, &ioparam);
            QueueKey(tview, OidInputFunctionCall(input, key, ioparam, -1));
        },
        &taken);
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
