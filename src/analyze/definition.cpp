// Analysis of TVIEW definitions; see include/pg_tviews/analyze/definition.hpp.
#include "pg_tviews/analyze/definition.hpp"

#include "pg_tviews/boundary/nodes.hpp"

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
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
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
        RefuseShape("UNION, INTERSECT or EXCEPT at the top level",
                    "Create one TVIEW per branch, or move the set operation into a subquery that "
                    "is correlated with the key.");
    if (query->hasWindowFuncs)
        RefuseShape("window functions across keys",
                    "Compute per-key values with GROUP BY and aggregates, or inside a correlated "
                    "subquery.");
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

// Functions whose result depends on the session or the moment rather than on the data.
bool IsSessionDependent(Oid funcid)
{
    static const char *const kNames[] = {"now",
                                         "statement_timestamp",
                                         "transaction_timestamp",
                                         "clock_timestamp",
                                         "timeofday",
                                         "current_setting",
                                         "current_schema",
                                         "current_schemas",
                                         "pg_backend_pid",
                                         "inet_client_addr",
                                         "inet_client_port",
                                         "inet_server_addr",
                                         "inet_server_port",
                                         "txid_current",
                                         "pg_current_xact_id",
                                         "pg_my_temp_schema",
                                         "pg_trigger_depth",
                                         "current_query",
                                         "session_user",
                                         "current_user",
                                         "current_role",
                                         "user"};
    if (get_func_namespace(funcid) != PG_CATALOG_NAMESPACE) return false;
    const char *name = get_func_name(funcid);
    for (const char *candidate : kNames)
        if (strcmp(name, candidate) == 0) return true;
    return false;
}

const char *SessionValueName(SQLValueFunctionOp op)
{
    switch (op) {
        case SVFOP_CURRENT_DATE:
            return "CURRENT_DATE";
        case SVFOP_CURRENT_TIME:
        case SVFOP_CURRENT_TIME_N:
            return "CURRENT_TIME";
        case SVFOP_CURRENT_TIMESTAMP:
        case SVFOP_CURRENT_TIMESTAMP_N:
            return "CURRENT_TIMESTAMP";
        case SVFOP_LOCALTIME:
        case SVFOP_LOCALTIME_N:
            return "LOCALTIME";
        case SVFOP_LOCALTIMESTAMP:
        case SVFOP_LOCALTIMESTAMP_N:
            return "LOCALTIMESTAMP";
        case SVFOP_CURRENT_ROLE:
            return "CURRENT_ROLE";
        case SVFOP_CURRENT_USER:
            return "CURRENT_USER";
        case SVFOP_USER:
            return "USER";
        case SVFOP_SESSION_USER:
            return "SESSION_USER";
        case SVFOP_CURRENT_CATALOG:
            return "CURRENT_CATALOG";
        case SVFOP_CURRENT_SCHEMA:
            return "CURRENT_SCHEMA";
    }
    return "a session value";
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
        check->offending_construct = SessionValueName(castNode(SQLValueFunction, node)->op);
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
                                       "definition",
                                       tle->resname),
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
                                "SELECT t.pk_x AS %s, ....",
                                key_column)));
    return key;
}

// Top-level `a.x = b.y` conjuncts of WHERE and of inner and left join conditions.
void TopLevelEqualities(Node *node, List **equalities)
{
    if (node == nullptr) return;
    if (IsA(node, FromExpr)) {
        auto *from = castNode(FromExpr, node);
        List *conjuncts = make_ands_implicit(reinterpret_cast<Expr *>(from->quals));
        *equalities = list_concat(*equalities, conjuncts);
        ListCell *lc;
        foreach (lc, from->fromlist)
            TopLevelEqualities(static_cast<Node *>(lfirst(lc)), equalities);
    } else if (IsA(node, JoinExpr)) {
        auto *join = castNode(JoinExpr, node);
        if (join->jointype == JOIN_INNER || join->jointype == JOIN_LEFT)
            *equalities =
                list_concat(*equalities, make_ands_implicit(reinterpret_cast<Expr *>(join->quals)));
        TopLevelEqualities(join->larg, equalities);
        TopLevelEqualities(join->rarg, equalities);
    }
}

