// SQL entry point: pg_tviews_verify(name), the oracle.
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/catalog/registry.hpp"
#include "pg_tviews/refresh/refresh.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace pg_tviews {

namespace {

Datum Verify(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    TviewEntry *tview = RegistryResolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    PG_RETURN_BOOL(VerifyTview(tview));
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_verify, pg_tviews::Verify)
