// SQL entry point: pg_tviews_create(name, query, options).
#include "pg_tviews/boundary/guard.hpp"
#include "pg_tviews/core/naming.hpp"
#include "pg_tviews/ddl/create.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/regproc.h"
#include "utils/varlena.h"
}

namespace pg_tviews {

namespace {

Datum Create(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("TVIEW name and query must not be null")));
    char *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
    char *sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
    const char *options = PG_ARGISNULL(2)
                              ? "{}"
                              : DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(2)));

    // A bare entity names its table: 'post' creates tv_post.
    RangeVar *target = makeRangeVarFromNameList(stringToQualifiedNameList(name));
    if (!core::IsTviewTableName(target->relname))
        target->relname = psprintf("%s%s", core::kTviewPrefix.data(), target->relname);

    CreateRequest request{};
    request.target = target;
    request.query = AnalyzeDefinitionText(sql);
    request.options_json = options;
    CreateResult result = CreateTview(request);
    PG_RETURN_OID(result.relid);
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_create, pg_tviews::Create)
