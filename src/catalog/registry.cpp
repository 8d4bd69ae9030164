// Per-backend cache of the extension catalog; see include/pg_tviews/catalog/registry.hpp.
// PostgreSQL idiom throughout (SPI, palloc, ereport): no C++ objects live in these frames.
#include "pg_tviews/catalog/registry.hpp"

#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/equality.hpp"
#include "pg_tviews/core/dependency_graph.hpp"
#include "pg_tviews/core/lineage_sql.hpp"
#include "pg_tviews/core/naming.hpp"
#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/varlena.h"
}

#include <string>

namespace pg_tviews {

namespace {

// A relation whose name generated SQL spells, with the name it was spelled with.
struct NamedRelation {
    Oid relid;
    char *schema;
    char *name;
};

struct Generation {
    MemoryContext context;
    List *tviews;   // TviewEntry *
    List *links;    // SourceLink *
    List *watches;  // HopWatch *
    List *names;    // NamedRelation *
};

Generation *current = nullptr;
bool stale = true;
bool names_dirty = false;  // a relation or schema changed: check the names the SQL spells
List *retired = NIL;       // Generation *, in TopMemoryContext, freed at transaction end
Oid catalog_tview_relid = InvalidOid;
Oid catalog_source_relid = InvalidOid;

void OnRelcacheInvalidation(Datum, Oid relid)
{
    if (relid == InvalidOid || relid == catalog_tview_relid || relid == catalog_source_relid)
        stale = true;
    else
        names_dirty = true;
}

// ALTER SCHEMA ... RENAME changes every name spelled with that schema.
void OnNamespaceInvalidation(Datum, int, uint32)
{
    names_dirty = true;
}

// Remembers that generated SQL of this generation spells relid as schema.name.
void NoteName(Generation *gen, Oid relid, const char *schema, const char *name)
{
    MemoryContext old = MemoryContextSwitchTo(gen->context);
    auto *named = static_cast<NamedRelation *>(palloc(sizeof(NamedRelation)));
    named->relid = relid;
    named->schema = pstrdup(schema);
    named->name = pstrdup(name);
    gen->names = lappend(gen->names, named);
    MemoryContextSwitchTo(old);
}

// True when a relation whose name the generation's SQL spells was renamed, moved or dropped.
bool NamesChanged(Generation *gen)
{
    ListCell *lc;
    foreach (lc, gen->names) {
        auto *named = static_cast<NamedRelation *>(lfirst(lc));
        HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(named->relid));
        if (!HeapTupleIsValid(tuple)) return true;
        auto *form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
        bool same = strcmp(NameStr(form->relname), named->name) == 0;
        Oid namespace_oid = form->relnamespace;
        ReleaseSysCache(tuple);
        if (!same) return true;
        char *schema = get_namespace_name(namespace_oid);
        if (schema == nullptr || strcmp(schema, named->schema) != 0) return true;
    }
    return false;
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
    TypedOperator equality = RequireEquality(entry->key_type, entry->key_type);
    entry->key_equality = ComparisonFor(equality, entry->key_type, entry->key_type);
    entry->key_param_type = equality.right_type;
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
        "       coalesce((t.plan OPERATOR(pg_catalog.->>) 'needs_key_locks')::pg_catalog.bool,"
        "                true),"
        "       coalesce((t.plan OPERATOR(pg_catalog.->>) 'key_unique')::pg_catalog.bool, false),"
        "       t.suspended_at IS NOT NULL"
        "  FROM tviews_internal.tview t"
        "  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tview::pg_catalog.oid"
        "  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
        "  JOIN pg_catalog.pg_class dc"
        "    ON dc.oid OPERATOR(pg_catalog.=) t.definition::pg_catalog.oid"
        "  JOIN pg_catalog.pg_namespace dn ON dn.oid OPERATOR(pg_catalog.=) dc.relnamespace";
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
        entry->key_unique = DatumGetBool(SPI_getbinval(tuple, desc, 11, &isnull));
        entry->suspended = DatumGetBool(SPI_getbinval(tuple, desc, 12, &isnull));
        DescribeDefinition(entry);
        gen->tviews = lappend(gen->tviews, entry);
        MemoryContextSwitchTo(old);
        NoteName(gen, entry->relid, entry->schema_name, entry->table_name);
        NoteName(gen, entry->definition_relid, entry->definition_schema, entry->definition_name);
    }
}

