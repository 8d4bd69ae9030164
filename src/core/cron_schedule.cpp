#include "pg_tviews/core/cron_schedule.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>

namespace pg_tviews::core {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMinTime = -62135596800;  // 0001-01-01 00:00:00 UTC
constexpr int64_t kMaxTime = 253402300799;  // 9999-12-31 23:59:59 UTC
constexpr int64_t kSearchDays = 3000;
constexpr int64_t kMaxIntervalDays = 3650;
constexpr int64_t kNumberCap = 1000000000000;  // larger numbers are out of range anyway

int64_t FloorDiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t FloorMod(int64_t a, int64_t b)
{
    return a - FloorDiv(a, b) * b;
}

struct CivilDate {
    int64_t year;
    unsigned month;  // 1-12
    unsigned day;    // 1-31
};

// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
CivilDate CivilFromDays(int64_t days)
{
    days += 719468;
    const int64_t era = FloorDiv(days, 146097);
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const unsigned day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const unsigned month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return CivilDate{yoe + era * 400 + (month <= 2), month, day};
}

bool IsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool IsLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAlnum(char c)
{
    return IsDigit(c) || IsLetter(c);
}

bool AllOf(std::string_view text, bool (*predicate)(char))
{
    return !text.empty() && std::all_of(text.begin(), text.end(), predicate);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    return true;
}

// Digits only; saturates at kNumberCap so that huge numbers still compare as too large.
int64_t ParseDigits(std::string_view digits)
{
    int64_t value = 0;
    for (char c : digits) value = std::min(kNumberCap, value * 10 + (c - '0'));
    return value;
}

struct FieldSpec {
    const char *name;
    int min;
    int max;
    std::span<const std::string_view> names;  // names[i] is the value min + i
};

constexpr std::string_view kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, kMonthNames},
    {"day-of-week", 0, 7, kDayNames},
};

struct Macro {
    std::string_view name;
    std::string_view expansion;
};

constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

struct Unit {
    std::string_view name;
    int64_t seconds;
};

constexpr Unit kUnits[] = {
    {"second", 1},   {"seconds", 1}, {"sec", 1},      {"secs", 1},  {"s", 1},       {"minute", 60},
    {"minutes", 60}, {"min", 60},    {"mins", 60},    {"m", 60},    {"hour", 3600}, {"hours", 3600},
    {"h", 3600},     {"day", 86400}, {"days", 86400}, {"d", 86400},
};

struct Token {
    std::string_view text;
    size_t position;  // in the whole schedule text
};

// Whitespace-separated tokens of text[begin, end).
std::vector<Token> Tokenize(std::string_view text, size_t begin, size_t end)
{
    std::vector<Token> tokens;
    for (size_t i = begin; i < end;) {
        if (IsSpace(text[i])) {
            i++;
            continue;
        }
        const size_t start = i;
        while (i < end && !IsSpace(text[i])) i++;
        tokens.push_back({text.substr(start, i - start), start});
    }
    return tokens;
}

class Parser {
   public:
    explicit Parser(std::string_view text) : text_(text) {}

    ScheduleParseResult Run()
    {
        ScheduleParseResult result;
        Schedule schedule;
        if (std::all_of(text_.begin(), text_.end(), IsSpace)) {
            Fail(0, "empty schedule");
        } else {
            size_t begin = 0;
            while (true) {
                size_t end = text_.find(';', begin);
                if (end == std::string_view::npos) end = text_.size();
                if (!ParsePart(begin, end, schedule)) break;
                if (end == text_.size()) break;
                begin = end + 1;
            }
        }
        if (failed_) {
            result.error = error_;
            result.error_position = error_position_;
        } else {
            result.schedule = std::move(schedule);
        }
        return result;
    }

   private:
    bool Fail(size_t position, std::string message)
    {
        failed_ = true;
        error_ = std::move(message);
        error_position_ = position;
        return false;
    }

    // One part spanning text_[begin, end).
    bool ParsePart(size_t begin, size_t end, Schedule &schedule)
    {
        const std::vector<Token> tokens = Tokenize(text_, begin, end);
        if (tokens.empty()) return Fail(end, "empty schedule part");

        if (tokens[0].text[0] == '@') return ParseMacro(tokens, schedule);
        if (tokens.size() == 2 && AllOf(tokens[1].text, IsLetter))
            return ParseInterval(tokens, schedule);
        if (tokens.size() != 5) {
            const size_t position = tokens.size() > 5
                                        ? tokens[5].position
                                        : tokens.back().position + tokens.back().text.size();
            return Fail(position, "expected 5 fields, found " + std::to_string(tokens.size()));
        }
        CronPart part;
        if (!ParseCron(tokens, part)) return false;
        schedule.cron_parts.push_back(part);
        return true;
    }

