// Circuit breaker of a managed MV, free of PostgreSQL: after `threshold` consecutive failed
// runs the MV stops refreshing for `cooldown` seconds, then one probe run decides whether it
// resumes (success) or waits another cooldown (failure).
//
//   closed --(failures >= threshold)--> open --(now >= opened_until, Admit)--> half_open
//   half_open --(probe succeeds)--> closed     half_open --(probe fails)--> open
//   any --(Reset by an operator, or a success)--> closed
//
// The fields are stored in a catalog row; half_open always means its single probe is out, so
// nothing else is admitted until the probe reports (a crashed probe must report a failure).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pg_tviews::core {

enum class BreakerState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open": the names stored in the catalog.
std::string_view ToString(BreakerState state);
std::optional<BreakerState> BreakerStateFromString(std::string_view name);

struct BreakerSettings {
    int threshold = 3;               // consecutive failed runs that open the circuit; < 1 acts as 1
    int64_t cooldown_seconds = 600;  // open time before the probe
};

struct Admission {
    bool allowed = false;
    bool probe = false;  // the run is the half-open probe
};

struct CircuitBreaker {
    BreakerState state = BreakerState::kClosed;
    int consecutive_failures = 0;
    int64_t opened_until = 0;  // while open: the first instant a probe may start

    // May a run start at now? Opens the half-open probe when the cooldown has passed.
    Admission Admit(int64_t now);

    void OnSuccess();

    // A failed run at now. Opens the circuit (or, for a run forced while open, restarts the
    // cooldown) once the failures reach the threshold; a failed probe always reopens.
    void OnFailure(int64_t now, const BreakerSettings &settings);

    // An operator closes the circuit by hand.
    void Reset();
};

}  // namespace pg_tviews::core
