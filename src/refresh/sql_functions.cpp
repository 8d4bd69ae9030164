// SQL entry points of the refresh engine: manual refreshes and pg_tviews_verify(), the oracle.
#include "pg_tviews/boundary/arguments.hpp"
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

namespace pg_tviews {

namespace {

TviewEntry *TviewArgument(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("TVIEW name must not be null")));
    return RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

// Suspension is an operator's decision; a partial refresh would quietly undo part of it.
void RefuseSuspended(const TviewEntry *tview)
{
    if (tview->suspended)
        ereport(ERROR,
                (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                 errmsg("TVIEW \"%s\" is suspended", tview->table_name),
                 errdetail("Its pending keys are kept in the backlog until it is resumed."),
                 errhint("Resume it with pg_tviews_resume('%s'), or refresh all of it anyway with "
                         "pg_tviews_refresh('%s', force => true).",
                         tview->table_name, tview->table_name)));
}

// Argument `arg`, of whatever type the caller passed (anyelement), as a value of the key's type:
// 12345 for an integer key, '…' for a uuid or text key. Converted through text, like a literal.
Datum KeyArgument(FunctionCallInfo fcinfo, int arg, const TviewEntry *tview)
{
    if (PG_ARGISNULL(arg))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("TVIEW key must not be null")));
    return ArgumentAs(fcinfo, arg, tview->key_type);
}

struct KeySet {
    TviewEntry *tview;
    Datum *keys;
    int nkeys;
};

int64 RefreshKeySet(void *arg)
{
    auto *set = static_cast<KeySet *>(arg);
    return RefreshKeys(set->tview, set->keys, set->nkeys).recomputed;
}

Datum Verify(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    TviewEntry *tview = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    PG_RETURN_BOOL(VerifyTview(tview));
}

// pg_tviews_refresh(name, force): recomputes every row; returns the rows the definition produced.
// The TVIEW then equals its definition, so its backlog (suspended keys, stale marks) is done with.
// force => true also refreshes a suspended TVIEW, which stays suspended.
Datum RefreshFull(FunctionCallInfo fcinfo)
{
    TviewEntry *tview = TviewArgument(fcinfo);
    bool force = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
    if (!force) RefuseSuspended(tview);
    PG_RETURN_INT64(AsManualRefresh(
        [](void *arg) -> int64 {
            auto *target = static_cast<TviewEntry *>(arg);
            int64 rows = RefreshAll(target).recomputed;
            BacklogClear(target);
            return rows;
        },
        tview));
}

// pg_tviews_refresh(name, key) and pg_tviews_refresh_row(name, key): recomputes one row.
Datum RefreshOneKey(FunctionCallInfo fcinfo)
{
    TviewEntry *tview = TviewArgument(fcinfo);
    RefuseSuspended(tview);
    KeySet set{tview, nullptr, 1};
    Datum key = KeyArgument(fcinfo, 1, tview);
    set.keys = &key;
    PG_RETURN_INT64(AsManualRefresh(RefreshKeySet, &set));
}

// pg_tviews_refresh_range(name, lo, hi): recomputes every key between lo and hi (inclusive) that
// the definition produces or the table holds, in one set-based refresh.
Datum RefreshRange(FunctionCallInfo fcinfo)
{
    TviewEntry *tview = TviewArgument(fcinfo);
    RefuseSuspended(tview);
    Datum bounds[2] = {KeyArgument(fcinfo, 1, tview), KeyArgument(fcinfo, 2, tview)};
    const char *key = quote_identifier(tview->key_column);
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(
        &sql,
        "SELECT %s FROM %s WHERE %s BETWEEN $1 AND $2"
        " UNION SELECT %s FROM %s WHERE %s BETWEEN $1 AND $2",
        key, quote_qualified_identifier(tview->definition_schema, tview->definition_name), key, key,
        quote_qualified_identifier(tview->schema_name, tview->table_name), key);
    Oid types[2] = {tview->key_type, tview->key_type};
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (SPI_execute_with_args(sql.data, 2, types, bounds, nullptr, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not list the keys of TVIEW \"%s\"", tview->table_name);
    int nkeys = static_cast<int>(SPI_processed);
    auto *keys = static_cast<Datum *>(SPI_palloc(sizeof(Datum) * Max(1, nkeys)));
    for (int i = 0; i < nkeys; i++) {
        bool isnull;
        keys[i] = SPI_datumTransfer(
            SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull),
            tview->key_typbyval, tview->key_typlen);
    }
    SPI_finish();
    KeySet set{tview, keys, nkeys};
    PG_RETURN_INT64(AsManualRefresh(RefreshKeySet, &set));
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_verify, pg_tviews::Verify)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh, pg_tviews::RefreshFull)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh_key, pg_tviews::RefreshOneKey)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh_range, pg_tviews::RefreshRange)
