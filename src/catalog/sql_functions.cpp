// SQL entry points over the catalog: name resolution and cache invalidation.
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"

extern "C" {
#include "commands/trigger.h"
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

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_resolve, pg_tviews::Resolve)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_catalog_changed, pg_tviews::CatalogChanged)
