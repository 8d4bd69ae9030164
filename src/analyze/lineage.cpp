// Lineage derivation; see include/pg_tviews/analyze/lineage.hpp.
// PostgreSQL idiom (node walkers, Lists, palloc): no C++ objects live in these frames.
#include "pg_tviews/analyze/lineage.hpp"

#include "pg_tviews/boundary/nodes.hpp"
#include "pg_tviews/catalog/equality.hpp"

extern "C" {
#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

namespace {

struct Occurrence {
    Oid relid;
    Bitmapset *selected;  // columns read, offset by FirstLowInvalidHeapAttributeNumber
};

struct ColumnRef {
    int occurrence;
    AttrNumber attno;
};

struct Edge {
    ColumnRef a;
    ColumnRef b;
};

// One Query of the tree: the top level, a subquery, a sublink, a CTE or an expanded view.
struct Level {
    Query *query;
    Level *parent;       // where Vars with varlevelsup > 0 point
    int *occurrence_of;  // by rtindex: occurrence number, or -1
    Level **inner;       // by rtindex: the level of a subquery, CTE or view
    bool *nullable;      // by rtindex: on the nullable side of an outer join
};

struct Walk {
    List *occurrences;        // Occurrence *
    List *edges;              // Edge *
    List *positive_sublinks;  // SubLink * that are top-level conjuncts of a WHERE or ON
};

Level *AnalyzeLevel(Walk *walk, Query *query, Level *parent);

pg_attribute_noreturn() void RefuseRelation(Oid relid, const char *what, const char *hint)
{
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("TVIEW definitions cannot read %s \"%s\"", what, get_rel_name(relid)),
                    errhint("%s", hint)));
}

void MarkNullable(Level *level, Node *node, bool nullable)
{
    if (node == nullptr) return;
    if (IsA(node, RangeTblRef)) {
        level->nullable[castNode(RangeTblRef, node)->rtindex] = nullable;
    } else if (IsA(node, FromExpr)) {
        ListCell *lc;
        foreach (lc, castNode(FromExpr, node)->fromlist)
            MarkNullable(level, static_cast<Node *>(lfirst(lc)), nullable);
    } else if (IsA(node, JoinExpr)) {
        auto *join = castNode(JoinExpr, node);
        bool left = nullable || join->jointype == JOIN_RIGHT || join->jointype == JOIN_FULL;
        bool right = nullable || join->jointype == JOIN_LEFT || join->jointype == JOIN_FULL;
        MarkNullable(level, join->larg, left);
        MarkNullable(level, join->rarg, right);
        level->nullable[join->rtindex] = nullable;
    }
}

bool ResolveVar(Level *level, const Var *var, ColumnRef *out, bool *maybe_null);

// Resolves output column `attno` of an inner level to a base column.
bool ResolveOutput(Level *inner, AttrNumber attno, ColumnRef *out, bool *maybe_null)
{
    TargetEntry *tle = get_tle_by_resno(inner->query->targetList, attno);
    if (tle == nullptr) return false;
    Node *expr = strip_implicit_coercions(reinterpret_cast<Node *>(tle->expr));
    return IsA(expr, Var) && ResolveVar(inner, castNode(Var, expr), out, maybe_null);
}

