// Analysis of TVIEW definitions; see include/pg_tviews/analyze/definition.hpp.
#include "pg_tviews/analyze/definition.hpp"

extern "C" {
#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/index.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

namespace {

pg_attribute_noreturn() void RefuseShape(const char *construct, const char *hint)
{
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("TVIEW definitions cannot use %s", construct),
                    errdetail("pg_tviews could not derive which TVIEW rows such a definition "
                              "changes, so it would go stale."),
                    errhint("%s", hint)));
}

void CheckQueryShape(const Query *query)
{
    if (query->commandType != CMD_SELECT || query->utilityStmt != nullptr)
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("a TVIEW definition must be a SELECT statement")));
    if (query->setOperations != nullptr)
        RefuseShape("UNION, INTERSECT or EXCEPT",
                    "Create one TVIEW per branch, or select from a single table.");
    if (query->cteList != NIL)
        RefuseShape("WITH queries", "Write the common table expression inline in FROM.");
    if (query->hasSubLinks)
        RefuseShape("subqueries", "Select from a single table; lineage through subqueries is "
                                  "not supported yet.");
    if (query->hasWindowFuncs)
        RefuseShape("window functions",
                    "Compute per-key values with GROUP BY and aggregates instead.");
    if (query->hasTargetSRFs)
        RefuseShape("set-returning functions in the select list",
                    "Aggregate the set into a JSON array, for example with jsonb_agg().");
    if (query->limitCount != nullptr || query->limitOffset != nullptr)
        RefuseShape("LIMIT or OFFSET",
                    "Filter rows with WHERE so that each key's presence depends on its own rows.");
    if (query->rowMarks != NIL)
        RefuseShape("FOR UPDATE or FOR SHARE", "Remove the locking clause.");
    if (query->groupingSets != NIL)
        RefuseShape("GROUPING SETS, ROLLUP or CUBE", "Group by the key column only.");
}

const char *RelkindRefusalHint(char relkind)
{
    switch (relkind) {
        case RELKIND_VIEW:
            return "Select from the view's tables directly; lineage through views is not "
                   "supported yet.";
        case RELKIND_MATVIEW:
            return "Select from the tables the materialized view is built from.";
        case RELKIND_FOREIGN_TABLE:
            return "Changes to foreign tables cannot be captured; select from local tables.";
        case RELKIND_PARTITIONED_TABLE:
            return "Partitioned base tables are not supported yet; select from a plain table.";
        default:
            return "Select from an ordinary table.";
    }
}

// Finds the single base table; refuses every other kind of FROM item.
Index FindBaseTable(const Query *query)
{
    Index base = 0;
    Index rti = 0;
    ListCell *lc;
    foreach (lc, query->rtable) {
        auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
        rti++;
        switch (rte->rtekind) {
            case RTE_RELATION:
                if (base != 0)
                    RefuseShape("more than one table",
                                "Joins are not supported yet: select from one table per TVIEW.");
                if (rte->relkind != RELKIND_RELATION)
                    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                    errmsg("TVIEW definitions cannot read \"%s\", which is not an "
                                           "ordinary table",
                                           get_rel_name(rte->relid)),
                                    errhint("%s", RelkindRefusalHint(rte->relkind))));
                if (get_rel_persistence(rte->relid) == RELPERSISTENCE_TEMP)
                    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                    errmsg("TVIEW definitions cannot read temporary table \"%s\"",
                                           get_rel_name(rte->relid)),
                                    errhint("Select from a permanent or unlogged table.")));
                if (rte->inh && has_subclass(rte->relid))
                    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                    errmsg("TVIEW definitions cannot read inheritance parent \"%s\"",
                                           get_rel_name(rte->relid)),
                                    errhint("Writes to its child tables would not be captured: "
                                            "select FROM ONLY the parent, or from each child.")));
                if (rte->tablesample != nullptr)
                    RefuseShape("TABLESAMPLE", "Remove the TABLESAMPLE clause.");
                base = rti;
                break;
            case RTE_JOIN:
                RefuseShape("joins", "Joins are not supported yet: select from one table per TVIEW.");
            case RTE_SUBQUERY:
                RefuseShape("subqueries in FROM", "Select from the table directly.");
            case RTE_FUNCTION:
            case RTE_TABLEFUNC:
                RefuseShape("functions in FROM", "Select from a table.");
            case RTE_VALUES:
                RefuseShape("VALUES lists", "Store the values in a table and select from it.");
            default:
                RefuseShape("this kind of FROM item", "Select from a single ordinary table.");
        }
    }
    if (base == 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                        errmsg("a TVIEW definition must select from a table"),
                        errhint("Add a FROM clause naming the entity's base table.")));
    return base;
}

