// Module entry: PG_MODULE_MAGIC, _PG_init and pg_tviews_version().
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/ddl/utility_hook.hpp"
#include "pg_tviews/guc.hpp"
#include "pg_tviews/observe/stats.hpp"
#include "pg_tviews/queue/statement_end.hpp"
#include "pg_tviews/refresh/conflict_table.hpp"

extern "C" {
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

#define PG_TVIEWS_VERSION "0.2.0"

namespace {

shmem_request_hook_type previous_shmem_request = nullptr;
bool preloaded = false;  // loaded through shared_preload_libraries (inherited by backends)
shmem_startup_hook_type previous_shmem_startup = nullptr;

void OnShmemRequest()
{
    if (previous_shmem_request != nullptr) previous_shmem_request();
    pg_tviews::ConflictTableRequestShmem();
    pg_tviews::StatsRequestShmem();
}

void OnShmemStartup()
{
    if (previous_shmem_startup != nullptr) previous_shmem_startup();
    pg_tviews::ConflictTableInitShmem();
    pg_tviews::StatsInitShmem();
}

}  // namespace

void _PG_init(void)
{
    pg_tviews::GuardEntry([] {
        // Shared memory exists only when the library is preloaded, as the README requires.
        if (process_shared_preload_libraries_in_progress) {
            preloaded = true;
            previous_shmem_request = shmem_request_hook;
            shmem_request_hook = OnShmemRequest;
            previous_shmem_startup = shmem_startup_hook;
            shmem_startup_hook = OnShmemStartup;
        }
        pg_tviews::DefineSettings();
        pg_tviews::RegistryInit();
        pg_tviews::InstallStatementEndHooks();
        pg_tviews::InstallUtilityHook();
    });
}

namespace {

Datum Version(FunctionCallInfo)
{
    return PointerGetDatum(cstring_to_text(PG_TVIEWS_VERSION));
}

}  // namespace

// tviews_internal.library_preloaded(): what the health check's first row reports.
Datum LibraryPreloaded(FunctionCallInfo)
{
    return BoolGetDatum(preloaded);
}

PG_TVIEWS_SQL_FUNCTION(pg_tviews_version, Version)
PG_TVIEWS_SQL_FUNCTION(pg_tviews_library_preloaded, LibraryPreloaded)
