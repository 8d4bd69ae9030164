// SQL entry points of the refresh engine: manual refreshes and pg_tviews_verify(), the oracle.
#include "pg_tviews/boundary/arguments.hpp"
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/equality.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/refresh/refresh.hpp"
#include "pg_tviews/security/ownership.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/stratnum.h"
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

// pg_tviews_verify(name): anyone who may read the TVIEW may ask whether it is right; the
// comparison reads the definition, so it runs as the owner.
Datum Verify(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    TviewEntry *tview = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    RequireTviewReader(tview, "verify");
    PG_RETURN_BOOL(VerifyTview(tview));
}

// pg_tviews_refresh(name, force): recomputes every row; returns the rows the definition produced.
// The TVIEW then equals its definition, so its backlog (suspended keys, stale marks) is done with.
// force => true also refreshes a suspended TVIEW, which stays suspended.
Datum RefreshFull(FunctionCallInfo fcinfo)
{
    TviewEntry *tview = TviewArgument(fcinfo);
    if (PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("force must not be null")));
    bool force = PG_GETARG_BOOL(1);
    RequireTviewOwner(tview, "refresh");
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
    RequireTviewOwner(tview, "refresh");
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
    RequireTviewOwner(tview, "refresh");
    RefuseSuspended(tview);
    Datum bounds[2] = {KeyArgument(fcinfo, 1, tview), KeyArgument(fcinfo, 2, tview)};
    TypedOperator ge = RequireOrdering(tview->key_type, BTGreaterEqualStrategyNumber);
    TypedOperator le = RequireOrdering(tview->key_type, BTLessEqualStrategyNumber);
    // key >= $1 AND key <= $2, with the key type's own btree operators.
    auto range = [&](const char *alias) {
        char *key = psprintf("%s.%s", alias, quote_identifier(tview->key_column));
        return psprintf("%s %s %s AND %s %s %s", CastOperand(key, tview->key_type, ge.left_type),
                        OperatorSql(ge.opno), CastOperand("$1", tview->key_type, ge.right_type),
                        CastOperand(key, tview->key_type, le.left_type), OperatorSql(le.opno),
                        CastOperand("$2", tview->key_type, le.right_type));
    };
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql,
                     "SELECT d.%s FROM %s AS d WHERE %s UNION SELECT t.%s FROM %s AS t WHERE %s",
                     quote_identifier(tview->key_column),
                     quote_qualified_identifier(tview->definition_schema, tview->definition_name),
                     range("d"), quote_identifier(tview->key_column),
                     quote_qualified_identifier(tview->schema_name, tview->table_name), range("t"));
    Oid types[2] = {tview->key_type, tview->key_type};
    int nkeys = 0;
    Datum *keys = nullptr;
    // Listed as the owner: the definition reads tables the caller need not read.
    RunAs(tview->owner, [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute_with_args(sql.data, 2, types, bounds, nullptr, true, 0) != SPI_OK_SELECT)
            elog(ERROR, "could not list the keys of TVIEW \"%s\"", tview->table_name);
        nkeys = static_cast<int>(SPI_processed);
        keys = static_cast<Datum *>(SPI_palloc(sizeof(Datum) * Max(1, nkeys)));
        for (int i = 0; i < nkeys; i++) {
            bool isnull;
            keys[i] = SPI_datumTransfer(
                SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull),
                tview->key_typbyval, tview->key_typlen);
        }
        SPI_finish();
    });
    KeySet set{tview, keys, nkeys};
    PG_RETURN_INT64(AsManualRefresh(RefreshKeySet, &set));
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_verify, pg_tviews::Verify)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh, pg_tviews::RefreshFull)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh_key, pg_tviews::RefreshOneKey)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_refresh_range, pg_tviews::RefreshRange)
