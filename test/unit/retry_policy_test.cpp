// Retry classification and backoff of managed MV refreshes (src/core/retry_policy.cpp).
#include "pg_tviews/core/retry_policy.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace pg_tviews::core {
namespace {

TEST(IsRetryable, ErrorsThatCanPass)
{
    const char *retryable[] = {
        "40001", "40P01", "40000", "40002", "40003",                    // transaction rollback
        "55P03",                                                        // lock_not_available
        "57014",                                                        // query_canceled
        "53000", "53100", "53200", "53300", "53400",                    // insufficient resources
        "08000", "08001", "08003", "08004", "08006", "08007", "08P01",  // connection
        "57P01", "57P02", "57P03",                                      // shutdown, starting up
        "58000", "58030",                                               // system, I/O error
    };
    for (const char *sqlstate : retryable) EXPECT_TRUE(IsRetryable(sqlstate)) << sqlstate;
}

TEST(IsRetryable, ErrorsThatFailAgain)
{
    const char *permanent[] = {
        "42601", "42501", "42P01", "42703", "42883",  // syntax, privilege, undefined objects
        "22012", "22003", "22P02", "22001",           // data
        "23505", "23503", "23502", "23514",           // integrity
        "55000", "55006", "0A000", "25P02", "25006",  // state, unsupported, read-only
        "XX000", "XX001", "XX002", "P0001", "P0002",  // internal, raised by PL/pgSQL
        "57000", "57P04", "57P05", "58P01", "58P02",  // neighbours of retryable codes
        "00000", "01000", "02000", "54001", "54000",  // success, warning, no data, limits
    };
    for (const char *sqlstate : permanent) EXPECT_FALSE(IsRetryable(sqlstate)) << sqlstate;
}

TEST(IsRetryable, MalformedCodesAreNotRetryable)
{
    const char *malformed[] = {"",       "4",     "4000",  "400011", "40p01", "40 01",
                               " 40001", "4000-", "08-00", "53.00",  "abcde"};
    for (const char *sqlstate : malformed) EXPECT_FALSE(IsRetryable(sqlstate)) << sqlstate;
    EXPECT_FALSE(IsRetryable(std::string_view("4000\0", 5)));
}

TEST(BaseRetryDelayMs, DoublesUpToTheCap)
{
    const RetrySettings settings{1000, 60000, 5};
    const int64_t expected[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (int attempt = 1; attempt <= 9; attempt++)
        EXPECT_EQ(BaseRetryDelayMs(settings, attempt), expected[attempt - 1]) << attempt;
    EXPECT_EQ(BaseRetryDelayMs(settings, 0), 0);
    EXPECT_EQ(BaseRetryDelayMs(settings, -1), 0);
    // A cap below the first delay applies from the start.
    EXPECT_EQ(BaseRetryDelayMs(RetrySettings{5000, 3000, 5}, 1), 3000);
    EXPECT_EQ(BaseRetryDelayMs(RetrySettings{0, 3000, 5}, 3), 0);
    EXPECT_EQ(BaseRetryDelayMs(RetrySettings{-10, 3000, 5}, 3), 0);
}

TEST(BaseRetryDelayMs, NeverOverflowsAndNeverShrinks)
{
    const RetrySettings settings{1000, 3600000, 5};
    EXPECT_EQ(BaseRetryDelayMs(settings, 100), 3600000);
    EXPECT_EQ(BaseRetryDelayMs(settings, INT_MAX), 3600000);
    const int64_t huge = std::numeric_limits<int64_t>::max();
    const RetrySettings unbounded{huge / 3, huge, 5};
    EXPECT_EQ(BaseRetryDelayMs(unbounded, 1), huge / 3);
    EXPECT_EQ(BaseRetryDelayMs(unbounded, 2), huge / 3 * 2);
    EXPECT_EQ(BaseRetryDelayMs(unbounded, 3), huge);
    EXPECT_EQ(BaseRetryDelayMs(unbounded, 100), huge);
    EXPECT_EQ(BaseRetryDelayMs(RetrySettings{1, huge, 5}, 63), int64_t{1} << 62);
    EXPECT_EQ(BaseRetryDelayMs(RetrySettings{1, huge, 5}, 64), huge);
    for (const RetrySettings &s : {settings, unbounded, RetrySettings{7, 1000, 1}}) {
        int64_t previous = 0;
        for (int attempt = 1; attempt <= 200; attempt++) {
            const int64_t base = BaseRetryDelayMs(s, attempt);
            EXPECT_GE(base, previous) << attempt;
            EXPECT_LE(base, s.max_delay_ms) << attempt;
            previous = base;
        }
    }
}

TEST(RetryDelayMs, EqualJitterStaysWithinHalfAndFullBase)
{
    std::mt19937_64 rng(20250101);
    UniformRandom random = [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); };
    const RetrySettings settings{1000, 300000, 5};
    for (int attempt = 1; attempt <= 100; attempt++) {
        const int64_t base = BaseRetryDelayMs(settings, attempt);
        int64_t low = base;
        int64_t high = 0;
        for (int draw = 0; draw < 2000; draw++) {
            const int64_t delay = RetryDelayMs(settings, attempt, random);
            ASSERT_GE(delay, base / 2) << attempt;
            ASSERT_LE(delay, base) << attempt;
            low = std::min(low, delay);
            high = std::max(high, delay);
        }
        // The draws cover the whole range, not one end of it.
        EXPECT_LE(low, base / 2 + base / 50) << attempt;
        EXPECT_GE(high, base - base / 50) << attempt;
    }
}

TEST(RetryDelayMs, SameSeedSameDelays)
{
    const RetrySettings settings{500, 60000, 5};
    auto sequence = [&](uint64_t seed) {
        std::mt19937_64 rng(seed);
        UniformRandom random = [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); };
        std::vector<int64_t> delays;
        for (int attempt = 1; attempt <= 10; attempt++)
            delays.push_back(RetryDelayMs(settings, attempt, random));
        return delays;
    };
    EXPECT_EQ(sequence(42), sequence(42));
    EXPECT_NE(sequence(42), sequence(43));
}

