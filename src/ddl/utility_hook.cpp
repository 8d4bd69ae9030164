// The ProcessUtility hook; see include/pg_tviews/ddl/utility_hook.hpp.
#include "pg_tviews/ddl/utility_hook.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/core/naming.hpp"
#include "pg_tviews/ddl/create.hpp"
#include "pg_tviews/queue/backlog.hpp"
#include "pg_tviews/queue/pending.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/conflict_table.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace pg_tviews {

namespace {

ProcessUtility_hook_type previous_utility = nullptr;

bool ExtensionInstalled()
{
    return OidIsValid(get_extension_oid("pg_tviews", true));
}

// CREATE TABLE tv_x AS ... and SELECT ... INTO tv_x (which the analyzer turned into the same
// node), when the extension exists in this database.
CreateTableAsStmt *TviewCreateTableAs(Node *statement)
{
    if (!IsA(statement, CreateTableAsStmt)) return nullptr;
    auto *ctas = castNode(CreateTableAsStmt, statement);
    if (ctas->objtype != OBJECT_TABLE || !core::IsTviewTableName(ctas->into->rel->relname))
        return nullptr;
    return ExtensionInstalled() ? ctas : nullptr;
}

void CreateFromCreateTableAs(CreateTableAsStmt *ctas, QueryCompletion *qc)
{
    IntoClause *into = ctas->into;
    if (into->skipData)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("TVIEW \"%s\" cannot be created WITH NO DATA", into->rel->relname),
                        errdetail("A TVIEW always equals its definition."),
                        errhint("Remove WITH NO DATA, or name the table without the tv_ prefix.")));
    if (into->options != NIL)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("TVIEW \"%s\" cannot be created with storage parameters",
                               into->rel->relname),
                        errhint("Create the TVIEW first, then ALTER TABLE ... SET (...).")));
    if (into->accessMethod != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("TVIEW \"%s\" cannot be created with an access method", into->rel->relname),
                 errhint("Remove the USING clause.")));
    if (!IsA(ctas->query, Query))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("TVIEW \"%s\" cannot be created from EXECUTE", into->rel->relname),
                        errhint("Write the SELECT itself after AS.")));
    CreateRequest request{};
    request.target = into->rel;
    request.query = castNode(Query, ctas->query);
    request.column_names = into->colNames;
    request.if_not_exists = ctas->if_not_exists;
    request.tablespace = into->tableSpaceName;
    request.options_json = "{}";
    CreateResult result = CreateTview(request);
    if (qc != nullptr) SetQueryCompletion(qc, CMDTAG_SELECT, result.rows);
}

// EXPLAIN ANALYZE would run the CTAS itself, bypassing the hook, and create a plain table.
void RefuseExplainAnalyzeOfTview(Node *statement)
{
    if (!IsA(statement, ExplainStmt)) return;
    auto *explain = castNode(ExplainStmt, statement);
    if (!IsA(explain->query, Query)) return;
    auto *query = castNode(Query, explain->query);
    if (query->commandType != CMD_UTILITY || query->utilityStmt == nullptr) return;
    if (TviewCreateTableAs(query->utilityStmt) == nullptr) return;
    ListCell *lc;
    foreach (lc, explain->options) {
        auto *option = static_cast<DefElem *>(lfirst(lc));
        if (strcmp(option->defname, "analyze") == 0 && defGetBoolean(option))
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("EXPLAIN ANALYZE cannot create a TVIEW"),
                            errhint("Run CREATE TABLE ... AS without EXPLAIN.")));
    }
}

