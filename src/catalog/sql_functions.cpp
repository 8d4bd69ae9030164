// SQL entry points over the catalog: name resolution and cache invalidation.
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
}

namespace pg_tviews {

namespace {

Datum Resolve(FunctionCallInfo fcinfo)
{
    TviewEntry *tview = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    PG_RETURN_OID(tview->relid);
}

// Statement trigger on the catalog tables: every backend rebuilds its cache after this
// transaction commits (and this backend at its next command).
Datum CatalogChanged(FunctionCallInfo fcinfo)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("pg_tviews_catalog_changed() must be called as a trigger")));
    auto *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
    CacheInvalidateRelcacheByRelid(RelationGetRelid(trigger->tg_relation));
    RegistryInvalidate();
    return PointerGetDatum(nullptr);
}

bool DependencyExists(Oid dependent, Oid referenced_class, Oid referenced, char type)
{
    Oid types[4] = {OIDOID, OIDOID, OIDOID, CHAROID};
    Datum values[4] = {ObjectIdGetDatum(dependent), ObjectIdGetDatum(referenced_class),
                       ObjectIdGetDatum(referenced), CharGetDatum(type)};
    if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_depend"
                              " WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
                              "   AND objid = $1 AND refclassid = $2 AND refobjid = $3"
                              "   AND deptype = $4",
                              4, types, values, nullptr, true, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read pg_depend");
    return SPI_processed > 0;
}

// Row trigger on tviews_internal.tview: every registered TVIEW is linked to its definition view
// (internal: dropping a base table drops, or is refused because of, the TVIEW itself) and to the
// extension. pg_dump does not carry these links, so they are recorded whenever a catalog row
// appears: at creation, and when pg_restore loads the catalog.
Datum CatalogLinked(FunctionCallInfo fcinfo)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("pg_tviews_catalog_linked() must be called as a trigger")));
    auto *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
    TupleDesc desc = RelationGetDescr(trigger->tg_relation);
    bool isnull;
    Oid tview = DatumGetObjectId(
        heap_getattr(trigger->tg_trigtuple, SPI_fnumber(desc, "tview"), desc, &isnull));
    Oid definition = DatumGetObjectId(
        heap_getattr(trigger->tg_trigtuple, SPI_fnumber(desc, "definition"), desc, &isnull));
    Oid extension = get_extension_oid("pg_tviews", false);

    ObjectAddress tview_address, view_address, extension_address;
    ObjectAddressSet(tview_address, RelationRelationId, tview);
    ObjectAddressSet(view_address, RelationRelationId, definition);
    ObjectAddressSet(extension_address, ExtensionRelationId, extension);
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    if (!DependencyExists(definition, RelationRelationId, tview, DEPENDENCY_INTERNAL))
        recordDependencyOn(&view_address, &tview_address, DEPENDENCY_INTERNAL);
    if (!DependencyExists(tview, ExtensionRelationId, extension, DEPENDENCY_NORMAL))
        recordDependencyOn(&tview_address, &extension_address, DEPENDENCY_NORMAL);
    SPI_finish();
    return PointerGetDatum(trigger->tg_trigtuple);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_catalog_linked, pg_tviews::CatalogLinked)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_resolve, pg_tviews::Resolve)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_catalog_changed, pg_tviews::CatalogChanged)
