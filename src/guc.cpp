// Every pg_tviews.* setting is defined here.
#include "pg_tviews/guc.hpp"

extern "C" {
#include "postgres.h"
#include "utils/guc.h"
}

namespace pg_tviews {

int max_key_locks = 256;
int max_cascade_depth = 16;
int conflict_slots = 32768;

void DefineSettings()
{
    DefineCustomIntVariable(
        "pg_tviews.max_key_locks",
        "Largest number of per-key locks one refresh takes before locking the whole TVIEW.",
        "TVIEWs whose keys gather several base rows serialize concurrent refreshes of a key. "
        "A refresh of more keys than this takes one TVIEW-wide lock instead.",
        &max_key_locks, 256, 1, 1000000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "pg_tviews.max_cascade_depth", "Longest chain of TVIEWs reading other TVIEWs.",
        "Creating a TVIEW deeper than this is refused; a refresh cascade that keeps coming back "
        "to refreshed TVIEWs more often than this fails.",
        &max_cascade_depth, 16, 1, 1000, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "pg_tviews.conflict_slots",
        "Slots of the conflict table that REPEATABLE READ refreshes consult (8 entries each).",
        "Each slot takes 144 bytes of shared memory. A table too small for the keys written "
        "while a long transaction-snapshot transaction runs makes it fail with a "
        "serialization error rather than miss a conflict.",
        &conflict_slots, 32768, 1024, 16 * 1024 * 1024, PGC_POSTMASTER, 0, nullptr, nullptr,
        nullptr);
    MarkGUCPrefixReserved("pg_tviews");
}

}  // namespace pg_tviews