// CREATE OR REPLACE VIEW would change a TVIEW definition behind the lineage derived from it.
void RefuseReplacingViewReadByTview(Node *statement)
{
    if (!IsA(statement, ViewStmt) || !castNode(ViewStmt, statement)->replace) return;
    auto *view = castNode(ViewStmt, statement);
    Oid relid = RangeVarGetRelid(view->view, NoLock, true);
    if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_VIEW || !ExtensionInstalled())
        return;
    char *tview = TviewReadingView(relid);
    if (tview != nullptr)
        ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                        errmsg("cannot replace view \"%s\" because TVIEW \"%s\" reads it",
                               view->view->relname, tview),
                        errdetail("The TVIEW's lineage was derived from the view's current "
                                  "definition."),
                        errhint("Drop the TVIEW, replace the view, then create the TVIEW again.")));
}

// The catalog names the columns lineage reads; renaming one would detach it from its TVIEWs.
void RefuseRenamingColumnsTviewsUse(Node *statement)
{
    if (!IsA(statement, RenameStmt)) return;
    auto *rename = castNode(RenameStmt, statement);
    if (rename->renameType != OBJECT_COLUMN || rename->relation == nullptr) return;
    Oid relid = RangeVarGetRelid(rename->relation, NoLock, true);
    if (!OidIsValid(relid) || !ExtensionInstalled()) return;
    char *tview = TviewUsingColumn(relid, rename->subname);
    if (tview != nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                 errmsg("cannot rename column \"%s\" of \"%s\" because TVIEW \"%s\" uses it",
                        rename->subname, rename->relation->relname, tview),
                 errdetail("The TVIEW's lineage names the columns it reads."),
                 errhint("Drop the TVIEW, rename the column, then create the TVIEW again.")));
}

// The table whose triggers an ALTER TABLE or DROP TRIGGER changes, or InvalidOid.
Oid TableWhoseTriggersChange(Node *statement)
{
    RangeVar *table = nullptr;
    if (IsA(statement, AlterTableStmt)) {
        auto *alter = castNode(AlterTableStmt, statement);
        ListCell *lc;
        foreach (lc, alter->cmds) {
            switch (castNode(AlterTableCmd, lfirst(lc))->subtype) {
                case AT_DisableTrig:
                case AT_DisableTrigAll:
                case AT_DisableTrigUser:
                case AT_EnableReplicaTrig:
                    table = alter->relation;
                    break;
                default:
                    break;
            }
        }
    } else if (IsA(statement, DropStmt) &&
               castNode(DropStmt, statement)->removeType == OBJECT_TRIGGER) {
        ListCell *lc;
        foreach (lc, castNode(DropStmt, statement)->objects) {
            List *names = list_copy(castNode(List, lfirst(lc)));
            table = makeRangeVarFromNameList(list_truncate(names, list_length(names) - 1));
        }
    }
    if (table == nullptr) return InvalidOid;
    return RangeVarGetRelid(table, NoLock, true);
}

// Writes a table makes while its capture triggers are disabled or gone reach no TVIEW: the TVIEWs
// reading it are marked stale (until a full refresh) the moment that happens, not when noticed.
void NoteCaptureGaps(Node *statement)
{
    Oid relid = TableWhoseTriggersChange(statement);
    if (!OidIsValid(relid) || !ExtensionInstalled()) return;
    List *links = RegistryLinksForBase(relid);
    if (links != NIL) BacklogNoteCaptureGap(relid);
    list_free(links);
}

// DROP TABLE of TVIEWs waits for the writers of the tables they read first. A writer locks its
// base table, then (refreshing at statement end) the TVIEW; a drop that locked the TVIEW first
// would make that writer fail on the vanished TVIEW, or deadlock with a drop that also
// re-creates it. Waiting for base tables first gives drops the writers' order; writers that
// come later find the TVIEW gone and skip it.
void LockWritersOfDroppedTviews(Node *statement)
{
    if (!IsA(statement, DropStmt)) return;
    auto *drop = castNode(DropStmt, statement);
    if (drop->removeType != OBJECT_TABLE || !ExtensionInstalled()) return;
    List *bases = NIL;
    ListCell *lc;
    foreach (lc, drop->objects) {
        RangeVar *rv = makeRangeVarFromNameList(castNode(List, lfirst(lc)));
        Oid relid = RangeVarGetRelid(rv, NoLock, true);
        // Only for a drop that will pass its ownership check: nobody else holds writers up.
        if (!OidIsValid(relid) || RegistryLookup(relid) == nullptr ||
            !pg_class_ownercheck(relid, GetUserId()))
            continue;
        List *links = RegistryAllLinks();
        ListCell *kc;
        foreach (kc, links) {
            auto *link = static_cast<SourceLink *>(lfirst(kc));
            if (link->tview->relid == relid)
                bases = list_append_unique_oid(bases, link->base_relid);
        }
        list_free(links);
    }
    list_sort(bases, list_oid_cmp);
    foreach (lc, bases) LockRelationOid(lfirst_oid(lc), ShareRowExclusiveLock);
    list_free(bases);
}