    bool ParseMacro(const std::vector<Token> &tokens, Schedule &schedule)
    {
        const Token &macro = tokens[0];
        if (tokens.size() > 1)
            return Fail(tokens[1].position, "unexpected \"" + std::string(tokens[1].text) +
                                                "\" after \"" + std::string(macro.text) + "\"");
        for (const auto &candidate : kMacros) {
            if (!EqualsIgnoreCase(macro.text, candidate.name)) continue;
            // The expansion cannot fail to parse; positions would be inside it.
            std::vector<Token> fields =
                Tokenize(candidate.expansion, 0, candidate.expansion.size());
            CronPart part;
            if (!ParseCron(fields, part)) return false;
            schedule.cron_parts.push_back(part);
            return true;
        }
        return Fail(macro.position, "unknown macro \"" + std::string(macro.text) + "\"");
    }

    bool ParseInterval(const std::vector<Token> &tokens, Schedule &schedule)
    {
        const Token &count = tokens[0];
        const Token &unit = tokens[1];
        if (!AllOf(count.text, IsDigit))
            return Fail(count.position,
                        "invalid interval value \"" + std::string(count.text) + "\"");
        int64_t unit_seconds = 0;
        for (const auto &candidate : kUnits)
            if (EqualsIgnoreCase(unit.text, candidate.name)) unit_seconds = candidate.seconds;
        if (unit_seconds == 0)
            return Fail(unit.position, "unknown unit \"" + std::string(unit.text) + "\"");
        const int64_t value = ParseDigits(count.text);
        if (value == 0) return Fail(count.position, "interval value 0 is not positive");
        if (value > kMaxIntervalDays * kSecondsPerDay / unit_seconds)
            return Fail(count.position, "interval \"" + std::string(count.text) + " " +
                                            std::string(unit.text) + "\" is longer than " +
                                            std::to_string(kMaxIntervalDays) + " days");
        schedule.interval_periods.push_back(value * unit_seconds);
        return true;
    }

    bool ParseCron(const std::vector<Token> &fields, CronPart &part)
    {
        std::array<std::bitset<64>, 5> bits;
        for (size_t f = 0; f < 5; f++)
            if (!ParseField(fields[f], kFields[f], bits[f])) return false;
        for (int i = 0; i < 60; i++) part.minutes[i] = bits[0][i];
        for (int i = 0; i < 24; i++) part.hours[i] = bits[1][i];
        for (int i = 1; i <= 31; i++) part.days_of_month[i] = bits[2][i];
        for (int i = 1; i <= 12; i++) part.months[i] = bits[3][i];
        for (int i = 0; i < 7; i++) part.days_of_week[i] = bits[4][i];
        if (bits[4][7]) part.days_of_week[0] = true;
        part.day_of_month_star = fields[2].text[0] == '*';
        part.day_of_week_star = fields[4].text[0] == '*';
        return true;
    }

    // A comma-separated list of elements into bits (bit i = value i).
    bool ParseField(const Token &field, const FieldSpec &spec, std::bitset<64> &bits)
    {
        const std::string_view f = field.text;
        const std::string name = spec.name;
        size_t i = 0;
        while (true) {
            if (i == f.size() || f[i] == ',')
                return Fail(field.position + i, "empty element in " + name + " list");
            int lo = spec.min;
            int hi = spec.max;
            if (f[i] == '*') {
                i++;
            } else {
                const size_t start = i;
                if (!ParseValue(field, i, spec, lo)) return false;
                hi = lo;
                if (i < f.size() && f[i] == '-') {
                    i++;
                    if (i == f.size())
                        return Fail(field.position + i, "missing " + name + " value after \"-\"");
                    if (!ParseValue(field, i, spec, hi)) return false;
                    if (lo > hi)
                        return Fail(field.position + start,
                                    name + " range \"" + std::string(f.substr(start, i - start)) +
                                        "\" is not ascending");
                } else if (i < f.size() && f[i] == '/') {
                    hi = spec.max;
                }
            }
            int64_t step = 1;
            if (i < f.size() && f[i] == '/') {
                i++;
                const size_t start = i;
                while (i < f.size() && IsAlnum(f[i])) i++;
                const std::string_view digits = f.substr(start, i - start);
                if (digits.empty())
                    return Fail(field.position + start, "missing " + name + " step after \"/\"");
                if (!AllOf(digits, IsDigit))
                    return Fail(field.position + start,
                                "invalid " + name + " step \"" + std::string(digits) + "\"");
                step = ParseDigits(digits);
                if (step == 0)
                    return Fail(field.position + start, name + " step 0 must be at least 1");
            }
            for (int64_t v = lo; v <= hi; v += step) bits[v] = true;
            if (i == f.size()) return true;
            if (f[i] != ',')
                return Fail(field.position + i, "unexpected character \"" + std::string(1, f[i]) +
                                                    "\" in " + name + " field");
            i++;
        }
    }

