// The two guards of the C++/PostgreSQL boundary; see include/pg_tviews/boundary/guard.hpp.
#include "pg_tviews/boundary/guard.hpp"

extern "C" {
#include "utils/memutils.h"
}

#include <cstring>

namespace pg_tviews::detail {

ErrorData *RunCatchingPgError(void (*fn)(void *), void *arg)
{
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData *volatile edata = nullptr;
    PG_TRY();
    {
        fn(arg);
    }
    PG_CATCH();
    {
        // Copy the error out of ErrorContext before the error state is flushed; the copy lives
        // in the caller's context until GuardEntry() re-raises it.
        MemoryContextSwitchTo(caller_context);
        edata = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return edata;
}

void RecordCxxException(const char *what, char *buffer, size_t size)
{
    std::strncpy(buffer, what != nullptr ? what : "", size - 1);
    buffer[size - 1] = '\0';
}

void RaiseRecorded(ErrorData *pg_error, const char *cxx_message, int sqlstate)
{
    if (pg_error != nullptr) ReThrowError(pg_error);
    ereport(ERROR, (errcode(sqlstate), errmsg("%s", cxx_message)));
    pg_unreachable();
}

}  // namespace pg_tviews::detail
