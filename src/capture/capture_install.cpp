// Creation of the shared capture triggers on a base table.
#include "pg_tviews/capture/capture.hpp"

#include "pg_tviews/security/run_as.hpp"

extern "C" {
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "catalog/pg_trigger.h"
#include "access/table.h"
#include "access/genam.h"
#include "catalog/indexing.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

namespace pg_tviews {

namespace {

struct CaptureTrigger {
    const char *name;
    const char *event;
    const char *referencing;  // transition tables the event provides
};

constexpr CaptureTrigger kCaptureTriggers[] = {
    {"pg_tviews_capture_insert", "INSERT", "REFERENCING NEW TABLE AS pg_tviews_new"},
    {"pg_tviews_capture_update", "UPDATE",
     "REFERENCING OLD TABLE AS pg_tviews_old NEW TABLE AS pg_tviews_new"},
    {"pg_tviews_capture_delete", "DELETE", "REFERENCING OLD TABLE AS pg_tviews_old"},
    {"pg_tviews_capture_truncate", "TRUNCATE", ""},
};

bool TriggerExists(Oid relid, const char *name)
{
    Relation triggers = table_open(TriggerRelationId, AccessShareLock);
    ScanKeyData keys[2];
    ScanKeyInit(&keys[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
                ObjectIdGetDatum(relid));
    ScanKeyInit(&keys[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
                CStringGetDatum(name));
    SysScanDesc scan =
        systable_beginscan(triggers, TriggerRelidNameIndexId, true, nullptr, 2, keys);
    bool found = HeapTupleIsValid(systable_getnext(scan));
    systable_endscan(scan);
    table_close(triggers, AccessShareLock);
    return found;
}

}  // namespace

int EnsureCaptureTriggers(Oid base_relid)
{
    const char *table = quote_qualified_identifier(
        get_namespace_name(get_rel_namespace(base_relid)), get_rel_name(base_relid));
    int created = 0;
    // The creator of a TVIEW needs only SELECT on the tables it reads: the triggers, whose text
    // is ours alone, are created by the extension's owner.
    RunAs(ExtensionOwner(), [&] {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
        if (SPI_execute("SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_extension e"
                        " JOIN pg_catalog.pg_namespace n"
                        "   ON n.oid OPERATOR(pg_catalog.=) e.extnamespace"
                        " WHERE e.extname OPERATOR(pg_catalog.=) 'pg_tviews'",
                        true, 1) != SPI_OK_SELECT ||
            SPI_processed != 1)
            elog(ERROR, "extension pg_tviews is not installed");
        const char *function = psprintf(
            "%s.pg_tviews_capture", SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
        for (const CaptureTrigger &trigger : kCaptureTriggers) {
            if (TriggerExists(base_relid, trigger.name)) continue;
            StringInfoData sql;
            initStringInfo(&sql);
            appendStringInfo(
                &sql,
                "CREATE TRIGGER %s AFTER %s ON %s %s FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                trigger.name, trigger.event, table, trigger.referencing, function);
            if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
                elog(ERROR, "could not create capture trigger on \"%s\"", table);
            created++;
        }
        SPI_finish();
    });
    return created;
}

}  // namespace pg_tviews