// True when joining the other top-level tables cannot repeat a root row: starting from the root,
// each table is joined on one of its own unique columns to a table already reached (a parent,
// many-to-one). Sublinks never multiply rows; subqueries and functions in FROM are not proven.
bool JoinsAreManyToOne(const Query *query, Index root)
{
    int count = list_length(query->rtable);
    auto *reached = static_cast<bool *>(palloc0(sizeof(bool) * (count + 1)));
    reached[root] = true;
    List *equalities = NIL;
    TopLevelEqualities(reinterpret_cast<Node *>(query->jointree), &equalities);
    for (bool grew = true; grew;) {
        grew = false;
        ListCell *lc;
        foreach (lc, equalities) {
            Node *conjunct = static_cast<Node *>(lfirst(lc));
            if (!IsA(conjunct, OpExpr) || list_length(castNode(OpExpr, conjunct)->args) != 2)
                continue;
            auto *op = castNode(OpExpr, conjunct);
            Node *sides[2] = {strip_implicit_coercions(static_cast<Node *>(linitial(op->args))),
                              strip_implicit_coercions(static_cast<Node *>(lsecond(op->args)))};
            if (!IsA(sides[0], Var) || !IsA(sides[1], Var) ||
                !op_mergejoinable(op->opno, exprType(sides[0])))
                continue;
            for (int i = 0; i < 2; i++) {
                auto *child = castNode(Var, sides[i]);
                auto *parent = castNode(Var, sides[1 - i]);
                if (child->varlevelsup != 0 || parent->varlevelsup != 0 || reached[child->varno] ||
                    !reached[parent->varno])
                    continue;
                RangeTblEntry *rte = rt_fetch(child->varno, query->rtable);
                if (rte->rtekind == RTE_RELATION && ColumnIsUnique(rte->relid, child->varattno)) {
                    reached[child->varno] = true;
                    grew = true;
                }
            }
        }
    }
    Index rti = 0;
    ListCell *lc;
    foreach (lc, query->rtable) {
        auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
        rti++;
        if (rte->rtekind == RTE_JOIN || (rte->rtekind == RTE_RELATION && !rte->inFromCl)) continue;
        if (!reached[rti]) return false;
    }
    return true;
}

Node *StripKey(const TargetEntry *key)
{
    return strip_implicit_coercions(reinterpret_cast<Node *>(key->expr));
}

// The key is a column of a table listed in the top-level FROM (not of a view or subquery).
bool KeyVarIsTopLevel(const Query *query, const TargetEntry *key)
{
    Node *expr = StripKey(key);
    if (!IsA(expr, Var) || castNode(Var, expr)->varlevelsup != 0) return false;
    RangeTblEntry *rte = rt_fetch(castNode(Var, expr)->varno, query->rtable);
    return rte->rtekind == RTE_RELATION && rte->relkind == RELKIND_RELATION;
}

const char *QualifiedRelationName(Oid relid)
{
    return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                      get_rel_name(relid));
}

bool IsInClauses(const List *clauses, const TargetEntry *tle)
{
    ListCell *lc;
    foreach (lc, clauses)
        if (static_cast<SortGroupClause *>(lfirst(lc))->tleSortGroupRef == tle->ressortgroupref &&
            tle->ressortgroupref != 0)
            return true;
    return false;
}

bool IsGroupedBy(const Query *query, const TargetEntry *tle)
{
    return IsInClauses(query->groupClause, tle);
}

bool IsDistinctOn(const Query *query, const TargetEntry *tle)
{
    return IsInClauses(query->distinctClause, tle);
}

}  // namespace

