// Per-backend cache of the extension catalog; see include/pg_tviews/catalog/registry.hpp.
// PostgreSQL idiom throughout (SPI, palloc, ereport): no C++ objects live in these frames.
#include "pg_tviews/catalog/registry.hpp"

#include "pg_tviews/core/naming.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/varlena.h"
}

namespace pg_tviews {

namespace {

struct Generation {
    MemoryContext context;
    List *tviews;  // TviewEntry *
    List *links;   // SourceLink *
};

Generation *current = nullptr;
bool stale = true;
List *retired = NIL;  // Generation *, in TopMemoryContext, freed at transaction end
Oid catalog_tview_relid = InvalidOid;
Oid catalog_source_relid = InvalidOid;

void OnRelcacheInvalidation(Datum, Oid relid)
{
    if (relid == InvalidOid || relid == catalog_tview_relid || relid == catalog_source_relid)
        stale = true;
}

void Retire(Generation *gen)
{
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    retired = lappend(retired, gen);
    MemoryContextSwitchTo(old);
}

char *CopyText(HeapTuple tuple, TupleDesc desc, int column)
{
    char *value = SPI_getvalue(tuple, desc, column);
    return value == nullptr ? nullptr : pstrdup(value);
}

// Fills the column list and key type of an entry from its definition view.
void DescribeDefinition(TviewEntry *entry)
{
    Relation view = relation_open(entry->definition_relid, AccessShareLock);
    TupleDesc desc = RelationGetDescr(view);
    entry->columns = NIL;
    entry->key_type = InvalidOid;
    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (att->attisdropped) continue;
        entry->columns = lappend(entry->columns, pstrdup(NameStr(att->attname)));
        if (strcmp(NameStr(att->attname), entry->key_column) == 0) {
            entry->key_type = att->atttypid;
            entry->key_collation = att->attcollation;
        }
    }
    relation_close(view, AccessShareLock);
    if (!OidIsValid(entry->key_type))
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("TVIEW \"%s\" has lost its key column \"%s\"", entry->table_name,
                               entry->key_column),
                        errhint("Recreate the TVIEW.")));
    get_typlenbyvalalign(entry->key_type, &entry->key_typlen, &entry->key_typbyval,
                         &entry->key_typalign);
}

TviewEntry *FindIn(Generation *gen, Oid relid)
{
    ListCell *lc;
    foreach (lc, gen->tviews) {
        auto *entry = static_cast<TviewEntry *>(lfirst(lc));
        if (entry->relid == relid) return entry;
    }
    return nullptr;
}

void LoadTviews(Generation *gen)
{
    const char *sql =
        "SELECT t.tview::oid, n.nspname, c.relname, t.entity, t.definition::oid, dn.nspname,"
        "       dc.relname, t.key_column, c.relowner,"
        "       coalesce((t.plan->>'needs_key_locks')::bool, true)"
        "  FROM tviews_internal.tview t"
        "  JOIN pg_catalog.pg_class c ON c.oid = t.tview"
        "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        "  JOIN pg_catalog.pg_class dc ON dc.oid = t.definition"
        "  JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace";
    if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the pg_tviews catalog");
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple tuple = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        MemoryContext old = MemoryContextSwitchTo(gen->context);
        auto *entry = static_cast<TviewEntry *>(palloc0(sizeof(TviewEntry)));
        entry->relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
        entry->schema_name = CopyText(tuple, desc, 2);
        entry->table_name = CopyText(tuple, desc, 3);
        entry->entity = CopyText(tuple, desc, 4);
        entry->definition_relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 5, &isnull));
        entry->definition_schema = CopyText(tuple, desc, 6);
        entry->definition_name = CopyText(tuple, desc, 7);
        entry->key_column = CopyText(tuple, desc, 8);
        entry->owner = DatumGetObjectId(SPI_getbinval(tuple, desc, 9, &isnull));
        entry->needs_key_locks = DatumGetBool(SPI_getbinval(tuple, desc, 10, &isnull));
        DescribeDefinition(entry);
        gen->tviews = lappend(gen->tviews, entry);
        MemoryContextSwitchTo(old);
    }
}

