// pg_tviews_selftest(kind): proves the boundary on a live server. Each kind raises an error
// while C++ objects with destructors are alive; 'live' reports how many such objects exist
// (0 once every error has unwound them).
#include "pg_tviews/boundary/guard.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
}

#include <stdexcept>
#include <string>
#include <vector>

namespace pg_tviews {

namespace {

int live_objects = 0;

// An object whose destructor must run for live_objects to return to zero.
struct Tracked {
    Tracked() { live_objects++; }
    ~Tracked() { live_objects--; }
    Tracked(const Tracked &) = delete;
    Tracked &operator=(const Tracked &) = delete;
};

std::string RunKind(const std::string &kind)
{
    Tracked outer;
    std::vector<std::string> owned{"memory", "owned", "by", "C++"};
    if (kind == "cxx") throw std::runtime_error("selftest: C++ exception crossed the boundary");
    if (kind == "tviews")
        throw TviewsError(ERRCODE_INVALID_PARAMETER_VALUE, "selftest: C++ error with a SQLSTATE");
    if (kind == "pg") {
        Tracked inner;
        // int4div raises "division by zero" through longjmp; PgCall turns it into PgError.
        PgCall([] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
    }
    if (kind == "live") return "live objects: " + std::to_string(live_objects - 1);
    throw TviewsError(ERRCODE_INVALID_PARAMETER_VALUE,
                      "unknown selftest kind: use cxx, tviews, pg or live");
}

Datum Selftest(FunctionCallInfo fcinfo)
{
    char *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
    return GuardEntry([kind]() -> Datum {
        std::string answer = RunKind(kind);
        return PgCall([&] { return PointerGetDatum(cstring_to_text(answer.c_str())); });
    });
}

}  // namespace

}  // namespace pg_tviews

PG_TVIEWS_SQL_FUNCTION(pg_tviews_selftest, pg_tviews::Selftest)
