// Is a scheduled refresh due, free of PostgreSQL? Occurrences missed while the server was down,
// the MV paused or its circuit open collapse into one catch-up run (never a burst), and the
// next occurrence always comes from the schedule, not from when a run finished (no drift).
#pragma once

#include "pg_tviews/core/cron_schedule.hpp"

#include <cstdint>
#include <optional>

namespace pg_tviews::core {

struct DueDecision {
    bool due_now = false;
    std::optional<int64_t> scheduled_for;  // when due: the latest occurrence <= now, which the
                                           // run serves (store it as the new last_scheduled)
    std::optional<int64_t> next_after;     // the first occurrence after now (and after
                                           // last_scheduled); nullopt when there is none
};

// last_scheduled is the latest occurrence already served; to start at the next occurrence
// instead of at once, a caller passes the registration (or resume) time. With nullopt the MV
// was never served: it is due at once for the latest occurrence of the last 3000 days.
DueDecision Decide(const Schedule &schedule, std::optional<int64_t> last_scheduled, int64_t now,
                   const TimeZoneRules &tz);

}  // namespace pg_tviews::core