// One hop of a mapping path as the registry reads it from the catalog.
struct HopText {
    char *schema;
    char *table;
    char *match;
    char *output;
    ComparisonText forward;  // match column against the previous value
    ComparisonText reverse;  // output column against the next hop's match column, or a key
};

core::Comparison ToCore(const ComparisonText &text)
{
    return core::Comparison{text.op, text.left_cast == nullptr ? "" : text.left_cast,
                            text.right_cast == nullptr ? "" : text.right_cast};
}

// C++ island: the mapping statement of one path (core/lineage_sql), or its reverse, as
// palloc'd text.
char *MappingText(int nhops, const HopText *hops, const char *type, bool reverse, bool scalar)
{
    return GuardEntry([&]() -> char * {
        core::MappingPath path;
        for (int i = 0; i < nhops; i++)
            path.hops.push_back(core::Hop{hops[i].schema, hops[i].table, hops[i].match,
                                          hops[i].output, ToCore(hops[i].forward),
                                          ToCore(hops[i].reverse)});
        core::Input input = scalar ? core::Input::kScalar : core::Input::kArray;
        std::string sql = reverse ? core::ReverseMappingSql(path, type, input)
                                  : core::MappingSql(path, type, input);
        return PgCall([&] { return pstrdup(sql.c_str()); });
    });
}

char **TextArrayToStrings(Datum array, int *count)
{
    Datum *items;
    bool *nulls;
    deconstruct_array(DatumGetArrayTypeP(array), NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR, &items,
                      &nulls, count);
    auto **strings = static_cast<char **>(palloc(sizeof(char *) * Max(1, *count)));
    for (int i = 0; i < *count; i++) strings[i] = pstrdup(NameStr(*DatumGetName(items[i])));
    return strings;
}

// The type of column `column` of relation `relid`.
Oid ColumnType(Oid relid, const char *column)
{
    AttrNumber attno = get_attnum(relid, column);
    if (attno == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("relation \"%s\" read by a TVIEW has lost column \"%s\"",
                               get_rel_name(relid), column),
                        errhint("Recreate the TVIEW.")));
    return get_atttype(relid, attno);
}

// Fills the start column, its type and the mapping statement of a link.
void DescribePath(Generation *gen, SourceLink *link, const char *start_column, Datum hop_relations,
                  Datum hop_match, Datum hop_output)
{
    link->start_attno = get_attnum(link->base_relid, start_column);
    if (link->start_attno == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("base table of TVIEW \"%s\" has lost column \"%s\"",
                               link->tview->table_name, start_column),
                        errhint("Recreate the TVIEW.")));
    int32 typmod;
    get_atttypetypmodcoll(link->base_relid, link->start_attno, &link->start_type, &typmod,
                          &link->start_collation);
    get_typlenbyvalalign(link->start_type, &link->start_typlen, &link->start_typbyval,
                         &link->start_typalign);

    Datum *relids;
    int nhops;
    deconstruct_array(DatumGetArrayTypeP(hop_relations), OIDOID, sizeof(Oid), true, TYPALIGN_INT,
                      &relids, nullptr, &nhops);
    int nmatch, noutput;
    char **matches = TextArrayToStrings(hop_match, &nmatch);
    char **outputs = TextArrayToStrings(hop_output, &noutput);
    if (nhops == 0) link->tview->local_links = lappend(link->tview->local_links, link);
    // Keys read straight from the changed row need no statement when the types agree.
    if (nhops == 0 && link->start_type == link->tview->key_type) return;
    // Each hop compares its match column with the value carried so far (the start column's,
    // then the previous hop's output); the reverse compares its output column with the next
    // hop's match column, and the last one's with the key.
    auto *hops = static_cast<HopText *>(palloc0(sizeof(HopText) * Max(1, nhops)));
    Oid carried = link->start_type;
    for (int i = 0; i < nhops; i++) {
        Oid relid = DatumGetObjectId(relids[i]);
        hops[i].schema = get_namespace_name(get_rel_namespace(relid));
        hops[i].table = get_rel_name(relid);
        hops[i].match = matches[i];
        hops[i].output = outputs[i];
        NoteName(gen, relid, hops[i].schema, hops[i].table);
        Oid match_type = ColumnType(relid, matches[i]);
        hops[i].forward = ComparisonFor(RequireEquality(match_type, carried), match_type, carried);
        carried = ColumnType(relid, outputs[i]);
    }
    for (int i = 0; i < nhops; i++) {
        Oid output_type = ColumnType(DatumGetObjectId(relids[i]), outputs[i]);
        Oid next = i + 1 < nhops ? ColumnType(DatumGetObjectId(relids[i + 1]), matches[i + 1])
                                 : link->tview->key_type;
        hops[i].reverse = ComparisonFor(RequireEquality(output_type, next), output_type, next);
    }
    const char *key_type = format_type_be_qualified(link->tview->key_type);
    const char *start_type = format_type_be_qualified(link->start_type);
    for (int scalar = 0; scalar < 2; scalar++)
        link->mapping_sql[scalar] = MappingText(nhops, hops, key_type, false, scalar);
    // Hop i's match values lead back to start values through hops 0 .. i-1.
    for (int i = 0; i < nhops; i++) {
        auto *watch = static_cast<HopWatch *>(palloc0(sizeof(HopWatch)));
        watch->link = link;
        watch->relid = DatumGetObjectId(relids[i]);
        watch->match_attno = get_attnum(watch->relid, matches[i]);
        watch->match_type = ColumnType(watch->relid, matches[i]);
        get_typlenbyvalalign(watch->match_type, &watch->match_typlen, &watch->match_typbyval,
                             &watch->match_typalign);
        if (i > 0 || watch->match_type != link->start_type)
            for (int scalar = 0; scalar < 2; scalar++)
                watch->to_start_sql[scalar] = MappingText(i, hops, start_type, true, scalar);
        gen->watches = lappend(gen->watches, watch);
    }
}