// Follows a Var through join aliases, subqueries, CTEs and views to a base-table column.
bool ResolveVar(Level *level, const Var *var, ColumnRef *out, bool *maybe_null)
{
    for (Index up = 0; up < var->varlevelsup && level != nullptr; up++) level = level->parent;
    if (level == nullptr || var->varattno <= 0) return false;
    RangeTblEntry *rte = rt_fetch(var->varno, level->query->rtable);
    if (maybe_null != nullptr && level->nullable[var->varno]) *maybe_null = true;
    if (rte->rtekind == RTE_RELATION && level->occurrence_of[var->varno] >= 0) {
        out->occurrence = level->occurrence_of[var->varno];
        out->attno = var->varattno;
        if (maybe_null != nullptr) {
            HeapTuple tuple =
                SearchSysCache2(ATTNUM, ObjectIdGetDatum(rte->relid), Int16GetDatum(var->varattno));
            if (!HeapTupleIsValid(tuple) ||
                !reinterpret_cast<Form_pg_attribute>(GETSTRUCT(tuple))->attnotnull)
                *maybe_null = true;
            if (HeapTupleIsValid(tuple)) ReleaseSysCache(tuple);
        }
        return true;
    }
    if (rte->rtekind == RTE_JOIN) {
        Node *alias = static_cast<Node *>(list_nth(rte->joinaliasvars, var->varattno - 1));
        alias = strip_implicit_coercions(alias);
        if (alias == nullptr || !IsA(alias, Var)) return false;
        Var local = *castNode(Var, alias);
        return ResolveVar(level, &local, out, maybe_null);
    }
    if (level->inner[var->varno] != nullptr)
        return ResolveOutput(level->inner[var->varno], var->varattno, out, maybe_null);
    return false;
}

// An equality lineage can follow: exactly the operator its generated SQL will use between
// these two types, in both directions (hops are walked both ways). Any other "=", such as one
// from a non-default operator class, links nothing.
bool IsLineageEquality(Oid opno, Oid left_type, Oid right_type)
{
    TypedOperator chosen, reverse;
    return FindEquality(left_type, right_type, &chosen) && chosen.opno == opno &&
           FindEquality(right_type, left_type, &reverse);
}

void AddEdge(Walk *walk, ColumnRef a, ColumnRef b)
{
    if (a.occurrence == b.occurrence && a.attno == b.attno) return;
    auto *edge = static_cast<Edge *>(palloc(sizeof(Edge)));
    edge->a = a;
    edge->b = b;
    walk->edges = lappend(walk->edges, edge);
}

// Records `column = column` conjuncts of a qualification as links.
void AddEqualityEdges(Walk *walk, Level *level, Node *qual)
{
    if (qual == nullptr) return;
    if (is_andclause(qual)) {
        ListCell *lc;
        foreach (lc, castNode(BoolExpr, qual)->args)
            AddEqualityEdges(walk, level, static_cast<Node *>(lfirst(lc)));
        return;
    }
    // x IN (SELECT y ...) as a filter: a row passes only when some subquery row equals it, so
    // the equality links x and y. Under NOT, or used as a value, a NULL among the subquery's
    // rows changes every row's result, and no such link exists.
    if (IsA(qual, SubLink) && castNode(SubLink, qual)->subLinkType == ANY_SUBLINK) {
        walk->positive_sublinks = lappend(walk->positive_sublinks, qual);
        return;
    }
    if (!IsA(qual, OpExpr) || list_length(castNode(OpExpr, qual)->args) != 2) return;
    auto *op = castNode(OpExpr, qual);
    Node *left = strip_implicit_coercions(static_cast<Node *>(linitial(op->args)));
    Node *right = strip_implicit_coercions(static_cast<Node *>(lsecond(op->args)));
    if (!IsA(left, Var) || !IsA(right, Var) ||
        !IsLineageEquality(op->opno, exprType(left), exprType(right)))
        return;
    ColumnRef a, b;
    if (ResolveVar(level, castNode(Var, left), &a, nullptr) &&
        ResolveVar(level, castNode(Var, right), &b, nullptr))
        AddEdge(walk, a, b);
}

void CollectJoinQuals(Walk *walk, Level *level, Node *node)
{
    if (node == nullptr) return;
    if (IsA(node, FromExpr)) {
        auto *from = castNode(FromExpr, node);
        AddEqualityEdges(walk, level, from->quals);
        ListCell *lc;
        foreach (lc, from->fromlist) CollectJoinQuals(walk, level, static_cast<Node *>(lfirst(lc)));
    } else if (IsA(node, JoinExpr)) {
        auto *join = castNode(JoinExpr, node);
        // A FULL JOIN condition constrains neither side's contribution.
        if (join->jointype != JOIN_FULL) AddEqualityEdges(walk, level, join->quals);
        CollectJoinQuals(walk, level, join->larg);
        CollectJoinQuals(walk, level, join->rarg);
    }
}

