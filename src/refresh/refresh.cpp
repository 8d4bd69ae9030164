// Set-based recompute of TVIEW rows; see include/pg_tviews/refresh/refresh.hpp.
//
// Each refresh is one prepared statement (core/refresh_sql) run through SPI as the TVIEW's
// owner, like PostgreSQL's own RI triggers: a user who may write a base table need not hold
// privileges on the TVIEW table. Everything a refresh runs (the reverse mappings that lock what
// it reads, the row locks of manual refreshes, the statement itself) runs inside one RunAs().
#include "pg_tviews/refresh/refresh.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/equality.hpp"
#include "pg_tviews/core/refresh_sql.hpp"
#include "pg_tviews/observe/stats.hpp"
#include "pg_tviews/refresh/key_locks.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

#include <string>

namespace pg_tviews {

namespace {

enum class StatementKind { kKeyed, kSingle, kFull, kOracle };

int manual_depth = 0;  // AsManualRefresh() nesting

// TVIEWs whose keys have per-key locks are ordered by them, manual refreshes included.
bool ManualNeedsRowLocks(const TviewEntry *tview)
{
    return manual_depth > 0 && !tview->needs_key_locks;
}

// C++ island: builds a refresh statement's text and returns a palloc'd copy.
char *StatementText(const TviewEntry *tview, StatementKind kind)
{
    return GuardEntry([&]() -> char * {
        core::RefreshTarget target;
        target.table_schema = tview->schema_name;
        target.table_name = tview->table_name;
        target.definition_schema = tview->definition_schema;
        target.definition_name = tview->definition_name;
        target.key_column = tview->key_column;
        target.key_unique = tview->key_unique;
        const ComparisonText &equality = tview->key_equality;
        target.key_equality =
            core::Comparison{equality.op, equality.left_cast ? equality.left_cast : "",
                             equality.right_cast ? equality.right_cast : ""};
        ListCell *lc;
        foreach (lc, tview->columns) target.columns.emplace_back(static_cast<char *>(lfirst(lc)));
        std::string sql = kind == StatementKind::kKeyed    ? core::KeyedRefreshSql(target)
                          : kind == StatementKind::kSingle ? core::SingleKeyRefreshSql(target)
                          : kind == StatementKind::kFull   ? core::FullRefreshSql(target)
                                                           : core::OracleSql(target);
        return PgCall([&] { return pstrdup(sql.c_str()); });
    });
}

SPIPlanPtr PreparedPlan(TviewEntry *tview, StatementKind kind)
{
    SPIPlanPtr *slot = kind == StatementKind::kKeyed    ? &tview->keyed_plan
                       : kind == StatementKind::kSingle ? &tview->single_plan
                                                        : &tview->full_plan;
    if (*slot != nullptr) return *slot;
    Oid parameter_type = kind == StatementKind::kSingle ? tview->key_param_type
                                                        : get_array_type(tview->key_param_type);
    if (kind == StatementKind::kKeyed && !OidIsValid(parameter_type))
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("key type of TVIEW \"%s\" has no array type", tview->table_name)));
    char *sql = StatementText(tview, kind);
    SPIPlanPtr plan = SPI_prepare(sql, kind == StatementKind::kFull ? 0 : 1, &parameter_type);
    if (plan == nullptr)
        elog(ERROR, "could not prepare refresh of TVIEW \"%s\": %s", tview->table_name,
             SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    pfree(sql);
    *slot = plan;
    return plan;
}

void RefreshErrorContext(void *arg)
{
    errcontext("refreshing TVIEW \"%s\"", static_cast<const TviewEntry *>(arg)->table_name);
    // PostgreSQL's own serialization failures (a TVIEW row changed by a transaction this
    // snapshot cannot see) say nothing about what to do; the contract promises a retry hint.
    if (geterrcode() == ERRCODE_T_R_SERIALIZATION_FAILURE)
        errhint("Retry the transaction: a concurrent transaction changed rows of this TVIEW.");
}

// Sorts keys with the key type's btree order and removes duplicates; returns the new count.
int SortUnique(const TviewEntry *tview, Datum *keys, int nkeys)
{
    if (nkeys < 2) return nkeys;
    TypeCacheEntry *type = lookup_type_cache(tview->key_type, TYPECACHE_CMP_PROC_FINFO);
    if (!OidIsValid(type->cmp_proc))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("key type of TVIEW \"%s\" has no ordering", tview->table_name)));
    struct Order {
        FmgrInfo *cmp;
        Oid collation;
    } order{&type->cmp_proc_finfo, tview->key_collation};
    qsort_arg(
        keys, nkeys, sizeof(Datum),
        [](const void *a, const void *b, void *arg) -> int {
            auto *o = static_cast<Order *>(arg);
            return DatumGetInt32(FunctionCall2Coll(o->cmp, o->collation,
                                                   *static_cast<const Datum *>(a),
                                                   *static_cast<const Datum *>(b)));
        },
        &order);
    int unique = 1;
    for (int i = 1; i < nkeys; i++)
        if (DatumGetInt32(
                FunctionCall2Coll(order.cmp, order.collation, keys[unique - 1], keys[i])) != 0)
            keys[unique++] = keys[i];
    return unique;
}