// Functions whose result depends on the session or the moment rather than on the data.
bool IsSessionDependent(Oid funcid)
{
    static const char *const kNames[] = {
        "now",           "statement_timestamp", "transaction_timestamp", "clock_timestamp",
        "timeofday",     "current_setting",     "current_schema",        "current_schemas",
        "pg_backend_pid", "inet_client_addr",   "inet_client_port",      "inet_server_addr",
        "inet_server_port", "txid_current",     "pg_current_xact_id",    "pg_my_temp_schema",
        "pg_trigger_depth", "current_query",    "session_user",          "current_user",
        "current_role",  "user"};
    if (get_func_namespace(funcid) != PG_CATALOG_NAMESPACE) return false;
    const char *name = get_func_name(funcid);
    for (const char *candidate : kNames)
        if (strcmp(name, candidate) == 0) return true;
    return false;
}

// PostgreSQL 15 declares tree walkers as bool (*)() (old-style C); C++ needs the cast spelled out.
using LegacyWalker = bool (*)();
LegacyWalker WalkerFn(bool (*walker)(Node *, void *))
{
    // void (*)(void) is the type GCC lets any function pointer pass through.
    return reinterpret_cast<LegacyWalker>(reinterpret_cast<void (*)(void)>(walker));
}

struct DeterminismCheck {
    Oid offending_function;
    const char *offending_construct;
};

bool FindNondeterministicFunction(Oid funcid, void *context)
{
    if (func_volatile(funcid) == PROVOLATILE_VOLATILE || IsSessionDependent(funcid)) {
        static_cast<DeterminismCheck *>(context)->offending_function = funcid;
        return true;
    }
    return false;
}

bool FindNondeterminism(Node *node, void *context)
{
    if (node == nullptr) return false;
    auto *check = static_cast<DeterminismCheck *>(context);
    if (IsA(node, SQLValueFunction)) {
        check->offending_construct = "CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_USER or a similar "
                                     "session value";
        return true;
    }
    if (IsA(node, NextValueExpr)) {
        check->offending_construct = "a sequence's next value";
        return true;
    }
    if (check_functions_in_node(node, FindNondeterministicFunction, context)) return true;
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), WalkerFn(FindNondeterminism), context, 0);
    return expression_tree_walker(node, WalkerFn(FindNondeterminism), context);
}

void CheckDeterminism(Query *query)
{
    DeterminismCheck check{InvalidOid, nullptr};
    if (!query_tree_walker(query, WalkerFn(FindNondeterminism), &check, 0)) return;
    const char *what = OidIsValid(check.offending_function)
                           ? psprintf("%s()", get_func_name(check.offending_function))
                           : check.offending_construct;
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
             errmsg("TVIEW definition uses non-deterministic %s", what),
             errdetail("A TVIEW row must depend only on base rows, so that recomputing it in any "
                       "session gives the same result."),
             errhint("Store the value in a base column, or create the TVIEW with options "
                     "'{\"allow_nondeterministic\": true}' to accept rows that reflect the "
                     "session and moment of their last refresh.")));
}

// True when the base column has a unique index of its own: one row per key before grouping.
bool ColumnIsUnique(Oid relid, AttrNumber attno)
{
    Relation rel = relation_open(relid, AccessShareLock);
    List *indexes = RelationGetIndexList(rel);
    bool unique = false;
    ListCell *lc;
    foreach (lc, indexes) {
        HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
        if (!HeapTupleIsValid(tuple)) continue;
        auto *index = reinterpret_cast<Form_pg_index>(GETSTRUCT(tuple));
        // Deferred uniqueness may be violated at statement end, when refreshes run.
        if (index->indisunique && index->indimmediate && index->indisvalid &&
            index->indnkeyatts == 1 && index->indkey.values[0] == attno &&
            heap_attisnull(tuple, Anum_pg_index_indpred, nullptr) &&
            heap_attisnull(tuple, Anum_pg_index_indexprs, nullptr))
            unique = true;
        ReleaseSysCache(tuple);
        if (unique) break;
    }
    list_free(indexes);
    relation_close(rel, AccessShareLock);
    return unique;
}

TargetEntry *FindKeyEntry(const Query *query, const char *key_column)
{
    TargetEntry *key = nullptr;
    List *seen = NIL;
    ListCell *lc;
    foreach (lc, query->targetList) {
        auto *tle = static_cast<TargetEntry *>(lfirst(lc));
        if (tle->resjunk) continue;
        ListCell *sc;
        foreach (sc, seen)
            if (strcmp(static_cast<char *>(lfirst(sc)), tle->resname) == 0)
                ereport(ERROR, (errcode(ERRCODE_DUPLICATE_COLUMN),
                                errmsg("column \"%s\" appears more than once in the TVIEW "
                                       "definition", tle->resname),
                                errhint("Give each selected column its own name with AS.")));
        seen = lappend(seen, tle->resname);
        if (strcmp(tle->resname, key_column) == 0) key = tle;
    }
    if (key == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("TVIEW definition has no key column \"%s\"", key_column),
                        errdetail("Every TVIEW row is identified by the column named after its "
                                  "entity."),
                        errhint("Select the entity's key under that name, for example "
                                "SELECT t.pk_x AS %s, ....", key_column)));
    return key;
}