struct SublinkContext {
    Walk *walk;
    Level *level;
};

// x IN (SELECT y ...) links x with the subquery's output column y.
void AddSublinkTestEdges(Walk *walk, Level *level, Level *inner, Node *test)
{
    if (test == nullptr) return;
    if (is_andclause(test)) {
        ListCell *lc;
        foreach (lc, castNode(BoolExpr, test)->args)
            AddSublinkTestEdges(walk, level, inner, static_cast<Node *>(lfirst(lc)));
        return;
    }
    if (!IsA(test, OpExpr) || list_length(castNode(OpExpr, test)->args) != 2) return;
    auto *op = castNode(OpExpr, test);
    Node *outer = strip_implicit_coercions(static_cast<Node *>(linitial(op->args)));
    Node *param = strip_implicit_coercions(static_cast<Node *>(lsecond(op->args)));
    if (!IsA(outer, Var) || !IsA(param, Param) ||
        castNode(Param, param)->paramkind != PARAM_SUBLINK ||
        !IsLineageEquality(op->opno, exprType(outer), exprType(param)))
        return;
    ColumnRef a, b;
    if (ResolveVar(level, castNode(Var, outer), &a, nullptr) &&
        ResolveOutput(inner, castNode(Param, param)->paramid, &b, nullptr))
        AddEdge(walk, a, b);
}

bool FindSublinks(Node *node, void *arg)
{
    if (node == nullptr) return false;
    auto *context = static_cast<SublinkContext *>(arg);
    if (IsA(node, SubLink)) {
        auto *sublink = castNode(SubLink, node);
        Level *inner =
            AnalyzeLevel(context->walk, castNode(Query, sublink->subselect), context->level);
        if (sublink->subLinkType == ANY_SUBLINK &&
            list_member_ptr(context->walk->positive_sublinks, sublink))
            AddSublinkTestEdges(context->walk, context->level, inner, sublink->testexpr);
        return expression_tree_walker(sublink->testexpr, WalkerFn(FindSublinks), arg);
    }
    return expression_tree_walker(node, WalkerFn(FindSublinks), arg);
}

CommonTableExpr *FindCte(Level *level, const RangeTblEntry *rte, Level **defining)
{
    for (Index up = 0; up < rte->ctelevelsup && level != nullptr; up++) level = level->parent;
    *defining = level;
    if (level == nullptr) return nullptr;
    ListCell *lc;
    foreach (lc, level->query->cteList) {
        auto *cte = static_cast<CommonTableExpr *>(lfirst(lc));
        if (strcmp(cte->ctename, rte->ctename) == 0) return cte;
    }
    return nullptr;
}

void AddOccurrence(Walk *walk, Level *level, Index rti, RangeTblEntry *rte)
{
    auto *occurrence = static_cast<Occurrence *>(palloc0(sizeof(Occurrence)));
    occurrence->relid = rte->relid;
    occurrence->selected = bms_copy(rte->selectedCols);
    level->occurrence_of[rti] = list_length(walk->occurrences);
    walk->occurrences = lappend(walk->occurrences, occurrence);
}

void AnalyzeRelation(Walk *walk, Level *level, Index rti, RangeTblEntry *rte)
{
    switch (rte->relkind) {
        case RELKIND_RELATION:
            break;
        case RELKIND_VIEW: {
            // A view is read through its own query: lineage reaches the tables beneath it.
            Relation view = relation_open(rte->relid, AccessShareLock);
            Query *view_query = CopyNode(get_view_query(view));
            relation_close(view, AccessShareLock);
            level->inner[rti] = AnalyzeLevel(walk, view_query, level);
            return;
        }
        case RELKIND_MATVIEW:
            RefuseRelation(rte->relid, "materialized view",
                           "Select from the tables the materialized view is built from.");
        case RELKIND_FOREIGN_TABLE:
            RefuseRelation(
                rte->relid, "foreign table",
                "Changes to foreign tables cannot be captured; select from local tables.");
        case RELKIND_PARTITIONED_TABLE:
            RefuseRelation(
                rte->relid, "partitioned table",
                "Partitioned base tables are not supported yet; select from a plain table.");
        default:
            RefuseRelation(rte->relid, "relation", "Select from ordinary tables.");
    }
    if (get_rel_persistence(rte->relid) == RELPERSISTENCE_TEMP)
        RefuseRelation(rte->relid, "temporary table", "Select from permanent or unlogged tables.");
    if (rte->inh && has_subclass(rte->relid))
        RefuseRelation(rte->relid, "inheritance parent",
                       "Writes to its child tables would not be captured: select FROM ONLY the "
                       "parent, or from each child.");
    if (rte->tablesample != nullptr)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("TVIEW definitions cannot use TABLESAMPLE"),
                        errhint("Remove the TABLESAMPLE clause.")));
    AddOccurrence(walk, level, rti, rte);
}