// Runs a row-locking SELECT over the rows of `table` whose `column` (of type column_type) holds
// one of the keys, in column order (as writers that sort their keys would).
void LockRowsWhere(const char *table, const char *column, Oid column_type, const char *mode,
                   const TviewEntry *tview, Datum keys, bool scalar)
{
    const char *qualified_column = psprintf("r.%s", column);
    Oid key_type = tview->key_param_type;
    TypedOperator equality = RequireEquality(column_type, key_type);
    const char *left = CastOperand(qualified_column, column_type, equality.left_type);
    const char *right =
        scalar ? CastOperand("$1", key_type, equality.right_type)
               : psprintf("ANY (%s)", CastOperand("$1", get_array_type(key_type),
                                                  get_array_type(equality.right_type)));
    char *sql = psprintf("SELECT 1 FROM %s AS r WHERE %s %s %s ORDER BY %s FOR %s", table, left,
                         OperatorSql(equality.opno), right, qualified_column, mode);
    Oid type = scalar ? key_type : get_array_type(key_type);
    if (SPI_execute_with_args(sql, 1, &type, &keys, nullptr, false, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not lock rows of \"%s\"", table);
    pfree(sql);
}

// Before a manual recompute of a TVIEW without key locks, waits for the writers of its keys: the
// base rows first (FOR SHARE, like a foreign key check: a writer of the row holds a conflicting
// lock until it commits), then the TVIEW rows, the order in which writers take them. The
// recompute's statement then takes its snapshot after their commits. The base-row lock covers a
// TVIEW row that is missing; it needs the owner's UPDATE privilege on the base table, without
// which only TVIEW rows are locked. Runs as the TVIEW's owner.
void LockRows(const TviewEntry *tview, StatementKind kind, Datum keys)
{
    bool scalar = kind == StatementKind::kSingle;
    ListCell *lc;
    foreach (lc, tview->local_links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (link->start_type != tview->key_type ||
            pg_class_aclcheck(link->base_relid, GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
            continue;
        LockRowsWhere(
            quote_qualified_identifier(get_namespace_name(get_rel_namespace(link->base_relid)),
                                       get_rel_name(link->base_relid)),
            quote_identifier(get_attname(link->base_relid, link->start_attno, false)),
            link->start_type, "SHARE", tview, keys, scalar);
    }
    LockRowsWhere(quote_qualified_identifier(tview->schema_name, tview->table_name),
                  quote_identifier(tview->key_column), tview->key_type, "UPDATE", tview, keys,
                  scalar);
}

RefreshCounts RunStatement(TviewEntry *tview, StatementKind kind, Datum keys_array)
{
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (kind != StatementKind::kFull && ManualNeedsRowLocks(tview))
        LockRows(tview, kind, keys_array);
    SPIPlanPtr plan = PreparedPlan(tview, kind);
    char nulls[1] = {' '};
    int rc = SPI_execute_plan(plan, &keys_array, nulls, false, 1);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "refresh of TVIEW \"%s\" failed: %s", tview->table_name,
             SPI_result_code_string(rc));
    RefreshCounts counts{};
    bool isnull;
    counts.deleted =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    counts.inserted =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
    counts.updated =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
    counts.recomputed =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
    char *duplicate = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5);
    if (duplicate != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_UNIQUE_VIOLATION),
                 errmsg("TVIEW \"%s\" would contain more than one row with key %s",
                        tview->table_name, duplicate),
                 errdetail("The definition now produces several rows for key column \"%s\" = %s.",
                           tview->key_column, duplicate),
                 errhint("Keep the key unique in the base data, for example with a unique "
                         "constraint on the column it comes from.")));
    SPI_finish();

    return counts;
}