DefinitionPlan *AnalyzeDefinition(Query *query, const char *key_column,
                                  const AnalyzeOptions &options)
{
    CheckQueryShape(query);
    if (!options.allow_nondeterministic) CheckDeterminism(query);
    TargetEntry *key = FindKeyEntry(query, key_column);
    LineageResult lineage = DeriveLineage(query, key, options.allow_full_refresh);
    if (lineage.key_may_be_null) {
        const char *column = get_attname(lineage.root_relid, lineage.root_attno, false);
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                 errmsg("TVIEW key column \"%s\" can be null", key_column),
                 errdetail("Column \"%s\" of table \"%s\" allows nulls or sits on the nullable "
                           "side of an outer join, and a row with a null key cannot be "
                           "stored in the TVIEW.",
                           column, get_rel_name(lineage.root_relid)),
                 errhint("Add WHERE %s IS NOT NULL to the definition, or declare the column "
                         "NOT NULL.",
                         column)));
    }

    bool grouped = query->groupClause != NIL || query->hasAggs || query->havingQual != nullptr;
    if (grouped && !IsGroupedBy(query, key))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("key column \"%s\" must appear in GROUP BY", key_column),
                        errhint("Group by the key column: each group is one TVIEW row.")));

    // DISTINCT ON picks one row per group; a group spanning keys makes one key's row depend on
    // rows of other keys.
    if (query->hasDistinctOn && !IsDistinctOn(query, key))
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("DISTINCT ON in a TVIEW definition must include the key column \"%s\"",
                        key_column),
                 errdetail("Otherwise the row kept for one key depends on rows of other keys."),
                 errhint("Write DISTINCT ON (%s, ...).", key_column)));

    auto *plan = static_cast<DefinitionPlan *>(palloc0(sizeof(DefinitionPlan)));
    plan->key_column = pstrdup(key_column);
    bool single_table = lineage.occurrences == 1;
    bool root_unique = ColumnIsUnique(lineage.root_relid, lineage.root_attno);
    if (grouped)
        plan->key_unique = list_length(query->groupClause) == 1;
    else if (query->hasDistinctOn)
        plan->key_unique = list_length(query->distinctClause) == 1;
    else
        plan->key_unique = query->distinctClause == NIL && root_unique &&
                           KeyVarIsTopLevel(query, key) &&
                           JoinsAreManyToOne(query, castNode(Var, StripKey(key))->varno);
    // One base row per key, and nothing else read, needs no key locks: the base row's own lock
    // serializes writers. Anything more can feed one key from rows locked by different writers.
    plan->needs_key_locks =
        grouped || query->distinctClause != NIL || !single_table || !root_unique;
    plan->sources = lineage.sources;
    return plan;
}

static const char *SourceMode(const SourcePlan *source)
{
    if (source->start_column == nullptr) return "full";
    return source->hops == NIL ? "local" : "mapped";
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
        escape_json(&json, QualifiedRelationName(source->relid));
        appendStringInfo(&json, ", \"mapping\": \"%s\"", SourceMode(source));
        if (source->start_column != nullptr) {
            appendStringInfoString(&json, ", \"start_column\": ");
            escape_json(&json, source->start_column);
        }
        appendStringInfoString(&json, ", \"hops\": [");
        ListCell *hc;
        foreach (hc, source->hops) {
            auto *hop = static_cast<HopPlan *>(lfirst(hc));
            if (hc != list_head(source->hops)) appendStringInfoString(&json, ", ");
            appendStringInfoString(&json, "{\"relation\": ");
            escape_json(&json, QualifiedRelationName(hop->relid));
            appendStringInfoString(&json, ", \"match\": ");
            escape_json(&json, hop->match_column);
            appendStringInfoString(&json, ", \"output\": ");
            escape_json(&json, hop->output_column);
            appendStringInfoChar(&json, '}');
        }
        appendStringInfoString(&json, "], \"columns_read\": [");
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
