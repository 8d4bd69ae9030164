// TVIEW creation; see include/pg_tviews/ddl/create.hpp.
//
// The definition is stored as an ordinary view in tviews_internal, deparsed with every name
// schema-qualified. PostgreSQL then tracks it for us: renames follow, dropping a base table is
// refused (or cascades to the TVIEW, through an internal dependency), and pg_dump dumps it.
#include "pg_tviews/ddl/create.hpp"

#include "pg_tviews/analyze/definition.hpp"
#include "pg_tviews/boundary/nodes.hpp"
#include "pg_tviews/capture/capture.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/core/naming.hpp"
#include "pg_tviews/guc.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
}

namespace pg_tviews {

namespace {

// Deparses a Query with every relation, function and operator name schema-qualified, so the
// stored text means the same under any search_path.
char *QualifiedQueryText(Query *query)
{
    int nest_level = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    char *text = pg_get_querydef(CopyNode(query), false);
    AtEOXact_GUC(true, nest_level);
    return text;
}

void ApplyColumnNames(Query *query, List *column_names)
{
    ListCell *name = list_head(column_names);
    ListCell *lc;
    foreach (lc, query->targetList) {
        auto *tle = static_cast<TargetEntry *>(lfirst(lc));
        if (tle->resjunk || name == nullptr) continue;
        tle->resname = strVal(lfirst(name));
        name = lnext(column_names, name);
    }
    if (name != nullptr)
        ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR),
                        errmsg("CREATE TABLE AS specifies too many column names")));
}

AnalyzeOptions ParseOptions(const char *options_json)
{
    AnalyzeOptions options{false, false};
    Datum args[1] = {CStringGetTextDatum(options_json)};
    Oid types[1] = {TEXTOID};
    int rc = SPI_execute_with_args(
        "SELECT pg_catalog.jsonb_typeof(x.o), k.k,"
        "       pg_catalog.jsonb_typeof(x.o OPERATOR(pg_catalog.->) k.k),"
        "       x.o OPERATOR(pg_catalog.->>) k.k"
        "  FROM (SELECT $1::pg_catalog.jsonb) AS x(o)"
        "  LEFT JOIN LATERAL pg_catalog.jsonb_object_keys("
        "    CASE WHEN pg_catalog.jsonb_typeof(x.o) OPERATOR(pg_catalog.=) 'object'"
        "         THEN x.o ELSE '{}' END) AS k(k) ON true",
        1, types, args, nullptr, true, 0);
    if (rc != SPI_OK_SELECT) elog(ERROR, "could not read TVIEW options");
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        const char *type = SPI_getvalue(row, desc, 1);
        const char *key = SPI_getvalue(row, desc, 2);
        const char *value_type = SPI_getvalue(row, desc, 3);
        if (strcmp(type, "object") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("TVIEW options must be a JSON object"),
                            errhint("Pass options like '{\"allow_nondeterministic\": true}'.")));
        if (key == nullptr) continue;
        bool *flag = strcmp(key, "allow_nondeterministic") == 0 ? &options.allow_nondeterministic
                     : strcmp(key, "allow_full_refresh") == 0   ? &options.allow_full_refresh
                                                                : nullptr;
        if (flag == nullptr)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("unrecognized TVIEW option \"%s\"", key),
                            errhint("Valid options are \"allow_nondeterministic\" and "
                                    "\"allow_full_refresh\".")));
        if (strcmp(value_type, "boolean") != 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("TVIEW option \"%s\" must be a boolean", key)));
        *flag = strcmp(SPI_getvalue(row, desc, 4), "true") == 0;
    }
    return options;
}

void Run(const char *sql, int expected)
{
    int rc = SPI_execute(sql, false, 0);
    if (rc != expected)
        elog(ERROR, "unexpected result %s for: %s", SPI_result_code_string(rc), sql);
}

// A name for the definition view that no other relation of tviews_internal, nor of the TVIEW's
// own schema, uses yet: the view is created in the TVIEW's schema, then moved.
char *DefinitionViewName(Oid internal_schema, Oid target_schema, const char *table_name)
{
    char *name = pstrdup(table_name);
    for (int suffix = 2; OidIsValid(get_relname_relid(name, internal_schema)) ||
                         OidIsValid(get_relname_relid(name, target_schema));
         suffix++)
        name = psprintf("%.*s_%d", NAMEDATALEN - 12, table_name, suffix);
    return name;
}

