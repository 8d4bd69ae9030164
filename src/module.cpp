// Module entry: PG_MODULE_MAGIC, _PG_init and pg_tviews_version().
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/ddl/utility_hook.hpp"
#include "pg_tviews/guc.hpp"
#include "pg_tviews/queue/statement_end.hpp"

extern "C" {
#include "utils/builtins.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

#define PG_TVIEWS_VERSION "0.1.0"

void _PG_init(void)
{
    pg_tviews::GuardEntry([] {
        pg_tviews::DefineSettings();
        pg_tviews::RegistryInit();
        pg_tviews::InstallStatementEndHooks();
        pg_tviews::InstallUtilityHook();
    });
}

namespace {

Datum Version(FunctionCallInfo) { return PointerGetDatum(cstring_to_text(PG_TVIEWS_VERSION)); }

}  // namespace

PG_TVIEWS_SQL_FUNCTION(pg_tviews_version, Version)
