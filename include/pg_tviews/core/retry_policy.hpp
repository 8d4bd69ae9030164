// Which failed refreshes of a managed MV are retried, and after how long, free of PostgreSQL.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace pg_tviews::core {

// True for an SQLSTATE a later attempt can pass: class 40 (serialization failure, deadlock),
// 55P03 lock_not_available, 57014 query_canceled (statement or lock timeout), class 53
// (insufficient resources), class 08 (connection), 57P01-57P03 (shutdown, cannot connect now),
// 58000 and 58030 (system and I/O errors). Anything else (42xxx definition or privilege, 22xxx
// data, 23xxx integrity, 55000, XX000, ...) or a malformed code fails the same way again.
bool IsRetryable(std::string_view sqlstate);

struct RetrySettings {
    int64_t retry_delay_ms = 0;  // base delay of the first retry
    int64_t max_delay_ms = 0;    // cap of the base delay
    int max_retries = 0;         // retries per scheduled occurrence
};

// A double uniform in [0, 1); injected so that tests are deterministic.
using UniformRandom = std::function<double()>;

// Base delay before retry `attempt` (1 for the first retry): min(max_delay,
// retry_delay * 2^(attempt - 1)), without overflow; 0 for attempt < 1 or a delay <= 0.
int64_t BaseRetryDelayMs(const RetrySettings &settings, int attempt);

// "Equal jitter": base/2 + uniform[0, base - base/2], so the delay lies in [base/2, base]
// (base/2 rounded down) and retries of many MVs spread out instead of arriving together.
int64_t RetryDelayMs(const RetrySettings &settings, int attempt, const UniformRandom &random);

// True while another retry is allowed: attempts_so_far counts the failed runs of this
// occurrence, the first run included, so attempt attempts_so_far is the next retry's number
// and max_retries = 0 never retries.
bool RetryBudgetLeft(int attempts_so_far, int max_retries);

}  // namespace pg_tviews::core