void LoadLinks(Generation *gen)
{
    const char *sql =
        "SELECT s.tview::oid, s.base::oid, s.start_column, s.hop_relations::oid[], s.hop_match,"
        "       s.hop_output, s.columns_read, s.path_no"
        "  FROM tviews_internal.source s ORDER BY s.tview, s.base, s.path_no";
    if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the pg_tviews catalog");
    SPITupleTable *rows = SPI_tuptable;
    uint64 count = SPI_processed;
    MemoryContext old = MemoryContextSwitchTo(gen->context);
    for (uint64 i = 0; i < count; i++) {
        HeapTuple tuple = rows->vals[i];
        TupleDesc desc = rows->tupdesc;
        bool isnull;
        auto *link = static_cast<SourceLink *>(palloc0(sizeof(SourceLink)));
        link->tview = FindIn(gen, DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull)));
        link->base_relid = DatumGetObjectId(SPI_getbinval(tuple, desc, 2, &isnull));
        if (link->tview == nullptr) continue;
        link->path_no = DatumGetInt32(SPI_getbinval(tuple, desc, 8, &isnull));
        char *start_column = SPI_getvalue(tuple, desc, 3);
        link->full = start_column == nullptr;
        if (!link->full)
            DescribePath(gen, link, start_column, SPI_getbinval(tuple, desc, 4, &isnull),
                         SPI_getbinval(tuple, desc, 5, &isnull),
                         SPI_getbinval(tuple, desc, 6, &isnull));
        int ncolumns;
        char **columns = TextArrayToStrings(SPI_getbinval(tuple, desc, 7, &isnull), &ncolumns);
        for (int c = 0; c < ncolumns; c++) {
            AttrNumber attno = get_attnum(link->base_relid, columns[c]);
            if (attno != InvalidAttrNumber)
                link->columns_read =
                    bms_add_member(link->columns_read, attno - FirstLowInvalidHeapAttributeNumber);
        }
        gen->links = lappend(gen->links, link);
    }
    MemoryContextSwitchTo(old);
}

// C++ island: cascade levels from the TVIEW graph (core/dependency_graph). False on a cycle.
bool ComputeLevels(int nedges, const Oid *sources, const Oid *readers, int ntviews,
                   const Oid *tviews, int *levels)
{
    return GuardEntry([&]() -> bool {
        core::DependencyGraph graph;
        for (int i = 0; i < nedges; i++) graph.AddEdge(sources[i], readers[i]);
        auto computed = graph.Levels();
        if (!computed) return false;
        for (int i = 0; i < ntviews; i++) {
            auto it = computed->find(tviews[i]);
            levels[i] = it == computed->end() ? 0 : it->second;
        }
        return true;
    });
}

