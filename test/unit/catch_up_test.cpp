// Due decisions of scheduled refreshes (src/core/catch_up.cpp): catch-up collapse, no drift.
#include "pg_tviews/core/catch_up.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace pg_tviews::core {
namespace {

// Seconds since the epoch of "YYYY-MM-DD HH:MM[:SS]" UTC, converted by the C library.
int64_t Utc(const char *text)
{
    std::tm tm{};
    int second = 0;
    const int fields = std::sscanf(text, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                   &tm.tm_hour, &tm.tm_min, &second);
    EXPECT_GE(fields, 5) << text;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = second;
    return timegm(&tm);
}

std::string Format(std::optional<int64_t> seconds)
{
    if (!seconds) return "none";
    const time_t t = *seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

// Central European time in 2025 only: summer time from 03-30 01:00 UTC to 10-26 01:00 UTC.
class Europe2025 : public TimeZoneRules {
   public:
    int32_t UtcOffsetAt(int64_t utc) const override
    {
        return utc >= Utc("2025-03-30 01:00") && utc < Utc("2025-10-26 01:00") ? 7200 : 3600;
    }
};

const FixedOffsetZone kUtc(0);

Schedule MustParse(const char *text)
{
    auto result = ParseSchedule(text);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error;
    return result.ok() ? *result.schedule : Schedule{};
}

struct Expected {
    bool due;
    const char *scheduled_for;
    const char *next_after;
};

void ExpectDecision(const char *schedule, std::optional<const char *> last, const char *now,
                    Expected expected, const TimeZoneRules &tz = kUtc)
{
    std::optional<int64_t> last_scheduled;
    if (last) last_scheduled = Utc(*last);
    const DueDecision d = Decide(MustParse(schedule), last_scheduled, Utc(now), tz);
    EXPECT_EQ(d.due_now, expected.due) << schedule << " at " << now;
    EXPECT_EQ(Format(d.scheduled_for), expected.scheduled_for) << schedule << " at " << now;
    EXPECT_EQ(Format(d.next_after), expected.next_after) << schedule << " at " << now;
}

TEST(Decide, TenMissedOccurrencesMakeOneRun)
{
    // 10:05, 10:10, ..., 10:50 were missed: one run, for 10:50, then back on the grid.
    ExpectDecision("*/5 * * * *", "2025-01-01 10:00", "2025-01-01 10:52",
                   {true, "2025-01-01 10:50:00", "2025-01-01 10:55:00"});
    // After that run the next decision waits for 10:55.
    ExpectDecision("*/5 * * * *", "2025-01-01 10:50", "2025-01-01 10:53",
                   {false, "none", "2025-01-01 10:55:00"});
    ExpectDecision("*/5 * * * *", "2025-01-01 10:50", "2025-01-01 10:54:59",
                   {false, "none", "2025-01-01 10:55:00"});
    ExpectDecision("*/5 * * * *", "2025-01-01 10:50", "2025-01-01 10:55",
                   {true, "2025-01-01 10:55:00", "2025-01-01 11:00:00"});
}

TEST(Decide, IntervalsStayOnTheirGrid)
{
    ExpectDecision("5 minutes", "2025-01-01 10:00", "2025-01-01 10:52:30",
                   {true, "2025-01-01 10:50:00", "2025-01-01 10:55:00"});
    ExpectDecision("30 seconds", "2025-01-01 10:00", "2025-01-01 10:00:29",
                   {false, "none", "2025-01-01 10:00:30"});
}

TEST(Decide, ARunLongerThanThePeriodCatchesUpOnceOnTheGrid)
{
    // The 10:50 run finished at 10:57: 10:55 was missed and runs now; 11:00 stays 11:00.
    ExpectDecision("*/5 * * * *", "2025-01-01 10:50", "2025-01-01 10:57",
                   {true, "2025-01-01 10:55:00", "2025-01-01 11:00:00"});
}

TEST(Decide, LongDowntimeAcrossDaylightSavingTime)
{
    // Daily at 02:30 local; down from March to April: one run for 2025-04-10 02:30 CEST.
    const Europe2025 europe;
    ExpectDecision("30 2 * * *", "2025-03-01 01:30", "2025-04-10 12:00",
                   {true, "2025-04-10 00:30:00", "2025-04-11 00:30:00"}, europe);
    // Down over the spring-forward night only: the 02:30 that became 03:00 CEST is served.
    ExpectDecision("30 2 * * *", "2025-03-29 01:30", "2025-03-30 06:00",
                   {true, "2025-03-30 01:00:00", "2025-03-31 00:30:00"}, europe);
}

TEST(Decide, NeverServedRunsOnceForTheLatestOccurrence)
{
    ExpectDecision("@daily", std::nullopt, "2025-06-01 10:00",
                   {true, "2025-06-01 00:00:00", "2025-06-02 00:00:00"});
    ExpectDecision("0 0 29 2 *", std::nullopt, "2025-06-01 10:00",
                   {true, "2024-02-29 00:00:00", "2028-02-29 00:00:00"});
    ExpectDecision("0 0 30 2 *", std::nullopt, "2025-06-01 10:00", {false, "none", "none"});
}

TEST(Decide, StartingFromARegistrationTimeWaitsForTheNextOccurrence)
{
    ExpectDecision("@daily", "2025-06-01 10:00", "2025-06-01 10:00",
                   {false, "none", "2025-06-02 00:00:00"});
    ExpectDecision("@daily", "2025-06-01 10:00", "2025-06-02 00:00",
                   {true, "2025-06-02 00:00:00", "2025-06-03 00:00:00"});
}

TEST(Decide, ServedOccurrenceInTheFutureIsNotServedAgain)
{
    // The clock went back an hour after the 11:00 run.
    ExpectDecision("@hourly", "2025-01-01 11:00", "2025-01-01 10:10",
                   {false, "none", "2025-01-01 12:00:00"});
}

TEST(Decide, ImpossibleScheduleIsNeverDue)
{
    ExpectDecision("0 0 31 4 *", "2020-01-01 00:00", "2025-06-01 10:00", {false, "none", "none"});
}

// A scheduler waking at irregular times, down for a while, runs at most once per wake-up and
// only for occurrences of the schedule.
TEST(Decide, IrregularWakeUpsServeTheGridWithoutBursts)
{
    const Schedule schedule = MustParse("*/5 * * * *");
    std::optional<int64_t> last = Utc("2025-01-01 10:00");
    const char *wake_ups[] = {"2025-01-01 10:01:13", "2025-01-01 10:03", "2025-01-01 10:05:01",
                              "2025-01-01 10:08:59", "2025-01-01 10:10", "2025-01-01 11:17:45",
                              "2025-01-01 11:18",    "2025-01-01 11:20", "2025-01-01 11:20:00",
                              "2025-01-01 11:26"};
    std::vector<std::string> served;
    for (const char *now : wake_ups) {
        const DueDecision d = Decide(schedule, last, Utc(now), kUtc);
        if (!d.due_now) continue;
        served.push_back(Format(d.scheduled_for));
        last = d.scheduled_for;
    }
    EXPECT_EQ(served, (std::vector<std::string>{"2025-01-01 10:05:00", "2025-01-01 10:10:00",
                                                "2025-01-01 11:15:00", "2025-01-01 11:20:00",
                                                "2025-01-01 11:25:00"}));
}

}  // namespace
}  // namespace pg_tviews::core