Level *AnalyzeLevel(Walk *walk, Query *query, Level *parent)
{
    int size = list_length(query->rtable) + 1;
    auto *level = static_cast<Level *>(palloc0(sizeof(Level)));
    level->query = query;
    level->parent = parent;
    level->occurrence_of = static_cast<int *>(palloc(sizeof(int) * size));
    level->inner = static_cast<Level **>(palloc0(sizeof(Level *) * size));
    level->nullable = static_cast<bool *>(palloc0(sizeof(bool) * size));
    for (int i = 0; i < size; i++) level->occurrence_of[i] = -1;
    MarkNullable(level, reinterpret_cast<Node *>(query->jointree), false);

    Index rti = 0;
    ListCell *lc;
    foreach (lc, query->rtable) {
        auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
        rti++;
        switch (rte->rtekind) {
            case RTE_RELATION:
                // A view's stored query keeps OLD and NEW placeholder entries for the view itself;
                // they are not FROM items and nothing reads them.
                if (rte->inFromCl) AnalyzeRelation(walk, level, rti, rte);
                break;
            case RTE_SUBQUERY:
                level->inner[rti] = AnalyzeLevel(walk, rte->subquery, level);
                break;
            case RTE_CTE: {
                Level *defining;
                CommonTableExpr *cte = FindCte(level, rte, &defining);
                if (cte == nullptr || cte->cterecursive)
                    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                    errmsg("TVIEW definitions cannot use recursive WITH queries"),
                                    errhint("Compute the recursive result in a base table.")));
                level->inner[rti] = AnalyzeLevel(walk, castNode(Query, cte->ctequery), defining);
                break;
            }
            case RTE_NAMEDTUPLESTORE:
                ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                                errmsg("TVIEW definitions cannot read transition tables")));
            default:
                break;  // joins, functions, VALUES: no base relation of their own
        }
    }
    CollectJoinQuals(walk, level, reinterpret_cast<Node *>(query->jointree));
    SublinkContext context{walk, level};
    (void)query_tree_walker(query, WalkerFn(FindSublinks), &context, QTW_IGNORE_RANGE_TABLE);
    return level;
}

bool SameColumn(ColumnRef a, ColumnRef b)
{
    return a.occurrence == b.occurrence && a.attno == b.attno;
}

bool InList(List *columns, ColumnRef column)
{
    ListCell *lc;
    foreach (lc, columns)
        if (SameColumn(*static_cast<ColumnRef *>(lfirst(lc)), column)) return true;
    return false;
}

// Every column equal to the key column, through any chain of equality links.
List *KeyClass(Walk *walk, ColumnRef root)
{
    auto *first = static_cast<ColumnRef *>(palloc(sizeof(ColumnRef)));
    *first = root;
    List *members = list_make1(first);
    for (bool grew = true; grew;) {
        grew = false;
        ListCell *lc;
        foreach (lc, walk->edges) {
            auto *edge = static_cast<Edge *>(lfirst(lc));
            bool has_a = InList(members, edge->a), has_b = InList(members, edge->b);
            if (has_a == has_b) continue;
            auto *added = static_cast<ColumnRef *>(palloc(sizeof(ColumnRef)));
            *added = has_a ? edge->b : edge->a;
            members = lappend(members, added);
            grew = true;
        }
    }
    return members;
}