    // A number or a name at field.text[i], advancing i past it.
    bool ParseValue(const Token &field, size_t &i, const FieldSpec &spec, int &value)
    {
        const std::string_view f = field.text;
        const std::string name = spec.name;
        const size_t start = i;
        if (!IsAlnum(f[i]))
            return Fail(field.position + i, "unexpected character \"" + std::string(1, f[i]) +
                                                "\" in " + name + " field");
        while (i < f.size() && IsAlnum(f[i])) i++;
        const std::string_view token = f.substr(start, i - start);
        if (AllOf(token, IsDigit)) {
            const int64_t number = ParseDigits(token);
            if (number < spec.min || number > spec.max)
                return Fail(field.position + start,
                            name + " value " + std::string(token) + " is out of range " +
                                std::to_string(spec.min) + "-" + std::to_string(spec.max));
            value = static_cast<int>(number);
            return true;
        }
        if (spec.names.empty() || !AllOf(token, IsLetter))
            return Fail(field.position + start,
                        "invalid " + name + " value \"" + std::string(token) + "\"");
        for (size_t n = 0; n < spec.names.size(); n++)
            if (EqualsIgnoreCase(token, spec.names[n])) {
                value = spec.min + static_cast<int>(n);
                return true;
            }
        return Fail(field.position + start,
                    "unknown " + name + " name \"" + std::string(token) + "\"");
    }

    std::string_view text_;
    bool failed_ = false;
    std::string error_;
    size_t error_position_ = 0;
};

bool DateMatches(const CronPart &part, int64_t day)
{
    const CivilDate date = CivilFromDays(day);
    if (!part.months[date.month]) return false;
    const bool dom = part.days_of_month[date.day];
    const bool dow = part.days_of_week[FloorMod(day + 4, 7)];  // 1970-01-01 was a Thursday
    if (part.day_of_month_star || part.day_of_week_star) return dom && dow;
    return dom || dow;
}

// The first local minute at or after local_from that the part matches, searching kSearchDays.
std::optional<int64_t> NextLocalMinute(const CronPart &part, int64_t local_from)
{
    const int64_t from = FloorDiv(local_from + 59, 60) * 60;
    int64_t day = FloorDiv(from, kSecondsPerDay);
    const int64_t last_day = day + kSearchDays;
    const int64_t second_of_day = from - day * kSecondsPerDay;
    int first_hour = static_cast<int>(second_of_day / 3600);
    int first_minute = static_cast<int>(second_of_day % 3600 / 60);
    for (; day <= last_day; day++, first_hour = 0, first_minute = 0) {
        if (!DateMatches(part, day)) continue;
        for (int h = first_hour; h < 24; h++) {
            if (!part.hours[h]) continue;
            for (int m = h == first_hour ? first_minute : 0; m < 60; m++)
                if (part.minutes[m]) return day * kSecondsPerDay + h * 3600 + m * 60;
        }
    }
    return std::nullopt;
}

struct LocalInstants {
    int32_t offset_before;  // in effect a day before
    int32_t offset_after;   // in effect a day after
    std::vector<int64_t> instants;
};

// FromLocal, keeping the offsets it probed.
LocalInstants Resolve(int64_t local, const TimeZoneRules &tz)
{
    LocalInstants r{
        tz.UtcOffsetAt(local - kSecondsPerDay), tz.UtcOffsetAt(local + kSecondsPerDay), {}};
    for (int32_t offset : {r.offset_before, r.offset_after}) {
        const int64_t candidate = local - offset;
        if (candidate + tz.UtcOffsetAt(candidate) == local &&
            std::find(r.instants.begin(), r.instants.end(), candidate) == r.instants.end())
            r.instants.push_back(candidate);
    }
    std::sort(r.instants.begin(), r.instants.end());
    return r;
}