// Runs one refresh statement (already as the TVIEW's owner) and reads its counts.
RefreshCounts Execute(TviewEntry *tview, StatementKind kind, Datum keys_array)
{
    ErrorContextCallback context;
    context.callback = RefreshErrorContext;
    context.arg = tview;
    context.previous = error_context_stack;
    error_context_stack = &context;

    // Success and failure alike land in the shared statistics; a failure is recorded before the
    // transaction rolls back. Nothing written inside PG_TRY is read after it (DESIGN §4 rule 3).
    TimestampTz start = GetCurrentTimestamp();
    MemoryContext caller_context = CurrentMemoryContext;
    RefreshCounts *counts = static_cast<RefreshCounts *>(palloc0(sizeof(RefreshCounts)));
    PG_TRY();
    {
        *counts = RunStatement(tview, kind, keys_array);
        StatsRecordRefresh(tview->relid, *counts, GetCurrentTimestamp() - start);
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller_context);
        ErrorData *error = CopyErrorData();
        StatsRecordError(tview->relid, error->message);
        FreeErrorData(error);
        PG_RE_THROW();
    }
    PG_END_TRY();

    error_context_stack = context.previous;
    return *counts;
}

}  // namespace

RefreshCounts RefreshKeys(TviewEntry *tview, Datum *keys, int nkeys)
{
    nkeys = SortUnique(tview, keys, nkeys);
    if (nkeys == 0) return RefreshCounts{};
    // One key, the common case of a single-row write, gets the statements PostgreSQL caches.
    bool scalar = nkeys == 1;
    Datum input =
        scalar
            ? keys[0]
            : PointerGetDatum(construct_array(keys, nkeys, tview->key_param_type, tview->key_typlen,
                                              tview->key_typbyval, tview->key_typalign));
    // Key locks in one global order (key hash), after every path lock the statement took in
    // capture; the recompute's own snapshot is taken once they are granted.
    if (tview->needs_key_locks) LockKeys(tview, keys, nkeys);
    RefreshCounts counts{};
    RunAs(tview->owner, [&] {
        counts = Execute(tview, scalar ? StatementKind::kSingle : StatementKind::kKeyed, input);
    });
    return counts;
}

RefreshCounts RefreshAll(TviewEntry *tview)
{
    if (tview->needs_key_locks) LockAllKeys(tview);
    // Conflicts with the row-exclusive lock every writer's refresh holds on the table until it
    // commits: cheaper than locking each row.
    if (ManualNeedsRowLocks(tview)) LockRelationOid(tview->relid, ShareRowExclusiveLock);
    RefreshCounts counts{};
    RunAs(tview->owner, [&] { counts = Execute(tview, StatementKind::kFull, (Datum)0); });
    return counts;
}

int64 AsManualRefresh(int64 (*body)(void *), void *arg)
{
    manual_depth++;
    volatile int64 result = 0;
    PG_TRY();
    {
        result = body(arg);
    }
    PG_CATCH();
    {
        manual_depth--;
        PG_RE_THROW();
    }
    PG_END_TRY();
    manual_depth--;
    return result;
}

void RefreshAtTransactionEnd()
{
    manual_depth = 0;
}

bool VerifyTview(TviewEntry *tview)
{
    char *sql = StatementText(tview, StatementKind::kOracle);
    bool equal = false;
    RunAs(tview->owner, [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
            elog(ERROR, "could not verify TVIEW \"%s\"", tview->table_name);
        bool isnull;
        equal =
            DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
        SPI_finish();
    });
    pfree(sql);
    return equal;
}

}  // namespace pg_tviews