bool IsGroupedBy(const Query *query, const TargetEntry *tle)
{
    ListCell *lc;
    foreach (lc, query->groupClause)
        if (static_cast<SortGroupClause *>(lfirst(lc))->tleSortGroupRef == tle->ressortgroupref &&
            tle->ressortgroupref != 0)
            return true;
    return false;
}

List *ColumnsRead(const RangeTblEntry *rte)
{
    List *names = NIL;
    int member = -1;
    while ((member = bms_next_member(rte->selectedCols, member)) >= 0) {
        AttrNumber attno = member + FirstLowInvalidHeapAttributeNumber;
        if (attno == InvalidAttrNumber) {
            // A whole-row reference reads every column.
            Relation rel = relation_open(rte->relid, AccessShareLock);
            for (int i = 0; i < RelationGetDescr(rel)->natts; i++) {
                Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), i);
                if (!att->attisdropped) names = lappend(names, pstrdup(NameStr(att->attname)));
            }
            relation_close(rel, AccessShareLock);
            return names;
        }
        if (attno > 0) names = lappend(names, get_attname(rte->relid, attno, false));
    }
    return names;
}

}  // namespace

DefinitionPlan *AnalyzeDefinition(Query *query, const char *key_column,
                                  const AnalyzeOptions &options)
{
    CheckQueryShape(query);
    Index base_index = FindBaseTable(query);
    RangeTblEntry *base = rt_fetch(base_index, query->rtable);
    if (!options.allow_nondeterministic) CheckDeterminism(query);

    TargetEntry *key = FindKeyEntry(query, key_column);
    Node *key_expr = strip_implicit_coercions(reinterpret_cast<Node *>(key->expr));
    if (!IsA(key_expr, Var) || castNode(Var, key_expr)->varno != static_cast<int>(base_index) ||
        castNode(Var, key_expr)->varattno <= 0)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("key column \"%s\" must be a column of table \"%s\"", key_column,
                               get_rel_name(base->relid)),
                        errdetail("pg_tviews finds the TVIEW rows a base row changes by reading "
                                  "the key from that row."),
                        errhint("Select a column as it is, for example SELECT t.id AS %s.",
                                key_column)));
    AttrNumber key_attno = castNode(Var, key_expr)->varattno;

    bool grouped = query->groupClause != NIL || query->hasAggs || query->havingQual != nullptr;
    if (grouped && !IsGroupedBy(query, key))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("key column \"%s\" must appear in GROUP BY", key_column),
                        errhint("Group by the key column: each group is one TVIEW row.")));

    auto *plan = static_cast<DefinitionPlan *>(palloc0(sizeof(DefinitionPlan)));
    plan->key_column = pstrdup(key_column);
    if (grouped)
        plan->key_unique = list_length(query->groupClause) == 1;
    else if (query->hasDistinctOn)
        plan->key_unique = list_length(query->distinctClause) == 1;
    else
        plan->key_unique = query->distinctClause == NIL && ColumnIsUnique(base->relid, key_attno);
    // One base row per key needs no key locks: the base row's own lock serializes writers.
    plan->needs_key_locks =
        grouped || query->distinctClause != NIL || !ColumnIsUnique(base->relid, key_attno);

    auto *source = static_cast<SourcePlan *>(palloc0(sizeof(SourcePlan)));
    source->relid = base->relid;
    source->key_source_column = get_attname(base->relid, key_attno, false);
    source->columns_read = ColumnsRead(base);
    plan->sources = list_make1(source);
    return plan;
}

char *DefinitionPlanJson(const DefinitionPlan *plan)
{
    StringInfoData json;
    initStringInfo(&json);
    appendStringInfoString(&json, "{\"key_column\": ");
    escape_json(&json, plan->key_column);
    appendStringInfo(&json, ", \"key_unique\": %s, \"needs_key_locks\": %s, \"sources\": [",
                     plan->key_unique ? "true" : "false", plan->needs_key_locks ? "true" : "false");
    ListCell *lc;
    foreach (lc, plan->sources) {
        auto *source = static_cast<SourcePlan *>(lfirst(lc));
        if (lc != list_head(plan->sources)) appendStringInfoString(&json, ", ");
        appendStringInfoString(&json, "{\"relation\": ");
        escape_json(&json, quote_qualified_identifier(get_namespace_name(get_rel_namespace(source->relid)),
                                                      get_rel_name(source->relid)));
        appendStringInfoString(&json, ", \"mapping\": \"local\", \"key_source_column\": ");
        escape_json(&json, source->key_source_column);
        appendStringInfoString(&json, ", \"columns_read\": [");
        ListCell *cc;
        foreach (cc, source->columns_read) {
            if (cc != list_head(source->columns_read)) appendStringInfoString(&json, ", ");
            escape_json(&json, static_cast<char *>(lfirst(cc)));
        }
        appendStringInfoString(&json, "]}");
    }
    appendStringInfoString(&json, "]}");
    return json.data;
}

}  // namespace pg_tviews