// The column of an occurrence that belongs to the key class, or InvalidAttrNumber.
AttrNumber KeyColumnOf(List *key_class, int occurrence)
{
    ListCell *lc;
    foreach (lc, key_class) {
        auto *column = static_cast<ColumnRef *>(lfirst(lc));
        if (column->occurrence == occurrence) return column->attno;
    }
    return InvalidAttrNumber;
}

struct Step {
    int from;          // previous occurrence, -1 for the start
    AttrNumber out;    // column of `from` carried into this occurrence
    AttrNumber match;  // column of this occurrence equal to it
};

// Shortest chain of links from `start` to an occurrence in the key class; fills the source.
bool FindPath(Walk *walk, List *key_class, int start, SourcePlan *source)
{
    int count = list_length(walk->occurrences);
    auto *steps = static_cast<Step *>(palloc(sizeof(Step) * count));
    auto *seen = static_cast<bool *>(palloc0(sizeof(bool) * count));
    auto *queue = static_cast<int *>(palloc(sizeof(int) * count));
    int head = 0, tail = 0;
    queue[tail++] = start;
    seen[start] = true;
    steps[start] = Step{-1, InvalidAttrNumber, InvalidAttrNumber};
    while (head < tail) {
        int current = queue[head++];
        AttrNumber key_column = KeyColumnOf(key_class, current);
        if (key_column != InvalidAttrNumber) {
            // Unwind: each hop joins an occurrence on `match`, carrying `out` onwards.
            List *hops = NIL;
            AttrNumber carried = key_column;
            for (int node = current; steps[node].from >= 0; node = steps[node].from) {
                auto *hop = static_cast<HopPlan *>(palloc(sizeof(HopPlan)));
                Oid relid = static_cast<Occurrence *>(list_nth(walk->occurrences, node))->relid;
                hop->relid = relid;
                hop->match_column = get_attname(relid, steps[node].match, false);
                hop->output_column = get_attname(relid, carried, false);
                hops = lcons(hop, hops);
                carried = steps[node].out;
            }
            Oid start_relid = static_cast<Occurrence *>(list_nth(walk->occurrences, start))->relid;
            source->start_column = get_attname(start_relid, carried, false);
            source->hops = hops;
            return true;
        }
        ListCell *lc;
        foreach (lc, walk->edges) {
            auto *edge = static_cast<Edge *>(lfirst(lc));
            for (int side = 0; side < 2; side++) {
                ColumnRef here = side == 0 ? edge->a : edge->b;
                ColumnRef there = side == 0 ? edge->b : edge->a;
                if (here.occurrence != current || seen[there.occurrence]) continue;
                seen[there.occurrence] = true;
                steps[there.occurrence] = Step{current, here.attno, there.attno};
                queue[tail++] = there.occurrence;
            }
        }
    }
    return false;
}

List *ColumnNames(Oid relid, Bitmapset *selected)
{
    List *names = NIL;
    int member = -1;
    while ((member = bms_next_member(selected, member)) >= 0) {
        AttrNumber attno = member + FirstLowInvalidHeapAttributeNumber;
        if (attno == InvalidAttrNumber) {
            // A whole-row reference reads every column.
            list_free(names);
            names = NIL;
            Relation rel = relation_open(relid, AccessShareLock);
            for (int i = 0; i < RelationGetDescr(rel)->natts; i++) {
                Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), i);
                if (!att->attisdropped) names = lappend(names, pstrdup(NameStr(att->attname)));
            }
            relation_close(rel, AccessShareLock);
            return names;
        }
        if (attno > 0) names = lappend(names, get_attname(relid, attno, false));
    }
    return names;
}

