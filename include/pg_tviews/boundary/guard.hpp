// The C++/PostgreSQL boundary (DESIGN §4).
//
// PostgreSQL reports errors with longjmp; C++ unwinds with exceptions. Two guards keep them apart:
//
//  * GuardEntry() wraps the body of every PostgreSQL entry point (SQL function, trigger, hook,
//    callback). It catches every C++ exception and raises the matching ereport(ERROR) only after
//    the exception object and every C++ frame below it are gone.
//
//  * PgCall() wraps one call into PostgreSQL made from a frame that owns objects with destructors.
//    A PostgreSQL error raised inside it is copied into a PgError exception, so the C++ frames
//    unwind normally; GuardEntry() later re-raises the original error unchanged (SQLSTATE,
//    detail, hint, context).
//
// Frames that own no C++ objects (most of src/, which talks to PostgreSQL in its own idiom) may
// call PostgreSQL directly: a longjmp through them skips nothing.
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/elog.h"
}

#include <exception>
#include <type_traits>
#include <utility>

namespace pg_tviews {

// A PostgreSQL error, captured by PgCall(), travelling as a C++ exception.
class PgError final : public std::exception {
   public:
    explicit PgError(ErrorData *edata) noexcept : edata_(edata) {}
    const char *what() const noexcept override
    {
        return edata_ != nullptr && edata_->message != nullptr ? edata_->message : "postgres error";
    }
    ErrorData *Release() noexcept { return std::exchange(edata_, nullptr); }

   private:
    ErrorData *edata_;  // palloc'd in the context that was current when the error was caught
};

namespace detail {
// Runs fn() under PG_TRY; on a PostgreSQL error returns the copied ErrorData, else nullptr.
// Kept out of line so that no C++ object lives in the frame that owns the sigsetjmp.
ErrorData *RunCatchingPgError(void (*fn)(void *), void *arg);

// Raises the ERROR for a failure recorded by GuardEntry(); never returns.
pg_attribute_noreturn() void RaiseRecorded(ErrorData *pg_error, const char *cxx_message,
                                           int sqlstate);

// Records what a caught exception says, without allocating (the catch block must not raise).
void RecordCxxException(const char *what, char *buffer, size_t size);
}  // namespace detail

// A C++ exception that carries its own SQLSTATE to the user.
class TviewsError : public std::exception {
   public:
    TviewsError(int sqlstate, const char *message) noexcept : sqlstate_(sqlstate), message_(message)
    {
    }
    const char *what() const noexcept override { return message_; }
    int Sqlstate() const noexcept { return sqlstate_; }

   private:
    int sqlstate_;
    const char *message_;  // a string literal
};

// Calls fn() and converts a PostgreSQL error raised inside it into a PgError exception. fn must
// own no C++ objects itself: it is the one frame a longjmp may cross. A C++ exception thrown by
// fn is carried across the PG_TRY frame and rethrown outside it (DESIGN §4 rule 3).
template <typename Fn>
auto PgCall(Fn &&fn) -> decltype(fn())
{
    using Result = decltype(fn());
    using Stored = std::conditional_t<std::is_void_v<Result>, char, Result>;
    static_assert(std::is_trivially_copyable_v<Stored>,
                  "PgCall results cross a longjmp boundary and must be trivially copyable");
    struct Call {
        std::remove_reference_t<Fn> *fn;
        Stored result;
        std::exception_ptr exception;
    } call{&fn, Stored{}, nullptr};
    auto thunk = [](void *arg) {
        auto *c = static_cast<Call *>(arg);
        try {
            if constexpr (std::is_void_v<Result>)
                (*c->fn)();
            else
                c->result = (*c->fn)();
        } catch (...) {
            c->exception = std::current_exception();
        }
    };
    if (ErrorData *edata = detail::RunCatchingPgError(thunk, &call)) throw PgError(edata);
    if (call.exception) std::rethrow_exception(call.exception);
    if constexpr (!std::is_void_v<Result>) return call.result;
}

// Runs the C++ body of a PostgreSQL entry point, or a C++ island inside PostgreSQL-idiom code.
// C++ exceptions become ERRORs once every C++ object is destroyed; PostgreSQL errors raised
// directly by PostgreSQL-idiom frames pass through untouched. No C++ exception ever leaves it.
template <typename Fn>
auto GuardEntry(Fn &&fn) -> decltype(fn())
{
    ErrorData *pg_error = nullptr;
    char message[512];
    int sqlstate = ERRCODE_INTERNAL_ERROR;
    message[0] = '\0';
    try {
        return fn();
    } catch (PgError &e) {
        pg_error = e.Release();
    } catch (TviewsError &e) {
        sqlstate = e.Sqlstate();
        detail::RecordCxxException(e.what(), message, sizeof message);
    } catch (std::bad_alloc &) {
        sqlstate = ERRCODE_OUT_OF_MEMORY;
        detail::RecordCxxException("out of memory", message, sizeof message);
    } catch (std::exception &e) {
        detail::RecordCxxException(e.what(), message, sizeof message);
    } catch (...) {
        detail::RecordCxxException("unknown C++ exception", message, sizeof message);
    }
    // Every C++ object, the exception included, is destroyed here.
    detail::RaiseRecorded(pg_error, message, sqlstate);
}

}  // namespace pg_tviews

// Declares the C symbol of a SQL-callable function whose body is GuardEntry(Body(fcinfo)).
#define PG_TVIEWS_SQL_FUNCTION(name, body)                                          \
    extern "C" {                                                                    \
    PG_FUNCTION_INFO_V1(name);                                                      \
    PGDLLEXPORT Datum name(PG_FUNCTION_ARGS)                                        \
    {                                                                               \
        return pg_tviews::GuardEntry([fcinfo]() -> Datum { return body(fcinfo); }); \
    }                                                                               \
    }
