#include "pg_tviews/core/catch_up.hpp"

#include <algorithm>

namespace pg_tviews::core {

namespace {

constexpr int64_t kFirstRunLookback = 3000 * 86400;

}  // namespace

DueDecision Decide(const Schedule &schedule, std::optional<int64_t> last_scheduled, int64_t now,
                   const TimeZoneRules &tz)
{
    DueDecision decision;
    // A served occurrence later than now (the clock went back) is not served twice.
    const int64_t served = last_scheduled ? std::max(*last_scheduled, now) : now;
    decision.next_after = NextAfter(schedule, served, tz);
    const int64_t since = last_scheduled ? *last_scheduled : now - kFirstRunLookback;
    // Only the latest missed occurrence runs; the earlier ones are dropped.
    decision.scheduled_for = LatestAtOrBefore(schedule, now, since, tz);
    decision.due_now = decision.scheduled_for.has_value();
    return decision;
}

}  // namespace pg_tviews::core