void LoadLinks(Generation *gen)
{
    const char *sql =
        "SELECT s.tview::oid, s.base::oid, s.key_source_column, s.columns_read"
        "  FROM tviews_internal.source s";
    if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the pg_tviews catalog");
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple tuple = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        Oid tview_relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
        Oid base_relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 2, &isnull));
        char *key_source = SPI_getvalue(tuple, desc, 3);
        Datum columns = SPI_getbinval(tuple, desc, 4, &isnull);

        MemoryContext old = MemoryContextSwitchTo(gen->context);
        auto *link = static_cast<SourceLink *>(palloc0(sizeof(SourceLink)));
        link->tview = FindIn(gen, tview_relid);
        link->base_relid = base_relid;
        link->key_attno = key_source == nullptr ? InvalidAttrNumber
                                                : get_attnum(base_relid, key_source);
        Datum *names;
        int count;
        deconstruct_array(DatumGetArrayTypeP(columns), NAMEOID, NAMEDATALEN, false,
                          TYPALIGN_CHAR, &names, nullptr, &count);
        for (int c = 0; c < count; c++) {
            AttrNumber attno = get_attnum(base_relid, NameStr(*DatumGetName(names[c])));
            if (attno != InvalidAttrNumber)
                link->columns_read = bms_add_member(
                    link->columns_read, attno - FirstLowInvalidHeapAttributeNumber);
        }
        MemoryContextSwitchTo(old);
        if (link->tview == nullptr) continue;
        if (key_source != nullptr && link->key_attno == InvalidAttrNumber)
            ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                            errmsg("base table of TVIEW \"%s\" has lost column \"%s\"",
                                   link->tview->table_name, key_source),
                            errhint("Recreate the TVIEW.")));
        MemoryContextSwitchTo(gen->context);
        gen->links = lappend(gen->links, link);
        MemoryContextSwitchTo(old);
    }
}

Generation *Current()
{
    if (!stale && current != nullptr) return current;

    // Clear the flag first: an invalidation arriving while we load marks the new cache stale.
    stale = false;
    catalog_tview_relid = get_relname_relid("tview", get_namespace_oid("tviews_internal", true));
    catalog_source_relid = get_relname_relid("source", get_namespace_oid("tviews_internal", true));

    MemoryContext context =
        AllocSetContextCreate(TopMemoryContext, "pg_tviews registry", ALLOCSET_SMALL_SIZES);
    auto *gen = static_cast<Generation *>(MemoryContextAllocZero(context, sizeof(Generation)));
    gen->context = context;
    if (OidIsValid(catalog_tview_relid)) {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        PG_TRY();
        {
            LoadTviews(gen);
            LoadLinks(gen);
        }
        PG_CATCH();
        {
            stale = true;
            MemoryContextDelete(context);
            PG_RE_THROW();
        }
        PG_END_TRY();
        SPI_finish();
    }
    if (current != nullptr) Retire(current);
    current = gen;
    return current;
}

}  // namespace

void RegistryInit() { CacheRegisterRelcacheCallback(OnRelcacheInvalidation, (Datum) 0); }

List *RegistryLinksForBase(Oid base_relid)
{
    Generation *gen = Current();
    List *result = NIL;
    ListCell *lc;
    foreach (lc, gen->links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (link->base_relid == base_relid) result = lappend(result, link);
    }
    return result;
}

TviewEntry *RegistryLookup(Oid relid) { return FindIn(Current(), relid); }

TviewEntry *RegistryResolve(const char *name)
{
    RangeVar *rv = makeRangeVarFromNameList(stringToQualifiedNameList(name));
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    TviewEntry *entry = OidIsValid(relid) ? RegistryLookup(relid) : nullptr;
    if (entry == nullptr && !core::IsTviewTableName(rv->relname)) {
        rv->relname = psprintf("%s%s", core::kTviewPrefix.data(), rv->relname);
        relid = RangeVarGetRelid(rv, NoLock, true);
        entry = OidIsValid(relid) ? RegistryLookup(relid) : nullptr;
    }
    if (entry == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("TVIEW \"%s\" does not exist", name),
                        errhint("The TVIEWs of this database are listed by SELECT tview FROM pg_tviews.")));
    return entry;
}

void RegistryInvalidate() { stale = true; }

void RegistryAtTransactionEnd()
{
    ListCell *lc;
    foreach (lc, retired) {
        auto *gen = static_cast<Generation *>(lfirst(lc));
        ListCell *tc;
        foreach (tc, gen->tviews) {
            auto *entry = static_cast<TviewEntry *>(lfirst(tc));
            if (entry->keyed_plan != nullptr) SPI_freeplan(entry->keyed_plan);
            if (entry->full_plan != nullptr) SPI_freeplan(entry->full_plan);
        }
        MemoryContextDelete(gen->context);
    }
    list_free(retired);
    retired = NIL;
}

}  // namespace pg_tviews