TEST(RetryDelayMs, EndsOfTheRandomRange)
{
    const RetrySettings settings{1000, 60000, 5};
    auto with = [&](double u, int attempt = 1) {
        return RetryDelayMs(settings, attempt, [u] { return u; });
    };
    EXPECT_EQ(with(0.0), 500);
    EXPECT_EQ(with(0.5), 750);  // 500 + floor(0.5 * 501)
    EXPECT_EQ(with(std::nextafter(1.0, 0.0)), 1000);
    EXPECT_EQ(with(0.0, 7), 30000);
    EXPECT_EQ(with(std::nextafter(1.0, 0.0), 7), 60000);
    // Out-of-contract values are clamped into the range.
    EXPECT_EQ(with(1.0), 1000);
    EXPECT_EQ(with(7.5), 1000);
    EXPECT_EQ(with(-3.0), 500);
    EXPECT_EQ(with(std::nan("")), 500);
    EXPECT_EQ(RetryDelayMs(settings, 1, nullptr), 500);
    // Odd and tiny bases.
    const RetrySettings odd{5, 5, 1};
    EXPECT_EQ(RetryDelayMs(odd, 1, [] { return 0.0; }), 2);
    EXPECT_EQ(RetryDelayMs(odd, 1, [] { return 0.99; }), 5);
    const RetrySettings one{1, 1, 1};
    EXPECT_EQ(RetryDelayMs(one, 1, [] { return 0.0; }), 0);
    EXPECT_EQ(RetryDelayMs(one, 1, [] { return 0.99; }), 1);
    EXPECT_EQ(RetryDelayMs(settings, 0, [] { return 0.99; }), 0);
}

TEST(RetryBudgetLeft, CountsRetriesAfterTheFirstRun)
{
    // max_retries = 3: the first run and three retries, four runs in all.
    EXPECT_TRUE(RetryBudgetLeft(1, 3));
    EXPECT_TRUE(RetryBudgetLeft(2, 3));
    EXPECT_TRUE(RetryBudgetLeft(3, 3));
    EXPECT_FALSE(RetryBudgetLeft(4, 3));
    EXPECT_FALSE(RetryBudgetLeft(100, 3));
    EXPECT_FALSE(RetryBudgetLeft(1, 0));
    EXPECT_FALSE(RetryBudgetLeft(1, -1));
    EXPECT_TRUE(RetryBudgetLeft(1, 1));
    EXPECT_FALSE(RetryBudgetLeft(2, 1));
}

}  // namespace
}  // namespace pg_tviews::core
