// Running work as another role: the one way pg_tviews changes the user id.
//
// Writers cause TVIEW maintenance they hold no rights for: recomputing a TVIEW row reads every
// table of its definition, and the catalog lives in a schema nobody but the extension's owner may
// write. Like PostgreSQL's RI triggers and REFRESH MATERIALIZED VIEW, that work runs as the role
// whose rights it needs — the TVIEW's owner for definitions and mappings, the extension's owner
// for the catalog — and nothing of the caller's may steer it:
//
//  * SECURITY_RESTRICTED_OPERATION forbids what could outlive the operation (SET ROLE, temporary
//    objects, cursors WITH HOLD, ...), exactly as PostgreSQL does for maintenance commands;
//  * search_path is pinned to pg_catalog, pg_temp for the duration (the temporary schema is never
//    searched for functions or operators), so an operator or function the caller placed earlier
//    in the path is never chosen; generated SQL qualifies everything on top of that.
//
// The previous user id, security context and settings come back when the work returns; when it
// raises, transaction or subtransaction abort restores them (the PostgreSQL convention).
#pragma once

extern "C" {
#include "postgres.h"
}

#include <type_traits>

namespace pg_tviews {

// The search_path in effect while running as another role.
inline constexpr const char *kPinnedSearchPath = "pg_catalog, pg_temp";

// Runs fn(arg) as `role`, restricted and with the pinned search_path.
void RunAs(Oid role, void (*fn)(void *), void *arg);

// The same for a lambda; it must be trivially destructible (captures by reference), because a
// PostgreSQL error may longjmp through the frame that holds it.
template <typename Fn>
void RunAs(Oid role, Fn &&fn)
{
    static_assert(std::is_trivially_destructible_v<std::remove_reference_t<Fn>>,
                  "work run as another role must own no C++ objects");
    RunAs(
        role, [](void *arg) { (*static_cast<std::remove_reference_t<Fn> *>(arg))(); },
        static_cast<void *>(&fn));
}

// The role that owns the extension's catalog (the role that ran CREATE EXTENSION).
Oid ExtensionOwner();

}  // namespace pg_tviews