// The instant a fixed-time part fires for a local time: its first occurrence, or when the time
// is skipped the transition that ends the gap (where the later offset starts).
std::optional<int64_t> FixedTimeInstant(int64_t local, const TimeZoneRules &tz)
{
    const LocalInstants r = Resolve(local, tz);
    if (!r.instants.empty()) return r.instants.front();
    // In a gap the offset grows: local - after still has the old offset, local - before the new.
    int64_t lo = local - r.offset_after;
    int64_t hi = local - r.offset_before;
    if (lo >= hi || tz.UtcOffsetAt(hi) != r.offset_after) return std::nullopt;
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (tz.UtcOffsetAt(mid) == r.offset_after)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

std::optional<int64_t> CronNextAfter(const CronPart &part, int64_t t, const TimeZoneRules &tz)
{
    const int32_t offset_now = tz.UtcOffsetAt(t);
    const int32_t offset_later = tz.UtcOffsetAt(t + kSecondsPerDay);
    const int64_t local_now = t + offset_now;
    // A local time before now's can still come after t only when a fall-back within the next
    // day repeats it, with the later (smaller) offset.
    int64_t local_from = t + std::min(offset_now, offset_later);
    const int64_t local_limit = local_from + (kSearchDays + 1) * kSecondsPerDay;
    if (part.FixedTime()) {
        // One instant per date, increasing from date to date: the first one after t wins.
        while (auto local = NextLocalMinute(part, local_from)) {
            if (*local > local_limit) break;
            auto instant = FixedTimeInstant(*local, tz);
            if (instant && *instant > t) return instant;
            local_from = *local + 60;
        }
        return std::nullopt;
    }
    // Past now's local time, minutes first occur in increasing order and after t (when t is in
    // the second pass of an overlap, the rest of the pass occurs again after t): the first minute
    // occurring after t is the answer, unless a coming fall-back repeats an earlier one sooner.
    std::optional<int64_t> best;
    while (auto local = NextLocalMinute(part, local_from)) {
        if (*local > local_limit) break;
        local_from = *local + 60;
        if (*local <= local_now) {
            const int64_t repeat = *local - offset_later;
            if (repeat > t && ToLocal(repeat, tz) == *local && (!best || repeat < *best))
                best = repeat;
            continue;
        }
        bool found = false;
        for (int64_t instant : FromLocal(*local, tz))
            if (instant > t) {
                if (!best || instant < *best) best = instant;
                found = true;
                break;
            }
        if (found) break;
    }
    return best;
}

}  // namespace

int64_t ToLocal(int64_t utc_seconds, const TimeZoneRules &tz)
{
    return utc_seconds + tz.UtcOffsetAt(utc_seconds);
}

std::vector<int64_t> FromLocal(int64_t local_seconds, const TimeZoneRules &tz)
{
    return Resolve(local_seconds, tz).instants;
}

ScheduleParseResult ParseSchedule(std::string_view text)
{
    return Parser(text).Run();
}

std::optional<int64_t> NextAfter(const Schedule &schedule, int64_t t, const TimeZoneRules &tz)
{
    if (t < kMinTime || t >= kMaxTime) return std::nullopt;
    std::optional<int64_t> best;
    for (int64_t period : schedule.interval_periods) {
        const int64_t next = (FloorDiv(t, period) + 1) * period;
        if (!best || next < *best) best = next;
    }
    for (const auto &part : schedule.cron_parts) {
        auto next = CronNextAfter(part, t, tz);
        if (next && (!best || *next < *best)) best = next;
    }
    if (best && *best > kMaxTime) return std::nullopt;
    return best;
}

std::vector<int64_t> NextRuns(const Schedule &schedule, int64_t from, int n,
                              const TimeZoneRules &tz)
{
    std::vector<int64_t> runs;
    for (int i = 0; i < n; i++) {
        auto next = NextAfter(schedule, from, tz);
        if (!next) break;
        runs.push_back(*next);
        from = *next;
    }
    return runs;
}

std::optional<int64_t> LatestAtOrBefore(const Schedule &schedule, int64_t t, int64_t after,
                                        const TimeZoneRules &tz)
{
    if (after >= t) return std::nullopt;
    auto first = NextAfter(schedule, after, tz);
    if (!first || *first > t) return std::nullopt;
    // Invariant: NextAfter(lo) <= t < NextAfter(hi). At hi == lo + 1, NextAfter(lo) == hi.
    int64_t lo = *first - 1;
    int64_t hi = t;
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        auto next = NextAfter(schedule, mid, tz);
        if (next && *next <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

bool InWindow(const Schedule &window, int64_t duration_seconds, int64_t now,
              const TimeZoneRules &tz)
{
    if (duration_seconds <= 0 || now < kMinTime || now > kMaxTime) return false;
    // Open iff some opening lies in (now - duration, now], i.e. the first one after
    // now - duration is not later than now.
    const int64_t since = now - std::min(duration_seconds, now - kMinTime);
    auto opened = NextAfter(window, since, tz);
    return opened && *opened <= now;
}

std::optional<int64_t> TypicalPeriod(const Schedule &schedule, int64_t from,
                                     const TimeZoneRules &tz)
{
    auto runs = NextRuns(schedule, from, 2, tz);
    if (runs.size() < 2) return std::nullopt;
    return runs[1] - runs[0];
}

}  // namespace pg_tviews::core
