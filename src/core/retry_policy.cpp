#include "pg_tviews/core/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace pg_tviews::core {

bool IsRetryable(std::string_view sqlstate)
{
    if (sqlstate.size() != 5) return false;
    for (char c : sqlstate)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
    const std::string_view sqlclass = sqlstate.substr(0, 2);
    if (sqlclass == "40" || sqlclass == "53" || sqlclass == "08") return true;
    for (std::string_view code : {"55P03", "57014", "57P01", "57P02", "57P03", "58000", "58030"})
        if (sqlstate == code) return true;
    return false;
}

int64_t BaseRetryDelayMs(const RetrySettings &settings, int attempt)
{
    if (attempt < 1 || settings.retry_delay_ms <= 0 || settings.max_delay_ms <= 0) return 0;
    const int64_t cap = settings.max_delay_ms;
    int64_t delay = std::min(settings.retry_delay_ms, cap);
    // Doubling stops at the cap, so the loop is short and never overflows.
    for (int i = 1; i < attempt && delay < cap; i++) delay = delay > cap / 2 ? cap : delay * 2;
    return delay;
}

int64_t RetryDelayMs(const RetrySettings &settings, int attempt, const UniformRandom &random)
{
    const int64_t base = BaseRetryDelayMs(settings, attempt);
    const int64_t half = base / 2;
    const int64_t spread = base - half;
    double u = random ? random() : 0.0;
    if (!(u >= 0.0)) u = 0.0;  // also NaN
    if (u >= 1.0) u = std::nextafter(1.0, 0.0);
    // spread + 1 values 0..spread, each with probability 1 / (spread + 1).
    const auto jitter = static_cast<int64_t>(u * static_cast<double>(spread + 1));
    return half + std::min(jitter, spread);
}

bool RetryBudgetLeft(int attempts_so_far, int max_retries)
{
    return max_retries > 0 && attempts_so_far <= max_retries;
}

}  // namespace pg_tviews::core
