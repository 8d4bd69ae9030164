// Schedules of managed materialized views (src/core/cron_schedule.cpp): grammar, next fire
// times, daylight saving time, windows.
//
// Expected instants are written by hand as UTC date-times and converted with the C library
// (timegm), never with the code under test. The fake zones follow the real 2025 transitions:
// Europe/Berlin on 2025-03-30 and 2025-10-26 at 01:00 UTC, America/New_York on 2025-03-09 at
// 07:00 UTC (02:00 EST) and 2025-11-02 at 06:00 UTC (02:00 EDT).
#include "pg_tviews/core/cron_schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace pg_tviews::core {
namespace {

constexpr int64_t kDay = 86400;

// Seconds since the epoch of "YYYY-MM-DD HH:MM[:SS]" read as UTC (or as a local wall clock).
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

std::string Format(int64_t seconds)
{
    const time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

int64_t DayNumber(int year, int month, int day)
{
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    return timegm(&tm) / kDay;
}

int WeekdayOf(int64_t day_number)
{
    const time_t t = day_number * kDay;
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_wday;
}

int YearOf(int64_t seconds)
{
    const time_t t = seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

int64_t LastSunday(int year, int month)
{
    const int64_t last =
        (month == 12 ? DayNumber(year + 1, 1, 1) : DayNumber(year, month + 1, 1)) - 1;
    return last - WeekdayOf(last);
}

int64_t NthSunday(int year, int month, int n)
{
    const int64_t first = DayNumber(year, month, 1);
    return first + (7 - WeekdayOf(first)) % 7 + 7 * (n - 1);
}

// CET/CEST: +2h from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
class EuropeZone : public TimeZoneRules {
   public:
    int32_t UtcOffsetAt(int64_t utc) const override
    {
        const int year = YearOf(utc);
        const int64_t start = LastSunday(year, 3) * kDay + 3600;
        const int64_t end = LastSunday(year, 10) * kDay + 3600;
        return utc >= start && utc < end ? 7200 : 3600;
    }
};

// America/New_York since 2007: EDT from the second Sunday of March 02:00 EST (07:00 UTC) to the
// first Sunday of November 02:00 EDT (06:00 UTC).
class NewYorkZone : public TimeZoneRules {
   public:
    int32_t UtcOffsetAt(int64_t utc) const override
    {
        const int year = YearOf(utc);
        const int64_t start = NthSunday(year, 3, 2) * kDay + 7 * 3600;
        const int64_t end = NthSunday(year, 11, 1) * kDay + 6 * 3600;
        return utc >= start && utc < end ? -4 * 3600 : -5 * 3600;
    }
};

// Counts the offset look-ups of another zone (the server's pg_localtime() is not free).
class CountingZone : public TimeZoneRules {
   public:
    explicit CountingZone(const TimeZoneRules &zone) : zone_(zone) {}
    int32_t UtcOffsetAt(int64_t utc) const override
    {
        calls++;
        return zone_.UtcOffsetAt(utc);
    }
    mutable int calls = 0;

   private:
    const TimeZoneRules &zone_;
};

const FixedOffsetZone kUtc(0);
const EuropeZone kEurope;
const NewYorkZone kNewYork;

Schedule MustParse(const std::string &text)
{
    auto result = ParseSchedule(text);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error << " at " << result.error_position;
    return result.ok() ? *result.schedule : Schedule{};
}

std::string Next(const std::string &schedule, const char *after, const TimeZoneRules &tz = kUtc)
{
    auto next = NextAfter(MustParse(schedule), Utc(after), tz);
    return next ? Format(*next) : "never";
}

std::vector<std::string> Runs(const std::string &schedule, const char *after, int n,
                              const TimeZoneRules &tz = kUtc)
{
    std::vector<std::string> out;
    for (int64_t run : NextRuns(MustParse(schedule), Utc(after), n, tz)) out.push_back(Format(run));
    return out;
}

using Strings = std::vector<std::string>;

// ---- Grammar -----------------------------------------------------------------------------

template <size_t N>
std::vector<int> Bits(const std::bitset<N> &bits)
{
    std::vector<int> out;
    for (size_t i = 0; i < N; i++)
        if (bits[i]) out.push_back(static_cast<int>(i));
    return out;
}

TEST(ParseSchedule, StarCoversEveryValue)
{
    const CronPart part = MustParse("* * * * *").cron_parts.at(0);
    EXPECT_EQ(part.minutes.count(), 60u);
    EXPECT_EQ(part.hours.count(), 24u);
    EXPECT_EQ(Bits(part.days_of_month).size(), 31u);
    EXPECT_FALSE(part.days_of_month[0]);
    EXPECT_EQ(Bits(part.months).size(), 12u);
    EXPECT_FALSE(part.months[0]);
    EXPECT_EQ(part.days_of_week.count(), 7u);
    EXPECT_TRUE(part.day_of_month_star);
    EXPECT_TRUE(part.day_of_week_star);
}

TEST(ParseSchedule, ListsRangesAndSteps)
{
    const CronPart part = MustParse("0,30 */6 1-7 1-12/5 1-5/2").cron_parts.at(0);
    EXPECT_EQ(Bits(part.minutes), (std::vector<int>{0, 30}));
    EXPECT_EQ(Bits(part.hours), (std::vector<int>{0, 6, 12, 18}));
    EXPECT_EQ(Bits(part.days_of_month), (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(Bits(part.months), (std::vector<int>{1, 6, 11}));
    EXPECT_EQ(Bits(part.days_of_week), (std::vector<int>{1, 3, 5}));
    EXPECT_FALSE(part.day_of_month_star);
    EXPECT_FALSE(part.day_of_week_star);
}

TEST(ParseSchedule, StartWithStepRunsToTheFieldMaximum)
{
    const CronPart part = MustParse("5/20 20/2 25/3 10/1 1/3").cron_parts.at(0);
    EXPECT_EQ(Bits(part.minutes), (std::vector<int>{5, 25, 45}));
    EXPECT_EQ(Bits(part.hours), (std::vector<int>{20, 22}));
    EXPECT_EQ(Bits(part.days_of_month), (std::vector<int>{25, 28, 31}));
    EXPECT_EQ(Bits(part.months), (std::vector<int>{10, 11, 12}));
    EXPECT_EQ(Bits(part.days_of_week), (std::vector<int>{0, 1, 4}));  // 1, 4, 7 = Sunday
}

TEST(ParseSchedule, MixedListOfStepsRangesAndValues)
{
    const CronPart part = MustParse("*/20,7,50-52 * * * *").cron_parts.at(0);
    EXPECT_EQ(Bits(part.minutes), (std::vector<int>{0, 7, 20, 40, 50, 51, 52}));
}

TEST(ParseSchedule, MonthAndDayNamesAnyCase)
{
    const CronPart part = MustParse("0 0 * JAN-mar,Dec mon-FRI,sun").cron_parts.at(0);
    EXPECT_EQ(Bits(part.months), (std::vector<int>{1, 2, 3, 12}));
    EXPECT_EQ(Bits(part.days_of_week), (std::vector<int>{0, 1, 2, 3, 4, 5}));
    const CronPart names = MustParse(
                               "0 0 * jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec "
                               "sun,mon,tue,wed,thu,fri,sat")
                               .cron_parts.at(0);
    EXPECT_EQ(names.months.count(), 12u);
    EXPECT_EQ(names.days_of_week.count(), 7u);
    EXPECT_EQ(Bits(MustParse("0 0 * * tue/2").cron_parts.at(0).days_of_week),
              (std::vector<int>{2, 4, 6}));
}

TEST(ParseSchedule, SevenIsSunday)
{
    EXPECT_EQ(Bits(MustParse("0 0 * * 7").cron_parts.at(0).days_of_week), (std::vector<int>{0}));
    EXPECT_EQ(Bits(MustParse("0 0 * * 5-7").cron_parts.at(0).days_of_week),
              (std::vector<int>{0, 5, 6}));
    EXPECT_EQ(Bits(MustParse("0 0 * * 0,7").cron_parts.at(0).days_of_week), (std::vector<int>{0}));
}

TEST(ParseSchedule, AFieldStartingWithStarIsUnrestricted)
{
    const CronPart stepped = MustParse("0 0 */2 * */3").cron_parts.at(0);
    EXPECT_TRUE(stepped.day_of_month_star);
    EXPECT_TRUE(stepped.day_of_week_star);
    const CronPart listed = MustParse("0 0 1-31 * 0-7").cron_parts.at(0);
    EXPECT_FALSE(listed.day_of_month_star);
    EXPECT_FALSE(listed.day_of_week_star);
}

TEST(ParseSchedule, PartsAndWhitespace)
{
    const Schedule schedule = MustParse("  0 0 * * *\t;\t@hourly ;5 minutes;\n30  s  ");
    EXPECT_EQ(schedule.cron_parts.size(), 2u);
    EXPECT_EQ(schedule.interval_periods, (std::vector<int64_t>{300, 30}));
    const CronPart spaced = MustParse("1\t2   3 4\t\t5").cron_parts.at(0);
    EXPECT_EQ(Bits(spaced.minutes), (std::vector<int>{1}));
    EXPECT_EQ(Bits(spaced.days_of_week), (std::vector<int>{5}));
}

TEST(ParseSchedule, MacrosExpandToTheirCronLines)
{
    const std::pair<const char *, const char *> macros[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"}, {"@DAILY", "0 0 * * *"},
    };
    for (auto [macro, line] : macros) {
        const CronPart a = MustParse(macro).cron_parts.at(0);
        const CronPart b = MustParse(line).cron_parts.at(0);
        EXPECT_EQ(a.minutes, b.minutes) << macro;
        EXPECT_EQ(a.hours, b.hours) << macro;
        EXPECT_EQ(a.days_of_month, b.days_of_month) << macro;
        EXPECT_EQ(a.months, b.months) << macro;
        EXPECT_EQ(a.days_of_week, b.days_of_week) << macro;
        EXPECT_EQ(a.day_of_month_star, b.day_of_month_star) << macro;
        EXPECT_EQ(a.day_of_week_star, b.day_of_week_star) << macro;
    }
}

TEST(ParseSchedule, IntervalUnits)
{
    const std::pair<const char *, int64_t> intervals[] = {
        {"30 seconds", 30},  {"1 second", 1},    {"2 sec", 2},       {"3 secs", 3},
        {"4 s", 4},          {"5 minutes", 300}, {"1 minute", 60},   {"2 min", 120},
        {"3 mins", 180},     {"4 m", 240},       {"1 hour", 3600},   {"2 hours", 7200},
        {"3 h", 10800},      {"1 day", 86400},   {"2 days", 172800}, {"3 d", 259200},
        {"10 MINUTES", 600}, {"1 Hour", 3600},   {"007 s", 7},       {"3650 days", 3650 * kDay},
    };
    for (auto [text, seconds] : intervals)
        EXPECT_EQ(MustParse(text).interval_periods, (std::vector<int64_t>{seconds})) << text;
}

TEST(ParseSchedule, FixedTimeMeansOneMinuteAndOneHour)
{
    EXPECT_TRUE(MustParse("30 2 * * *").cron_parts.at(0).FixedTime());
    EXPECT_TRUE(MustParse("0 0 1 1 *").cron_parts.at(0).FixedTime());
    EXPECT_TRUE(MustParse("@daily").cron_parts.at(0).FixedTime());
    EXPECT_FALSE(MustParse("@hourly").cron_parts.at(0).FixedTime());
    EXPECT_FALSE(MustParse("*/15 * * * *").cron_parts.at(0).FixedTime());
    EXPECT_FALSE(MustParse("0 */2 * * *").cron_parts.at(0).FixedTime());
    EXPECT_FALSE(MustParse("0 6-22 * * *").cron_parts.at(0).FixedTime());
    EXPECT_FALSE(MustParse("15,45 2 * * *").cron_parts.at(0).FixedTime());
}

struct Rejection {
    const char *text;
    const char *message;
    size_t position;
};

TEST(ParseSchedule, RejectionsSayWhatAndWhere)
{
    const Rejection rejections[] = {
        {"", "empty schedule", 0},
        {"  \t ", "empty schedule", 0},
        {"0 0 * * *;;@daily", "empty schedule part", 10},
        {";@daily", "empty schedule part", 0},
        {"@daily;", "empty schedule part", 7},
        {"@daily; ;@hourly", "empty schedule part", 8},
        {"61 * * * *", "minute value 61 is out of range 0-59", 0},
        {"0 24 * * *", "hour value 24 is out of range 0-23", 2},
        {"0 0 0 * *", "day-of-month value 0 is out of range 1-31", 4},
        {"0 0 32 * *", "day-of-month value 32 is out of range 1-31", 4},
        {"0 0 * 0 *", "month value 0 is out of range 1-12", 6},
        {"0 0 * 13 *", "month value 13 is out of range 1-12", 6},
        {"0 0 * * 8", "day-of-week value 8 is out of range 0-7", 8},
        {"0 0-60 * * *", "hour value 60 is out of range 0-23", 4},
        {"99999999999999999999 * * * *", "minute value 99999999999999999999 is out of range 0-59",
         0},
        {"@daily;  61 * * * *", "minute value 61 is out of range 0-59", 9},
        {"* * * *", "expected 5 fields, found 4", 7},
        {"* * * * * *", "expected 5 fields, found 6", 10},
        {"5", "expected 5 fields, found 1", 1},
        {"5 4", "expected 5 fields, found 2", 3},
        {"5 fortnights", "unknown unit \"fortnights\"", 2},
        {"0 minutes", "interval value 0 is not positive", 0},
        {"1.5 hours", "invalid interval value \"1.5\"", 0},
        {"-5 minutes", "invalid interval value \"-5\"", 0},
        {"3651 days", "interval \"3651 days\" is longer than 3650 days", 0},
        {"99999999999999999999 s", "interval \"99999999999999999999 s\" is longer than 3650 days",
         0},
        {"@reboot", "unknown macro \"@reboot\"", 0},
        {"@daily 5", "unexpected \"5\" after \"@daily\"", 7},
        {"*/0 * * * *", "minute step 0 must be at least 1", 2},
        {"* * * 1-12/0 *", "month step 0 must be at least 1", 11},
        {"*/ * * * *", "missing minute step after \"/\"", 2},
        {"*/x * * * *", "invalid minute step \"x\"", 2},
        {"0 22-6 * * *", "hour range \"22-6\" is not ascending", 2},
        {"0 0 * * fri-mon", "day-of-week range \"fri-mon\" is not ascending", 8},
        {"0 0 * dec-jan *", "month range \"dec-jan\" is not ascending", 6},
        {"0 0 * foo *", "unknown month name \"foo\"", 6},
        {"0 0 * * monday", "unknown day-of-week name \"monday\"", 8},
        {"x * * * *", "invalid minute value \"x\"", 0},
        {"0 jan * * *", "invalid hour value \"jan\"", 2},
        {"0 0 L * *", "invalid day-of-month value \"L\"", 4},
        {"0 0 * * 1x", "invalid day-of-week value \"1x\"", 8},
        {"1,,2 * * * *", "empty element in minute list", 2},
        {"1, * * * *", "empty element in minute list", 2},
        {",1 * * * *", "empty element in minute list", 0},
        {"5- * * * *", "missing minute value after \"-\"", 2},
        {"? * * * *", "unexpected character \"?\" in minute field", 0},
        {"*5 * * * *", "unexpected character \"5\" in minute field", 1},
        {"1-*/2 * * * *", "unexpected character \"*\" in minute field", 2},
        {"0 0 1-5-7 * *", "unexpected character \"-\" in day-of-month field", 7},
        {"0 0 $ * *", "unexpected character \"$\" in day-of-month field", 4},
    };
    for (const auto &r : rejections) {
        auto result = ParseSchedule(r.text);
        EXPECT_FALSE(result.ok()) << r.text;
        EXPECT_EQ(result.error, r.message) << r.text;
        EXPECT_EQ(result.error_position, r.position) << r.text;
    }
}

// ---- Next fire times in UTC --------------------------------------------------------------

TEST(NextAfter, IsStrictlyAfterAndAtSecondZero)
{
    EXPECT_EQ(Next("* * * * *", "2025-01-01 12:00:00"), "2025-01-01 12:01:00");
    EXPECT_EQ(Next("* * * * *", "2025-01-01 12:00:30"), "2025-01-01 12:01:00");
    EXPECT_EQ(Next("* * * * *", "2025-01-01 11:59:59"), "2025-01-01 12:00:00");
    EXPECT_EQ(Next("0 12 * * *", "2025-01-01 12:00:00"), "2025-01-02 12:00:00");
    EXPECT_EQ(Next("0 12 * * *", "2025-01-01 11:59:59"), "2025-01-01 12:00:00");
    EXPECT_EQ(Next("59 23 31 12 *", "2025-06-01 00:00"), "2025-12-31 23:59:00");
    EXPECT_EQ(Next("0 0 1 1 *", "2025-12-31 23:59:59"), "2026-01-01 00:00:00");
}

TEST(NextAfter, EveryTwoMinutesDuringTheDay)
{
    const std::string day = "*/2 6-22 * * *";
    EXPECT_EQ(Next(day, "2025-01-01 00:00"), "2025-01-01 06:00:00");
    EXPECT_EQ(Next(day, "2025-01-01 06:00"), "2025-01-01 06:02:00");
    EXPECT_EQ(Next(day, "2025-01-01 06:01:59"), "2025-01-01 06:02:00");
    EXPECT_EQ(Next(day, "2025-01-01 22:57"), "2025-01-01 22:58:00");
    EXPECT_EQ(Next(day, "2025-01-01 22:58"), "2025-01-02 06:00:00");
    // 17 hours of 30 runs each, then the next morning.
    auto runs = NextRuns(MustParse(day), Utc("2025-01-01 00:00"), 511, kUtc);
    ASSERT_EQ(runs.size(), 511u);
    EXPECT_EQ(Format(runs[509]), "2025-01-01 22:58:00");
    EXPECT_EQ(Format(runs[510]), "2025-01-02 06:00:00");
}

TEST(NextAfter, DayAndOffHoursCadenceCombined)
{
    EXPECT_EQ(Runs("*/2 6-22 * * *; */15 0-5,23 * * *", "2025-01-01 22:56", 6),
              (Strings{"2025-01-01 22:58:00", "2025-01-01 23:00:00", "2025-01-01 23:15:00",
                       "2025-01-01 23:30:00", "2025-01-01 23:45:00", "2025-01-02 00:00:00"}));
    EXPECT_EQ(Runs("*/2 6-22 * * *; */15 0-5,23 * * *", "2025-01-02 05:30", 4),
              (Strings{"2025-01-02 05:45:00", "2025-01-02 06:00:00", "2025-01-02 06:02:00",
                       "2025-01-02 06:04:00"}));
    // Parts that share instants fire once.
    EXPECT_EQ(Runs("*/10 * * * *; */15 * * * *", "2025-01-01 00:00", 5),
              (Strings{"2025-01-01 00:10:00", "2025-01-01 00:15:00", "2025-01-01 00:20:00",
                       "2025-01-01 00:30:00", "2025-01-01 00:40:00"}));
}

TEST(NextAfter, DayOfMonthOrDayOfWeekWhenBothRestricted)
{
    // 2025-06-01 is a Sunday: Fridays and the 13th.
    EXPECT_EQ(Runs("0 0 13 * fri", "2025-06-01 00:00", 8),
              (Strings{"2025-06-06 00:00:00", "2025-06-13 00:00:00", "2025-06-20 00:00:00",
                       "2025-06-27 00:00:00", "2025-07-04 00:00:00", "2025-07-11 00:00:00",
                       "2025-07-13 00:00:00", "2025-07-18 00:00:00"}));
    // Both restricted with the month still applying: the Mondays of February.
    EXPECT_EQ(Next("0 0 30 2 mon", "2025-06-01 00:00"), "2026-02-02 00:00:00");
}

TEST(NextAfter, DayOfMonthAndDayOfWeekWhenOneIsStar)
{
    EXPECT_EQ(Runs("0 0 13 * *", "2025-06-01 00:00", 2),
              (Strings{"2025-06-13 00:00:00", "2025-07-13 00:00:00"}));
    EXPECT_EQ(Runs("0 0 * * fri", "2025-06-01 00:00", 2),
              (Strings{"2025-06-06 00:00:00", "2025-06-13 00:00:00"}));
    // "*/2" starts with a star, so it is combined with AND: odd days that are Mondays.
    EXPECT_EQ(Runs("0 0 */2 * mon", "2025-06-01 00:00", 4),
              (Strings{"2025-06-09 00:00:00", "2025-06-23 00:00:00", "2025-07-07 00:00:00",
                       "2025-07-21 00:00:00"}));
    EXPECT_EQ(Next("0 0 * * 7", "2025-06-01 00:00"), "2025-06-08 00:00:00");
    EXPECT_EQ(Next("0 0 * * sun", "2025-06-01 00:00"), "2025-06-08 00:00:00");
}

TEST(NextAfter, Macros)
{
    EXPECT_EQ(Next("@yearly", "2025-06-01 10:30"), "2026-01-01 00:00:00");
    EXPECT_EQ(Next("@annually", "2025-06-01 10:30"), "2026-01-01 00:00:00");
    EXPECT_EQ(Next("@monthly", "2025-06-01 10:30"), "2025-07-01 00:00:00");
    EXPECT_EQ(Next("@weekly", "2025-06-01 10:30"), "2025-06-08 00:00:00");
    EXPECT_EQ(Next("@daily", "2025-06-01 10:30"), "2025-06-02 00:00:00");
    EXPECT_EQ(Next("@midnight", "2025-06-01 10:30"), "2025-06-02 00:00:00");
    EXPECT_EQ(Next("@hourly", "2025-06-01 10:30"), "2025-06-01 11:00:00");
}

TEST(NextAfter, IntervalsFireOnAGridFromTheEpoch)
{
    EXPECT_EQ(Next("30 seconds", "2025-01-01 12:00:10"), "2025-01-01 12:00:30");
    EXPECT_EQ(Next("30 seconds", "2025-01-01 12:00:30"), "2025-01-01 12:01:00");
    EXPECT_EQ(Next("5 minutes", "2025-01-01 12:03:00"), "2025-01-01 12:05:00");
    EXPECT_EQ(Next("5 minutes", "2025-01-01 12:05:00"), "2025-01-01 12:10:00");
    EXPECT_EQ(Next("1 hour", "2025-01-01 12:59:59"), "2025-01-01 13:00:00");
    // 2025-01-01 is day 20089 since the epoch: two-day steps land on even days.
    EXPECT_EQ(Next("2 d", "2025-01-01 00:00"), "2025-01-02 00:00:00");
    EXPECT_EQ(Next("2 d", "2025-01-02 00:00"), "2025-01-04 00:00:00");
    // 1970-01-01 was a Thursday; 2025-06-05 is the Thursday after 2025-06-01.
    EXPECT_EQ(Next("7 days", "2025-06-01 00:00"), "2025-06-05 00:00:00");
    // Before the epoch the grid continues.
    EXPECT_EQ(Next("1 hour", "1969-12-31 23:00:00"), "1970-01-01 00:00:00");
    EXPECT_EQ(Next("1 hour", "1969-12-31 22:59:59"), "1969-12-31 23:00:00");
    // Time zones do not move the grid.
    EXPECT_EQ(Next("1 day", "2025-06-01 12:00", kEurope), "2025-06-02 00:00:00");
    EXPECT_EQ(Next("1 hour", "2025-03-30 00:30", kEurope), "2025-03-30 01:00:00");
}

TEST(NextAfter, LeapDay)
{
    EXPECT_EQ(Next("0 0 29 2 *", "2025-03-01 00:00"), "2028-02-29 00:00:00");
    EXPECT_EQ(Next("0 0 29 2 *", "2024-02-28 12:00"), "2024-02-29 00:00:00");
    EXPECT_EQ(Next("0 0 29 feb *", "2024-02-29 00:00"), "2028-02-29 00:00:00");
    // 2100 is not a leap year: eight years between two Feb 29s.
    EXPECT_EQ(Next("0 0 29 2 *", "2096-03-01 00:00"), "2104-02-29 00:00:00");
}

TEST(NextAfter, ThirtyFirstSkipsShortMonths)
{
    EXPECT_EQ(Next("0 0 31 * *", "2025-03-31 00:00"), "2025-05-31 00:00:00");
    EXPECT_EQ(Next("0 0 31 * *", "2025-01-31 00:00"), "2025-03-31 00:00:00");
    EXPECT_EQ(Runs("0 0 31 * *", "2025-01-01 00:00", 7),
              (Strings{"2025-01-31 00:00:00", "2025-03-31 00:00:00", "2025-05-31 00:00:00",
                       "2025-07-31 00:00:00", "2025-08-31 00:00:00", "2025-10-31 00:00:00",
                       "2025-12-31 00:00:00"}));
    EXPECT_EQ(Next("0 0 30 * *", "2025-01-30 00:00"), "2025-03-30 00:00:00");
}

TEST(NextAfter, ImpossibleSchedulesNeverFireAndAnswerFast)
{
    const char *impossible[] = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "* * 31 2 *",
                                "*/5 * 30,31 feb *", "0 0 31 apr-jun/2 *"};
    const auto start = std::chrono::steady_clock::now();
    for (const char *text : impossible) {
        EXPECT_EQ(Next(text, "2025-01-01 00:00"), "never") << text;
        EXPECT_EQ(Next(text, "2025-01-01 00:00", kEurope), "never") << text;
        EXPECT_TRUE(NextRuns(MustParse(text), Utc("2025-01-01 00:00"), 5, kUtc).empty());
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
    // An impossible part does not hide the others.
    EXPECT_EQ(Next("0 0 30 2 *; @daily", "2025-01-01 10:00"), "2025-01-02 00:00:00");
}

// The search walks dates, hours and minutes of the local calendar; the zone is asked about a
// handful of instants per answer, not about every minute in between (next to a fall-back, about
// one per minute of the repeated hour).
TEST(NextAfter, AsksTheZoneAboutFewInstants)
{
    const char *schedules[] = {"0 0 1 1 *",  "* * * * *",    "*/15 * * * *",
                               "0 0 29 2 *", "0 0 30 2 *",   "15,45 2 * * *",
                               "30 2 * * *", "0 0 13 * fri", "59 23 31 12 *"};
    for (const char *text : schedules)
        for (const char *after : {"2025-01-01 00:30", "2025-03-30 00:30", "2025-10-26 00:10"}) {
            CountingZone zone(kEurope);
            NextAfter(MustParse(text), Utc(after), zone);
            EXPECT_LE(zone.calls, 80) << text << " after " << after;
        }
}

TEST(NextAfter, FixedOffsetZones)
{
    const FixedOffsetZone kolkata(5 * 3600 + 1800);
    const FixedOffsetZone pacific(-8 * 3600);
    EXPECT_EQ(Next("0 9 * * *", "2025-06-01 00:00", kolkata), "2025-06-01 03:30:00");
    EXPECT_EQ(Next("0 9 * * *", "2025-06-01 03:30", kolkata), "2025-06-02 03:30:00");
    EXPECT_EQ(Next("0 0 1 1 *", "2025-06-01 00:00", pacific), "2026-01-01 08:00:00");
    // The day of week is the local one: 22:30 on Saturday UTC is 04:00 on Sunday in Kolkata.
    EXPECT_EQ(Next("0 4 * * sun", "2025-05-31 12:00", kolkata), "2025-05-31 22:30:00");
}

TEST(NextAfter, ManyRunsStayCheap)
{
    const auto start = std::chrono::steady_clock::now();
    auto runs = NextRuns(MustParse("* * * * *"), Utc("2025-10-20 00:00"), 20000, kEurope);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(runs.size(), 20000u);
    // Every real minute, the repeated hour included: a steady minute cadence in UTC.
    for (size_t i = 1; i < runs.size(); i++) ASSERT_EQ(runs[i] - runs[i - 1], 60) << i;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

// ---- Time zone conversions ---------------------------------------------------------------

TEST(FromLocal, UniqueGapAndOverlap)
{
    // Local wall-clock times are written like UTC ones.
    EXPECT_EQ(FromLocal(Utc("2025-06-01 12:00"), kEurope),
              (std::vector<int64_t>{Utc("2025-06-01 10:00")}));
    EXPECT_TRUE(FromLocal(Utc("2025-03-30 02:30"), kEurope).empty());
    EXPECT_TRUE(FromLocal(Utc("2025-03-30 02:00"), kEurope).empty());
    EXPECT_EQ(FromLocal(Utc("2025-03-30 03:00"), kEurope),
              (std::vector<int64_t>{Utc("2025-03-30 01:00")}));
    EXPECT_EQ(FromLocal(Utc("2025-10-26 02:30"), kEurope),
              (std::vector<int64_t>{Utc("2025-10-26 00:30"), Utc("2025-10-26 01:30")}));
    EXPECT_EQ(FromLocal(Utc("2025-10-26 03:00"), kEurope),
              (std::vector<int64_t>{Utc("2025-10-26 02:00")}));
    EXPECT_TRUE(FromLocal(Utc("2025-03-09 02:30"), kNewYork).empty());
    EXPECT_EQ(FromLocal(Utc("2025-11-02 01:30"), kNewYork),
              (std::vector<int64_t>{Utc("2025-11-02 05:30"), Utc("2025-11-02 06:30")}));
    EXPECT_EQ(ToLocal(Utc("2025-10-26 00:30"), kEurope), Utc("2025-10-26 02:30"));
    EXPECT_EQ(ToLocal(Utc("2025-10-26 01:30"), kEurope), Utc("2025-10-26 02:30"));
    EXPECT_EQ(ToLocal(Utc("2025-11-02 06:30"), kNewYork), Utc("2025-11-02 01:30"));
}

// ---- Daylight saving time: Europe ----------------------------------------------------------

TEST(DaylightSavingEurope, FixedTimeInTheGapRunsWhenTheGapEnds)
{
    EXPECT_EQ(Runs("30 2 * * *", "2025-03-28 12:00", 3, kEurope),
              (Strings{"2025-03-29 01:30:00",     // 02:30 CET
                       "2025-03-30 01:00:00",     // 02:30 does not exist: 03:00 CEST
                       "2025-03-31 00:30:00"}));  // 02:30 CEST
    EXPECT_EQ(Next("0 2 * * *", "2025-03-29 12:00", kEurope), "2025-03-30 01:00:00");
    EXPECT_EQ(Next("59 2 * * *", "2025-03-29 12:00", kEurope), "2025-03-30 01:00:00");
    // The first instant after the gap is already past: the next date.
    EXPECT_EQ(Next("30 2 * * *", "2025-03-30 01:00", kEurope), "2025-03-31 00:30:00");
    // Times outside the gap only move with the offset.
    EXPECT_EQ(Runs("0 12 * * *", "2025-03-29 00:00", 2, kEurope),
              (Strings{"2025-03-29 11:00:00", "2025-03-30 10:00:00"}));
}

TEST(DaylightSavingEurope, FixedTimeInTheOverlapRunsOnce)
{
    EXPECT_EQ(Runs("30 2 * * *", "2025-10-25 12:00", 2, kEurope),
              (Strings{"2025-10-26 00:30:00",  // 02:30 CEST; 02:30 CET (01:30 UTC) skipped
                       "2025-10-27 01:30:00"}));
    // Between the two occurrences the next one is the next day's.
    EXPECT_EQ(Next("30 2 * * *", "2025-10-26 00:30", kEurope), "2025-10-27 01:30:00");
    EXPECT_EQ(Next("0 2 * * *", "2025-10-25 12:00", kEurope), "2025-10-26 00:00:00");
    EXPECT_EQ(Next("0 3 * * *", "2025-10-25 12:00", kEurope), "2025-10-26 02:00:00");
}

TEST(DaylightSavingEurope, WildcardSkipsTheGap)
{
    EXPECT_EQ(Runs("15,45 2 * * *", "2025-03-29 12:00", 2, kEurope),
              (Strings{"2025-03-31 00:15:00", "2025-03-31 00:45:00"}));
    EXPECT_EQ(Runs("0 1-3 * * *", "2025-03-29 12:00", 3, kEurope),
              (Strings{"2025-03-30 00:00:00",     // 01:00 CET
                       "2025-03-30 01:00:00",     // 03:00 CEST; 02:00 does not exist
                       "2025-03-30 23:00:00"}));  // 01:00 CEST on the 31st
    // A steady cadence stays steady in UTC across the gap.
    EXPECT_EQ(Runs("*/15 * * * *", "2025-03-30 00:30", 4, kEurope),
              (Strings{"2025-03-30 00:45:00", "2025-03-30 01:00:00", "2025-03-30 01:15:00",
                       "2025-03-30 01:30:00"}));
}

TEST(DaylightSavingEurope, WildcardRepeatsTheOverlap)
{
    EXPECT_EQ(Runs("15,45 2 * * *", "2025-10-25 12:00", 5, kEurope),
              (Strings{"2025-10-26 00:15:00", "2025-10-26 00:45:00", "2025-10-26 01:15:00",
                       "2025-10-26 01:45:00", "2025-10-27 01:15:00"}));
    EXPECT_EQ(Runs("0 1-3 * * *", "2025-10-25 12:00", 5, kEurope),
              (Strings{"2025-10-25 23:00:00",     // 01:00 CEST
                       "2025-10-26 00:00:00",     // 02:00 CEST
                       "2025-10-26 01:00:00",     // 02:00 CET
                       "2025-10-26 02:00:00",     // 03:00 CET
                       "2025-10-27 00:00:00"}));  // 01:00 CET
    EXPECT_EQ(Runs("@hourly", "2025-10-25 23:30", 3, kEurope),
              (Strings{"2025-10-26 00:00:00", "2025-10-26 01:00:00", "2025-10-26 02:00:00"}));
    // From inside the first pass of the repeated hour, its second pass follows.
    EXPECT_EQ(Next("15,45 2 * * *", "2025-10-26 00:50", kEurope), "2025-10-26 01:15:00");
    EXPECT_EQ(Runs("*/15 * * * *", "2025-10-26 00:30", 4, kEurope),
              (Strings{"2025-10-26 00:45:00", "2025-10-26 01:00:00", "2025-10-26 01:15:00",
                       "2025-10-26 01:30:00"}));
}

// ---- Daylight saving time: New York --------------------------------------------------------

TEST(DaylightSavingNewYork, FixedTimeInTheGapRunsWhenTheGapEnds)
{
    EXPECT_EQ(Runs("30 2 * * *", "2025-03-07 12:00", 3, kNewYork),
              (Strings{"2025-03-08 07:30:00",     // 02:30 EST
                       "2025-03-09 07:00:00",     // 02:30 does not exist: 03:00 EDT
                       "2025-03-10 06:30:00"}));  // 02:30 EDT
    EXPECT_EQ(Next("0 2 * * *", "2025-03-08 12:00", kNewYork), "2025-03-09 07:00:00");
    EXPECT_EQ(Next("0 3 * * *", "2025-03-08 12:00", kNewYork), "2025-03-09 07:00:00");
}

TEST(DaylightSavingNewYork, FixedTimeInTheOverlapRunsOnce)
{
    EXPECT_EQ(Runs("30 1 * * *", "2025-11-01 12:00", 2, kNewYork),
              (Strings{"2025-11-02 05:30:00",  // 01:30 EDT; 01:30 EST (06:30 UTC) skipped
                       "2025-11-03 06:30:00"}));
    EXPECT_EQ(Next("30 1 * * *", "2025-11-02 05:30", kNewYork), "2025-11-03 06:30:00");
    // 02:30 comes once, in EST.
    EXPECT_EQ(Next("30 2 * * *", "2025-11-01 12:00", kNewYork), "2025-11-02 07:30:00");
}

TEST(DaylightSavingNewYork, WildcardSkipsTheGapAndRepeatsTheOverlap)
{
    EXPECT_EQ(Runs("*/30 2 * * *", "2025-03-08 12:00", 2, kNewYork),
              (Strings{"2025-03-10 06:00:00", "2025-03-10 06:30:00"}));
    EXPECT_EQ(Runs("*/30 1 * * *", "2025-11-01 12:00", 5, kNewYork),
              (Strings{"2025-11-02 05:00:00", "2025-11-02 05:30:00", "2025-11-02 06:00:00",
                       "2025-11-02 06:30:00", "2025-11-03 06:00:00"}));
    EXPECT_EQ(Runs("0 * * * *", "2025-11-02 04:30", 4, kNewYork),
              (Strings{"2025-11-02 05:00:00", "2025-11-02 06:00:00", "2025-11-02 07:00:00",
                       "2025-11-02 08:00:00"}));
}

TEST(DaylightSavingNewYork, LocalMidnightAndTheLocalDate)
{
    EXPECT_EQ(Runs("@daily", "2025-03-08 00:00", 3, kNewYork),
              (Strings{"2025-03-08 05:00:00", "2025-03-09 05:00:00", "2025-03-10 04:00:00"}));
    // 23:00 Saturday in New York is already Sunday in UTC; the local day counts.
    EXPECT_EQ(Next("0 23 * * sat", "2025-06-01 12:00", kNewYork), "2025-06-08 03:00:00");
}

// ---- NextRuns, LatestAtOrBefore, InWindow, TypicalPeriod -----------------------------------

TEST(NextRuns, CountsAndEdges)
{
    EXPECT_TRUE(Runs("@daily", "2025-01-01 00:00", 0).empty());
    EXPECT_TRUE(Runs("@daily", "2025-01-01 00:00", -3).empty());
    EXPECT_EQ(Runs("@daily", "2025-01-01 00:00", 3),
              (Strings{"2025-01-02 00:00:00", "2025-01-03 00:00:00", "2025-01-04 00:00:00"}));
    // Near the end of supported time the runs stop.
    EXPECT_EQ(Runs("@yearly", "9998-06-01 00:00", 5), (Strings{"9999-01-01 00:00:00"}));
}

TEST(LatestAtOrBefore, FindsTheLastOccurrenceInARange)
{
    const Schedule five = MustParse("*/5 * * * *");
    auto latest = LatestAtOrBefore(five, Utc("2025-01-01 10:52"), Utc("2025-01-01 10:00"), kUtc);
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(Format(*latest), "2025-01-01 10:50:00");
    latest = LatestAtOrBefore(five, Utc("2025-01-01 10:50"), Utc("2025-01-01 10:00"), kUtc);
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(Format(*latest), "2025-01-01 10:50:00");
    EXPECT_FALSE(
        LatestAtOrBefore(five, Utc("2025-01-01 10:54"), Utc("2025-01-01 10:50"), kUtc).has_value());
    EXPECT_FALSE(LatestAtOrBefore(MustParse("0 0 30 2 *"), Utc("2025-01-01 10:54"),
                                  Utc("2020-01-01 00:00"), kUtc)
                     .has_value());
    // The overlap's second 01:30 is not an occurrence of a fixed-time schedule.
    latest = LatestAtOrBefore(MustParse("30 1 * * *"), Utc("2025-11-02 06:45"),
                              Utc("2025-11-01 00:00"), kNewYork);
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(Format(*latest), "2025-11-02 05:30:00");
}

TEST(InWindow, BoundariesAreHalfOpen)
{
    const Schedule window = MustParse("0 2 * * *");
    const int64_t three_hours = 3 * 3600;
    EXPECT_FALSE(InWindow(window, three_hours, Utc("2025-01-01 01:59:59"), kUtc));
    EXPECT_TRUE(InWindow(window, three_hours, Utc("2025-01-01 02:00:00"), kUtc));
    EXPECT_TRUE(InWindow(window, three_hours, Utc("2025-01-01 04:59:59"), kUtc));
    EXPECT_FALSE(InWindow(window, three_hours, Utc("2025-01-01 05:00:00"), kUtc));
    EXPECT_FALSE(InWindow(window, 0, Utc("2025-01-01 02:00:00"), kUtc));
    EXPECT_FALSE(InWindow(window, -5, Utc("2025-01-01 02:00:00"), kUtc));
    EXPECT_TRUE(InWindow(window, 1, Utc("2025-01-01 02:00:00"), kUtc));
    EXPECT_FALSE(InWindow(window, 1, Utc("2025-01-01 02:00:01"), kUtc));
}

TEST(InWindow, OvernightWindowInALocalZone)
{
    // 22:00-06:00 local: 20:00-04:00 UTC in summer.
    const Schedule night = MustParse("0 22 * * *");
    const int64_t eight_hours = 8 * 3600;
    EXPECT_FALSE(InWindow(night, eight_hours, Utc("2025-06-01 19:59:59"), kEurope));
    EXPECT_TRUE(InWindow(night, eight_hours, Utc("2025-06-01 20:00:00"), kEurope));
    EXPECT_TRUE(InWindow(night, eight_hours, Utc("2025-06-02 03:00:00"), kEurope));
    EXPECT_TRUE(InWindow(night, eight_hours, Utc("2025-06-02 03:59:59"), kEurope));
    EXPECT_FALSE(InWindow(night, eight_hours, Utc("2025-06-02 04:00:00"), kEurope));
    // Openings closer together than the duration: always open.
    for (const char *now : {"2025-06-01 00:00", "2025-06-01 00:59:59", "2025-06-01 13:30"})
        EXPECT_TRUE(InWindow(MustParse("@hourly"), 2 * 3600, Utc(now), kEurope)) << now;
    EXPECT_FALSE(InWindow(MustParse("0 0 30 2 *"), 365 * kDay, Utc("2025-06-01 00:00"), kUtc));
}

TEST(TypicalPeriod, GapBetweenTheNextTwoRuns)
{
    auto period = [](const char *schedule, const char *from, const TimeZoneRules &tz) {
        return TypicalPeriod(MustParse(schedule), Utc(from), tz);
    };
    EXPECT_EQ(period("*/15 * * * *", "2025-01-01 00:00", kUtc), 900);
    EXPECT_EQ(period("5 minutes", "2025-01-01 00:01", kUtc), 300);
    EXPECT_EQ(period("@daily", "2025-01-01 00:00", kUtc), kDay);
    EXPECT_EQ(period("*/2 6-22 * * *; */15 0-5,23 * * *", "2025-01-01 22:57", kUtc), 120);
    // The local day that loses an hour is 23 hours long.
    EXPECT_EQ(period("@daily", "2025-03-08 06:00", kNewYork), 23 * 3600);
    EXPECT_EQ(period("0 0 30 2 *", "2025-01-01 00:00", kUtc), std::nullopt);
}

}  // namespace
}  // namespace pg_tviews::core
