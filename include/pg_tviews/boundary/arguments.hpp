// Arguments of SQL functions declared anyelement.
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace pg_tviews {

// Argument `arg` (not null), whatever type the caller passed, as a value of `type`: converted
// through its text form like a literal would be, so 12345 and '12345' both serve an integer key.
Datum ArgumentAs(FunctionCallInfo fcinfo, int arg, Oid type);

}  // namespace pg_tviews