void AssignLevels(Generation *gen)
{
    int ntviews = list_length(gen->tviews);
    int nlinks = list_length(gen->links);
    auto *tviews = static_cast<Oid *>(palloc(sizeof(Oid) * Max(1, ntviews)));
    auto *levels = static_cast<int *>(palloc(sizeof(int) * Max(1, ntviews)));
    auto *sources = static_cast<Oid *>(palloc(sizeof(Oid) * Max(1, nlinks)));
    auto *readers = static_cast<Oid *>(palloc(sizeof(Oid) * Max(1, nlinks)));
    for (int i = 0; i < ntviews; i++)
        tviews[i] = static_cast<TviewEntry *>(list_nth(gen->tviews, i))->relid;
    int nedges = 0;
    ListCell *lc;
    foreach (lc, gen->links) {
        auto *link = static_cast<SourceLink *>(lfirst(lc));
        if (FindIn(gen, link->base_relid) == nullptr) continue;  // a base table, not a TVIEW
        sources[nedges] = link->base_relid;
        readers[nedges++] = link->tview->relid;
    }
    if (!ComputeLevels(nedges, sources, readers, ntviews, tviews, levels))
        ereport(ERROR, (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                        errmsg("TVIEWs read each other in a cycle"),
                        errhint("Drop one of the TVIEWs in the cycle.")));
    for (int i = 0; i < ntviews; i++)
        static_cast<TviewEntry *>(list_nth(gen->tviews, i))->level = levels[i];
}

// Reads the catalog into a new generation, as the extension's owner under a fresh snapshot.
void Load(Generation *gen)
{
    PushActiveSnapshot(GetLatestSnapshot());
    RunAs(ExtensionOwner(), [gen] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        LoadTviews(gen);
        LoadLinks(gen);
        AssignLevels(gen);
        SPI_finish();
    });
    PopActiveSnapshot();
}

Generation *Current()
{
    if (!stale && current != nullptr && names_dirty) {
        names_dirty = false;
        if (NamesChanged(current)) stale = true;
    }
    if (!stale && current != nullptr) return current;

    // Clear the flags first: an invalidation arriving while we load marks the new cache stale.
    stale = false;
    names_dirty = false;
    catalog_tview_relid = get_relname_relid("tview", get_namespace_oid("tviews_internal", true));
    catalog_source_relid = get_relname_relid("source", get_namespace_oid("tviews_internal", true));

    MemoryContext context =
        AllocSetContextCreate(TopMemoryContext, "pg_tviews registry", ALLOCSET_SMALL_SIZES);
    auto *gen = static_cast<Generation *>(MemoryContextAllocZero(context, sizeof(Generation)));
    gen->context = context;
    if (OidIsValid(catalog_tview_relid)) {
        PG_TRY();
        {
            Load(gen);
        }
        PG_CATCH();
        {
            stale = true;
            MemoryContextDelete(context);
            PG_RE_THROW();
        }
        PG_END_TRY();
    }
    if (current != nullptr) Retire(current);
    current = gen;
    return current;
}

// Runs one catalog query with a regclass-like first argument as the extension's owner; returns
// the first column of the first row as a palloc'd string in the caller's context, or nullptr.
char *CatalogLookup(const char *sql, int nargs, Oid *types, Datum *values)
{
    char *result = nullptr;
    MemoryContext caller = CurrentMemoryContext;
    RunAs(ExtensionOwner(), [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute_with_args(sql, nargs, types, values, nullptr, true, 1) != SPI_OK_SELECT)
            elog(ERROR, "could not read the pg_tviews catalog");
        if (SPI_processed > 0) {
            char *value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
            if (value != nullptr) result = MemoryContextStrdup(caller, value);
        }
        SPI_finish();
    });
    return result;
}

}  // namespace

void RegistryInit()
{
    CacheRegisterRelcacheCallback(OnRelcacheInvalidation, (Datum)0);
    CacheRegisterSyscacheCallback(NAMESPACEOID, OnNamespaceInvalidation, (Datum)0);
}

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

TviewEntry *RegistryLookup(Oid relid)
{
    return FindIn(Current(), relid);
}

List *RegistryWatchesOn(Oid relid)
{
    Generation *gen = Current();
    List *result = NIL;
    ListCell *lc;
    foreach (lc, gen->watches) {
        auto *watch = static_cast<HopWatch *>(lfirst(lc));
        if (watch->relid == relid) result = lappend(result, watch);
    }
    return result;
}

List *RegistryTviews()
{
    return list_copy(Current()->tviews);
}