// A TVIEW's refreshes run inside every write to the tables it reads, as the TVIEW's owner: its
// definition can slow those writes down or make them fail. Like CREATE TRIGGER, creating one
// therefore takes the TRIGGER privilege on each of them (owners have it), not only SELECT.
void RequireTriggerPrivilege(const DefinitionPlan *plan)
{
    ListCell *lc;
    foreach (lc, plan->sources) {
        Oid relid = static_cast<SourcePlan *>(lfirst(lc))->relid;
        if (pg_class_aclcheck(relid, GetUserId(), ACL_TRIGGER) == ACLCHECK_OK) continue;
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                 errmsg("permission denied to create a TVIEW reading table \"%s\"",
                        get_rel_name(relid)),
                 errdetail("A TVIEW is refreshed inside every write to the tables it reads, so "
                           "creating one takes the TRIGGER privilege on them, like CREATE "
                           "TRIGGER."),
                 errhint("The table's owner can run GRANT TRIGGER ON %s TO %s.",
                         quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                                    get_rel_name(relid)),
                         quote_identifier(GetUserNameFromId(GetUserId(), false)))));
    }
}

// Locks out writers of every table the definition reads, in OID order (two creations over the
// same tables cannot deadlock), before the TVIEW is populated: a write that commits before the
// population is in the rows, one that commits after it waits for the creation and then fires
// the capture triggers it created. SHARE ROW EXCLUSIVE is what CREATE TRIGGER takes anyway.
void LockBaseTables(const DefinitionPlan *plan)
{
    List *relids = NIL;
    ListCell *lc;
    foreach (lc, plan->sources)
        relids = list_append_unique_oid(relids, static_cast<SourcePlan *>(lfirst(lc))->relid);
    list_sort(relids, list_oid_cmp);
    foreach (lc, relids) LockRelationOid(lfirst_oid(lc), ShareRowExclusiveLock);
}

// Under REPEATABLE READ and SERIALIZABLE the population reads the transaction's snapshot, which
// was taken before the locks: a write committed in between would be missing from the TVIEW and
// never captured. Nothing tells which tables such a commit wrote, so any commit since the
// snapshot refuses the creation (40001), rather than risking a TVIEW stale from birth.
void RefuseStaleSnapshot(const char *name)
{
    if (!IsolationUsesXactSnapshot()) return;
    Snapshot snapshot = GetTransactionSnapshot();
    bool completed = false;
    LWLockAcquire(ProcArrayLock, LW_SHARED);
    TransactionId latest = XidFromFullTransactionId(ShmemVariableCache->latestCompletedXid);
    LWLockRelease(ProcArrayLock);
    if (TransactionIdFollowsOrEquals(latest, snapshot->xmax)) completed = true;
    for (uint32 i = 0; !completed && i < snapshot->xcnt; i++)
        if (!TransactionIdIsInProgress(snapshot->xip[i])) completed = true;
    if (completed)
        ereport(ERROR,
                (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                 errmsg("could not create TVIEW \"%s\": transactions committed since this "
                        "transaction's snapshot",
                        name),
                 errdetail("The TVIEW would be populated from a snapshot that may lack their "
                           "writes to the tables it reads."),
                 errhint("Retry, or create the TVIEW under READ COMMITTED, where creation waits "
                         "for concurrent writers instead.")));
}

// The analyzer proved the key non-null; uniqueness may still depend on the data.
void CheckKeysUnique(const char *table, const char *key_column)
{
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(
        &sql,
        "SELECT %s::pg_catalog.text FROM %s GROUP BY 1 HAVING pg_catalog.count(*) > 1 LIMIT 1",
        quote_identifier(key_column), table);
    Run(sql.data, SPI_OK_SELECT);
    if (SPI_processed > 0)
        ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                        errmsg("TVIEW key column \"%s\" is not unique", key_column),
                        errdetail("Key %s appears in more than one row.",
                                  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
                        errhint("Each row must have its own key: select one row per entity, or "
                                "GROUP BY the key and aggregate the rest.")));
}

// A TVIEW reading TVIEWs sits one level above the highest of them.
void CheckCascadeDepth(const char *name, const DefinitionPlan *plan)
{
    int level = 0;
    ListCell *lc;
    foreach (lc, plan->sources) {
        TviewEntry *read = RegistryLookup(static_cast<SourcePlan *>(lfirst(lc))->relid);
        if (read != nullptr) level = Max(level, read->level + 1);
    }
    if (level > max_cascade_depth)
        ereport(ERROR,
                (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                 errmsg("TVIEW \"%s\" would be %d levels deep in a chain of TVIEWs", name, level),
                 errdetail("pg_tviews.max_cascade_depth is %d.", max_cascade_depth),
                 errhint("Read base tables instead of TVIEWs, or raise "
                         "pg_tviews.max_cascade_depth.")));
}

