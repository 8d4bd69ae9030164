// Arguments of SQL functions declared anyelement; see include/pg_tviews/boundary/arguments.hpp.
#include "pg_tviews/boundary/arguments.hpp"

extern "C" {
#include "utils/lsyscache.h"
}

namespace pg_tviews {

Datum ArgumentAs(FunctionCallInfo fcinfo, int arg, Oid type)
{
    Oid given = get_fn_expr_argtype(fcinfo->flinfo, arg);
    Datum value = PG_GETARG_DATUM(arg);
    if (given == type) return value;
    Oid output, input, ioparam;
    bool varlena;
    getTypeOutputInfo(given, &output, &varlena);
    getTypeInputInfo(type, &input, &ioparam);
    return OidInputFunctionCall(input, OidOutputFunctionCall(output, value), ioparam, -1);
}

}  // namespace pg_tviews
