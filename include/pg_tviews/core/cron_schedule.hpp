// Refresh schedules of managed materialized views, free of PostgreSQL: schedule text, and the
// instants at which a schedule fires in a time zone.
//
// Time is int64_t seconds since the Unix epoch (UTC), within years 1 to 9999; a time zone is
// injected (the server implements TimeZoneRules with pg_localtime()).
//
// Grammar (case-insensitive; whitespace is spaces, tabs and line breaks):
//   schedule := part { ";" part }           fires at the union of its parts' times; whitespace
//                                           around parts is ignored; no part may be empty
//   part     := cron | macro | interval
//   cron     := minute hour day-of-month month day-of-week   (5 fields separated by whitespace)
//   field    := element { "," element }
//   element  := "*" [ "/" step ] | value [ "-" value ] [ "/" step ]
//               "a/n" steps from a to the field maximum; ranges ascend; step >= 1
//   value    := a number within the field's bounds: minute 0-59, hour 0-23, day-of-month 1-31,
//               month 1-12 or jan..dec, day-of-week 0-7 or sun..sat (0 and 7 are Sunday)
//   macro    := @yearly | @annually (0 0 1 1 *) | @monthly (0 0 1 * *) | @weekly (0 0 * * 0)
//             | @daily | @midnight (0 0 * * *) | @hourly (0 * * * *)
//   interval := positive-integer unit       at most 3650 days
//   unit     := second(s) | sec(s) | s | minute(s) | min(s) | m | hour(s) | h | day(s) | d
//
// Semantics:
// * A cron part fires at second 0 of the local minutes it matches. A day matches when its month
//   matches and, as in Vixie cron, its day of month OR its day of week matches when both fields
//   are restricted, both of them otherwise; a field starting with "*" ("*", "*/2") is not
//   restricted.
// * An interval part fires at every multiple of its period since the Unix epoch, in UTC and
//   whatever the time zone ("5 minutes" at :00, :05, ...; "7 days" on Thursdays at 00:00 UTC):
//   a fixed grid that run times never shift.
// * Daylight saving time. A cron part is fixed-time when its minute field and its hour field
//   each hold exactly one value ("30 2 * * *"), wildcard otherwise ("*/15 * * * *",
//   "0 */2 * * *", "0 6-22 * * *", "15,45 2 * * *").
//   - A wildcard part fires at every real instant whose local time matches: minutes skipped by
//     a spring-forward gap never fire, minutes repeated by a fall-back overlap fire twice (once
//     per UTC instant).
//   - A fixed-time part fires once per matching local date: at the first instant after the gap
//     when its time falls in a gap (02:30 on the European spring-forward day fires at 03:00 CEST,
//     01:00 UTC), at the earlier instant only when it falls in an overlap.
//   Offsets are assumed to change at most once in any two days, by less than a day.
// * A cron part that does not fire within 3000 days (more than the 8 years between the Feb 29s
//   around 2100) never fires: "0 0 30 2 *" is never due.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg_tviews::core {

// Time zone rules: the offset from UTC in effect at an instant.
class TimeZoneRules {
   public:
    virtual ~TimeZoneRules() = default;

    // Seconds east of UTC in effect at utc_seconds.
    virtual int32_t UtcOffsetAt(int64_t utc_seconds) const = 0;
};

// A zone without daylight saving time (UTC is FixedOffsetZone(0)).
class FixedOffsetZone final : public TimeZoneRules {
   public:
    explicit FixedOffsetZone(int32_t offset_seconds) : offset_seconds_(offset_seconds) {}
    int32_t UtcOffsetAt(int64_t) const override { return offset_seconds_; }

   private:
    int32_t offset_seconds_;
};

// Local wall-clock time of an instant, as seconds since 1970-01-01 00:00 local.
int64_t ToLocal(int64_t utc_seconds, const TimeZoneRules &tz);

// The instants at which a local wall-clock time occurs, ascending: none in a gap, two in an
// overlap. Candidates are the local time minus the offsets in effect a day before and a day
// after; a candidate is kept when its own offset maps it back to the local time.
std::vector<int64_t> FromLocal(int64_t local_seconds, const TimeZoneRules &tz);

// One 5-field cron line (macros are expanded to one).
struct CronPart {
    std::bitset<60> minutes;
    std::bitset<24> hours;
    std::bitset<32> days_of_month;  // bits 1-31
    std::bitset<13> months;         // bits 1-12
    std::bitset<7> days_of_week;    // 0 = Sunday; 7 is folded into 0
    bool day_of_month_star = true;  // the field starts with "*"
    bool day_of_week_star = true;

    bool FixedTime() const { return minutes.count() == 1 && hours.count() == 1; }
};

struct Schedule {
    std::vector<CronPart> cron_parts;
    std::vector<int64_t> interval_periods;  // seconds
};

struct ScheduleParseResult {
    std::optional<Schedule> schedule;  // set exactly when parsing succeeded
    std::string error;                 // lower-case, no final period
    size_t error_position = 0;         // 0-based offset into the text: the offending token or
                                // character, the first extra field, or the end of a part that
                                // lacks fields (an empty part: its end)

    bool ok() const { return schedule.has_value(); }
};

// Parses schedule text (grammar above); never throws for bad input.
ScheduleParseResult ParseSchedule(std::string_view text);

// The smallest fire time strictly after t; nullopt when the schedule never fires again.
std::optional<int64_t> NextAfter(const Schedule &schedule, int64_t t, const TimeZoneRules &tz);

// Up to n successive fire times after from.
std::vector<int64_t> NextRuns(const Schedule &schedule, int64_t from, int n,
                              const TimeZoneRules &tz);

// The latest fire time s with after < s <= t, found by bisection over NextAfter.
std::optional<int64_t> LatestAtOrBefore(const Schedule &schedule, int64_t t, int64_t after,
                                        const TimeZoneRules &tz);

// True when a window opened by the schedule is open at now: some fire time s has
// s <= now < s + duration_seconds.
bool InWindow(const Schedule &window, int64_t duration_seconds, int64_t now,
              const TimeZoneRules &tz);

// Seconds between the next two fire times after from (a default staleness threshold);
// nullopt when the schedule does not fire twice more.
std::optional<int64_t> TypicalPeriod(const Schedule &schedule, int64_t from,
                                     const TimeZoneRules &tz);

}  // namespace pg_tviews::core