Datum TextArray(List *strings)
{
    int n = list_length(strings);
    auto *items = static_cast<Datum *>(palloc(sizeof(Datum) * Max(1, n)));
    for (int i = 0; i < n; i++)
        items[i] = CStringGetTextDatum(static_cast<char *>(list_nth(strings, i)));
    return PointerGetDatum(construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum OidArray(List *oids)
{
    int n = list_length(oids);
    auto *items = static_cast<Datum *>(palloc(sizeof(Datum) * Max(1, n)));
    for (int i = 0; i < n; i++) items[i] = ObjectIdGetDatum(list_nth_oid(oids, i));
    return PointerGetDatum(construct_array(items, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

void RegisterTview(Oid relid, const char *entity, const char *key_column, Oid view_relid,
                   const char *options_json, const DefinitionPlan *plan)
{
    Oid types[6] = {OIDOID, TEXTOID, TEXTOID, OIDOID, TEXTOID, TEXTOID};
    Datum values[6] = {
        ObjectIdGetDatum(relid),           CStringGetTextDatum(entity),
        CStringGetTextDatum(key_column),   ObjectIdGetDatum(view_relid),
        CStringGetTextDatum(options_json), CStringGetTextDatum(DefinitionPlanJson(plan))};
    if (SPI_execute_with_args("INSERT INTO tviews_internal.tview (tview, entity, key_column, "
                              "definition, options, plan)"
                              " VALUES ($1::pg_catalog.regclass, $2, $3, $4::pg_catalog.regclass, "
                              "$5::pg_catalog.jsonb,"
                              " $6::pg_catalog.jsonb)",
                              6, types, values, nullptr, false, 0) != SPI_OK_INSERT)
        elog(ERROR, "could not register TVIEW");
    int path_no = 0;
    ListCell *lc;
    foreach (lc, plan->sources) {
        auto *source = static_cast<SourcePlan *>(lfirst(lc));
        List *hop_relations = NIL, *hop_match = NIL, *hop_output = NIL;
        ListCell *hc;
        foreach (hc, source->hops) {
            auto *hop = static_cast<HopPlan *>(lfirst(hc));
            hop_relations = lappend_oid(hop_relations, hop->relid);
            hop_match = lappend(hop_match, const_cast<char *>(hop->match_column));
            hop_output = lappend(hop_output, const_cast<char *>(hop->output_column));
        }
        const char *mode = source->start_column == nullptr ? "full"
                           : source->hops == NIL           ? "local"
                                                           : "mapped";
        Oid source_types[9] = {OIDOID,      OIDOID,       INT4OID,      TEXTOID,     TEXTOID,
                               OIDARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
        Datum source_values[9] = {
            ObjectIdGetDatum(relid),
            ObjectIdGetDatum(source->relid),
            Int32GetDatum(++path_no),
            CStringGetTextDatum(mode),
            source->start_column == nullptr ? (Datum)0 : CStringGetTextDatum(source->start_column),
            OidArray(hop_relations),
            TextArray(hop_match),
            TextArray(hop_output),
            TextArray(source->columns_read)};
        char nulls[9] = {' ', ' ', ' ', ' ', source->start_column == nullptr ? 'n' : ' ',
                         ' ', ' ', ' ', ' '};
        if (SPI_execute_with_args(
                "INSERT INTO tviews_internal.source (tview, base, path_no, mode, start_column,"
                " hop_relations, hop_match, hop_output, columns_read)"
                " VALUES ($1::pg_catalog.regclass, $2::pg_catalog.regclass, $3, $4, $5,"
                " $6::pg_catalog.regclass[], $7::pg_catalog.name[], $8::pg_catalog.name[],"
                " $9::pg_catalog.name[])",
                9, source_types, source_values, nulls, false, 0) != SPI_OK_INSERT)
            elog(ERROR, "could not register TVIEW source");
    }
}

}  // namespace

Query *AnalyzeDefinitionText(const char *sql)
{
    List *statements = raw_parser(sql, RAW_PARSE_DEFAULT);
    if (list_length(statements) != 1)
        ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR),
                        errmsg("a TVIEW definition must be exactly one SELECT statement")));
    RawStmt *raw = linitial_node(RawStmt, statements);
    if (!IsA(raw->stmt, SelectStmt))
        ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                        errmsg("a TVIEW definition must be a SELECT statement")));
    if (castNode(SelectStmt, raw->stmt)->intoClause != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_SYNTAX_ERROR), errmsg("a TVIEW definition cannot contain INTO"),
                 errhint("The TVIEW's name is the first argument of pg_tviews_create().")));
    return parse_analyze_fixedparams(raw, sql, nullptr, 0, nullptr);
}