// The TVIEW an ALTER TABLE ... OWNER TO gave a new owner, or InvalidOid.
Oid TviewGivenNewOwner(Node *statement)
{
    if (!IsA(statement, AlterTableStmt)) return InvalidOid;
    auto *alter = castNode(AlterTableStmt, statement);
    ListCell *lc;
    foreach (lc, alter->cmds)
        if (castNode(AlterTableCmd, lfirst(lc))->subtype == AT_ChangeOwner) {
            Oid relid = RangeVarGetRelid(alter->relation, NoLock, true);
            return OidIsValid(relid) && RegistryLookup(relid) != nullptr ? relid : InvalidOid;
        }
    return InvalidOid;
}

// A TVIEW's definition view belongs to the TVIEW's owner: refreshes run as that owner and read
// the definition with the view owner's rights. ALTER TABLE tv_x OWNER TO r moves the view along
// (REASSIGN OWNED moves both by itself).
void SyncDefinitionOwner(Oid tview_relid)
{
    TviewEntry *tview = RegistryLookup(tview_relid);
    if (tview == nullptr) return;
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(tview_relid));
    if (!HeapTupleIsValid(tuple)) return;
    Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
    ReleaseSysCache(tuple);
    char *sql =
        psprintf("ALTER VIEW %s OWNER TO %s",
                 quote_qualified_identifier(tview->definition_schema, tview->definition_name),
                 quote_identifier(GetUserNameFromId(owner, false)));
    RunAs(ExtensionOwner(), [sql] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
            elog(ERROR, "could not change the owner of a TVIEW definition");
        SPI_finish();
    });
    RegistryInvalidate();
}

void OnProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                      ProcessUtilityContext context, ParamListInfo params,
                      QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc)
{
    GuardEntry([&] {
        Node *statement = pstmt->utilityStmt;
        if (CreateTableAsStmt *ctas = TviewCreateTableAs(statement)) {
            CreateFromCreateTableAs(ctas, qc);
            return;
        }
        // A transaction prepared before a restart must be in the conflict table before it commits.
        if (IsA(statement, TransactionStmt) &&
            castNode(TransactionStmt, statement)->kind == TRANS_STMT_COMMIT_PREPARED)
            ConflictTableRecoverPrepared();
        RefuseExplainAnalyzeOfTview(statement);
        LockWritersOfDroppedTviews(statement);
        RefuseReplacingViewReadByTview(statement);
        RefuseRenamingColumnsTviewsUse(statement);
        if (previous_utility != nullptr)
            previous_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest,
                             qc);
        else
            standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env,
                                    dest, qc);
        NoteCaptureGaps(statement);
        if (ExtensionInstalled()) {
            Oid reowned = TviewGivenNewOwner(statement);
            if (OidIsValid(reowned)) {
                CommandCounterIncrement();
                SyncDefinitionOwner(reowned);
            }
        }
        // COPY and TRUNCATE fire capture triggers without going through ExecutorFinish.
        if (!QueueIsEmptyHere()) FlushQueue();
    });
}

}  // namespace

void InstallUtilityHook()
{
    previous_utility = ProcessUtility_hook;
    ProcessUtility_hook = OnProcessUtility;
}

}  // namespace pg_tviews