List *RegistryAllLinks()
{
    return list_copy(Current()->links);
}

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
        ereport(
            ERROR,
            (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("TVIEW \"%s\" does not exist", name),
             errhint("The TVIEWs of this database are listed by SELECT tview FROM pg_tviews.")));
    return entry;
}

char *TviewReadingView(Oid view_relid)
{
    if (!OidIsValid(get_namespace_oid("tviews_internal", true))) return nullptr;
    // Walk view-on-view dependencies upwards (a view's rewrite rule depends on what it reads)
    // until a TVIEW definition view is reached.
    const char *sql =
        "WITH RECURSIVE readers(relid) AS ("
        "  SELECT $1"
        "  UNION"
        "  SELECT r.ev_class FROM pg_catalog.pg_depend d"
        "    JOIN pg_catalog.pg_rewrite r ON r.oid OPERATOR(pg_catalog.=) d.objid"
        "    JOIN readers ON d.refobjid OPERATOR(pg_catalog.=) readers.relid"
        "   WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        "     AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
        "     AND r.ev_class OPERATOR(pg_catalog.<>) readers.relid)"
        " SELECT c.relname FROM tviews_internal.tview t"
        "   JOIN readers ON readers.relid OPERATOR(pg_catalog.=) t.definition::pg_catalog.oid"
        "   JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tview::pg_catalog.oid"
        "  ORDER BY 1 LIMIT 1";
    Oid types[1] = {OIDOID};
    Datum values[1] = {ObjectIdGetDatum(view_relid)};
    return CatalogLookup(sql, 1, types, values);
}

char *TviewUsingColumn(Oid relid, const char *column)
{
    if (!OidIsValid(get_namespace_oid("tviews_internal", true))) return nullptr;
    const char *sql =
        "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) ANY ("
        "SELECT s.tview::pg_catalog.oid FROM tviews_internal.source s"
        " WHERE (s.base::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
        "        AND ($2 OPERATOR(pg_catalog.=) ANY (s.columns_read)"
        "             OR s.start_column OPERATOR(pg_catalog.=) $2))"
        "    OR EXISTS (SELECT 1 FROM ROWS FROM (pg_catalog.unnest(s.hop_relations),"
        "                 pg_catalog.unnest(s.hop_match), pg_catalog.unnest(s.hop_output))"
        "                 AS h(relation, match, output)"
        "                WHERE h.relation::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
        "                  AND ($2 OPERATOR(pg_catalog.=) h.match"
        "                       OR $2 OPERATOR(pg_catalog.=) h.output))"
        " UNION SELECT t.tview::pg_catalog.oid FROM tviews_internal.tview t"
        "  WHERE t.tview::pg_catalog.oid OPERATOR(pg_catalog.=) $1)"
        " ORDER BY 1 LIMIT 1";
    Oid types[2] = {OIDOID, NAMEOID};
    Datum values[2] = {ObjectIdGetDatum(relid),
                       DirectFunctionCall1(namein, CStringGetDatum(column))};
    return CatalogLookup(sql, 2, types, values);
}

void RegistryInvalidate()
{
    stale = true;
}

void RegistryAtTransactionEnd()
{
    ListCell *lc;
    foreach (lc, retired) {
        auto *gen = static_cast<Generation *>(lfirst(lc));
        ListCell *tc;
        foreach (tc, gen->tviews) {
            auto *entry = static_cast<TviewEntry *>(lfirst(tc));
            if (entry->keyed_plan != nullptr) SPI_freeplan(entry->keyed_plan);
            if (entry->single_plan != nullptr) SPI_freeplan(entry->single_plan);
            if (entry->full_plan != nullptr) SPI_freeplan(entry->full_plan);
        }
        foreach (tc, gen->links) {
            auto *link = static_cast<SourceLink *>(lfirst(tc));
            for (int input = 0; input < 2; input++)
                if (link->mapping_plan[input] != nullptr) SPI_freeplan(link->mapping_plan[input]);
        }
        foreach (tc, gen->watches) {
            auto *watch = static_cast<HopWatch *>(lfirst(tc));
            for (int input = 0; input < 2; input++)
                if (watch->to_start_plan[input] != nullptr)
                    SPI_freeplan(watch->to_start_plan[input]);
        }
        MemoryContextDelete(gen->context);
    }
    list_free(retired);
    retired = NIL;
}

}  // namespace pg_tviews