CreateResult CreateTview(const CreateRequest &request)
{
    CreateResult result{InvalidOid, 0};
    RangeVar *target = CopyNode(request.target);
    Oid existing;
    Oid namespace_oid = RangeVarGetAndCheckCreationNamespace(target, NoLock, &existing);
    // Checked after the lookup, which also makes a name in pg_temp temporary.
    if (target->relpersistence == RELPERSISTENCE_TEMP || isAnyTempNamespace(namespace_oid))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("TVIEW \"%s\" cannot be temporary", target->relname),
                        errhint("Create it as an ordinary or UNLOGGED table.")));
    if (OidIsValid(existing)) {
        if (request.if_not_exists) {
            ereport(NOTICE, (errcode(ERRCODE_DUPLICATE_TABLE),
                             errmsg("relation \"%s\" already exists, skipping", target->relname)));
            return result;
        }
        ereport(ERROR, (errcode(ERRCODE_DUPLICATE_TABLE),
                        errmsg("relation \"%s\" already exists", target->relname)));
    }
    Oid internal_schema = get_namespace_oid("tviews_internal", false);

    // The entity and key column follow from the table name: tv_post is keyed by pk_post.
    const char *entity = pstrdup(target->relname + core::kTviewPrefix.size());
    const char *key_column = psprintf("%s%s", core::kKeyPrefix.data(), entity);

    Query *query = CopyNode(request.query);
    ApplyColumnNames(query, request.column_names);

    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    AnalyzeOptions options = ParseOptions(request.options_json);
    DefinitionPlan *plan = AnalyzeDefinition(query, key_column, options);
    CheckCascadeDepth(target->relname, plan);

    RequireTriggerPrivilege(plan);
    LockBaseTables(plan);
    RefuseStaleSnapshot(target->relname);

    const char *schema = get_namespace_name(namespace_oid);
    const char *table = quote_qualified_identifier(schema, target->relname);
    char *view_name = DefinitionViewName(internal_schema, namespace_oid, target->relname);

    // The definition view is created by the creator, so that it is theirs and reads the base
    // tables with their rights, in the TVIEW's schema (where CREATE TABLE AS needs them to have
    // CREATE anyway); the extension's owner then moves it into tviews_internal, which nobody
    // else may write. The user's text is never parsed with anyone else's rights.
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql, "CREATE VIEW %s AS %s", quote_qualified_identifier(schema, view_name),
                     QualifiedQueryText(query));
    Run(sql.data, SPI_OK_UTILITY);
    resetStringInfo(&sql);
    appendStringInfo(&sql, "ALTER VIEW %s SET SCHEMA tviews_internal",
                     quote_qualified_identifier(schema, view_name));
    RunAs(ExtensionOwner(), [&sql] { Run(sql.data, SPI_OK_UTILITY); });
    CommandCounterIncrement();
    const char *view = quote_qualified_identifier("tviews_internal", view_name);

    // LIKE copies names, types, typmods and collations from the view.
    resetStringInfo(&sql);
    appendStringInfo(&sql, "CREATE %sTABLE %s (LIKE %s)",
                     target->relpersistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED " : "", table,
                     view);
    if (request.tablespace != nullptr)
        appendStringInfo(&sql, " TABLESPACE %s", quote_identifier(request.tablespace));
    Run(sql.data, SPI_OK_UTILITY);

    // Populated as every later refresh runs (restricted, search_path pinned), though as the
    // creator: a function of the definition that depends on the caller's search_path fails
    // here, at creation, rather than in the first writer's statement.
    resetStringInfo(&sql);
    appendStringInfo(&sql, "INSERT INTO %s SELECT * FROM %s", table, view);
    RunAs(GetUserId(), [&] {
        Run(sql.data, SPI_OK_INSERT);
        result.rows = SPI_processed;
        if (!plan->key_unique) CheckKeysUnique(table, key_column);
    });
    resetStringInfo(&sql);
    appendStringInfo(&sql, "ALTER TABLE %s ADD PRIMARY KEY (%s)", table,
                     quote_identifier(key_column));
    Run(sql.data, SPI_OK_UTILITY);

    result.relid = get_relname_relid(target->relname, namespace_oid);
    Oid view_relid = get_relname_relid(view_name, internal_schema);

    // The catalog and the capture triggers are the extension owner's to write. Registering links
    // the definition view and the extension to the TVIEW (catalog trigger).
    RunAs(ExtensionOwner(), [&] {
        RegisterTview(result.relid, entity, key_column, view_relid, request.options_json, plan);
    });
    ListCell *lc;
    foreach (lc, plan->sources) EnsureCaptureTriggers(static_cast<SourcePlan *>(lfirst(lc))->relid);
    SPI_finish();

    CommandCounterIncrement();
    RegistryInvalidate();
    // Load the new catalog now: anything the registry cannot derive fails the creation, not
    // the first write.
    if (RegistryLookup(result.relid) == nullptr)
        elog(ERROR, "TVIEW \"%s\" is missing from the catalog it was registered in",
             target->relname);
    return result;
}

}  // namespace pg_tviews