bool SamePath(const SourcePlan *a, const SourcePlan *b)
{
    if (a->relid != b->relid || list_length(a->hops) != list_length(b->hops)) return false;
    if ((a->start_column == nullptr) != (b->start_column == nullptr)) return false;
    if (a->start_column != nullptr && strcmp(a->start_column, b->start_column) != 0) return false;
    for (int i = 0; i < list_length(a->hops); i++) {
        auto *x = static_cast<HopPlan *>(list_nth(a->hops, i));
        auto *y = static_cast<HopPlan *>(list_nth(b->hops, i));
        if (x->relid != y->relid || strcmp(x->match_column, y->match_column) != 0 ||
            strcmp(x->output_column, y->output_column) != 0)
            return false;
    }
    return true;
}

}  // namespace

LineageResult DeriveLineage(Query *query, TargetEntry *key, bool allow_full_refresh)
{
    Walk walk{NIL, NIL, NIL};
    Level *top = AnalyzeLevel(&walk, query, nullptr);

    LineageResult result{};
    result.occurrences = list_length(walk.occurrences);
    ColumnRef root;
    bool maybe_null = false;
    Node *key_expr = strip_implicit_coercions(reinterpret_cast<Node *>(key->expr));
    if (!IsA(key_expr, Var) || !ResolveVar(top, castNode(Var, key_expr), &root, &maybe_null))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("key column \"%s\" must be a column of a table the definition reads",
                               key->resname),
                        errdetail("pg_tviews finds the TVIEW rows a base row changes by following "
                                  "the key back to a table column."),
                        errhint("Select a table column as it is, for example SELECT t.id AS %s.",
                                key->resname)));
    if (maybe_null && query->jointree->quals != nullptr) {
        // WHERE may reject null keys, like WHERE key IS NOT NULL or key > 0.
        ListCell *lc;
        foreach (lc, find_nonnullable_vars(query->jointree->quals)) {
            ColumnRef column;
            if (ResolveVar(top, static_cast<Var *>(lfirst(lc)), &column, nullptr) &&
                SameColumn(column, root))
                maybe_null = false;
        }
    }
    result.key_may_be_null = maybe_null;
    auto *root_occurrence = static_cast<Occurrence *>(list_nth(walk.occurrences, root.occurrence));
    result.root_relid = root_occurrence->relid;
    result.root_attno = root.attno;

    List *key_class = KeyClass(&walk, root);
    for (int i = 0; i < list_length(walk.occurrences); i++) {
        auto *occurrence = static_cast<Occurrence *>(list_nth(walk.occurrences, i));
        auto *source = static_cast<SourcePlan *>(palloc0(sizeof(SourcePlan)));
        source->relid = occurrence->relid;
        if (!FindPath(&walk, key_class, i, source)) {
            if (!allow_full_refresh)
                ereport(ERROR,
                        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                         errmsg("TVIEW definition reads table \"%s\" without linking it to the key",
                                get_rel_name(occurrence->relid)),
                         errdetail("No chain of equality conditions (JOIN ... ON a = b, WHERE a = "
                                   "b, correlated subqueries) leads from its rows to the key, so "
                                   "a change to it could affect any TVIEW row."),
                         errhint("Correlate its rows with the key, for example WHERE c.fk_x = "
                                 "x.pk_x, or create the TVIEW with options "
                                 "'{\"allow_full_refresh\": true}' to recompute every row when "
                                 "it changes.")));
            source->start_column = nullptr;
        }
        // One source per distinct path; the columns read are the union over occurrences.
        SourcePlan *same = nullptr;
        ListCell *lc;
        foreach (lc, result.sources)
            if (SamePath(static_cast<SourcePlan *>(lfirst(lc)), source))
                same = static_cast<SourcePlan *>(lfirst(lc));
        if (same == nullptr) result.sources = lappend(result.sources, source);
    }
    // Columns read: union over every occurrence of the same relation.
    ListCell *lc;
    foreach (lc, result.sources) {
        auto *source = static_cast<SourcePlan *>(lfirst(lc));
        Bitmapset *selected = nullptr;
        ListCell *oc;
        foreach (oc, walk.occurrences) {
            auto *occurrence = static_cast<Occurrence *>(lfirst(oc));
            if (occurrence->relid == source->relid)
                selected = bms_union(selected, occurrence->selected);
        }
        source->columns_read = ColumnNames(source->relid, selected);
    }
    return result;
}

}  // namespace pg_tviews
