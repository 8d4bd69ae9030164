#include "pg_tviews/core/circuit_breaker.hpp"

#include <algorithm>
#include <limits>

namespace pg_tviews::core {

std::string_view ToString(BreakerState state)
{
    switch (state) {
        case BreakerState::kClosed:
            return "closed";
        case BreakerState::kOpen:
            return "open";
        case BreakerState::kHalfOpen:
            return "half_open";
    }
    return "closed";
}

std::optional<BreakerState> BreakerStateFromString(std::string_view name)
{
    for (BreakerState state : {BreakerState::kClosed, BreakerState::kOpen, BreakerState::kHalfOpen})
        if (name == ToString(state)) return state;
    return std::nullopt;
}

Admission CircuitBreaker::Admit(int64_t now)
{
    switch (state) {
        case BreakerState::kClosed:
            return {true, false};
        case BreakerState::kOpen:
            if (now < opened_until) return {false, false};
            state = BreakerState::kHalfOpen;
            return {true, true};
        case BreakerState::kHalfOpen:
            return {false, false};
    }
    return {false, false};
}

void CircuitBreaker::OnSuccess()
{
    Reset();
}

void CircuitBreaker::OnFailure(int64_t now, const BreakerSettings &settings)
{
    if (consecutive_failures < std::numeric_limits<int>::max()) consecutive_failures++;
    // A failed probe reopens even when the threshold was raised meanwhile.
    if (state == BreakerState::kHalfOpen ||
        consecutive_failures >= std::max(settings.threshold, 1)) {
        state = BreakerState::kOpen;
        const int64_t cooldown = std::max<int64_t>(settings.cooldown_seconds, 0);
        opened_until = now > std::numeric_limits<int64_t>::max() - cooldown
                           ? std::numeric_limits<int64_t>::max()
                           : now + cooldown;
    }
}

void CircuitBreaker::Reset()
{
    state = BreakerState::kClosed;
    consecutive_failures = 0;
    opened_until = 0;
}

}  // namespace pg_tviews::core
