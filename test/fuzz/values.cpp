#include "values.hpp"

#include <vector>

namespace fuzz {

std::string Quote(const std::string &text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string Value::Sql() const
{
    if (!text) return "NULL";
    return quoted ? Quote(*text) : *text;
}

std::string Value::Copy() const
{
    if (!text) return "\\N";
    std::string out;
    for (char c : *text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Value Null()
{
    return Value{};
}
Value Int(int v)
{
    return Value{std::to_string(v), false};
}
Value Text(std::string v)
{
    return Value{std::move(v), true};
}
Value Raw(std::string v)
{
    return Value{std::move(v), false};
}

namespace {

Value PickText(Rng &rng, const std::vector<std::string> &choices, int null_percent)
{
    if (rng.Percent(null_percent)) return Null();
    return Text(rng.Pick(choices));
}

Value PickRaw(Rng &rng, const std::vector<std::string> &choices, int null_percent)
{
    if (rng.Percent(null_percent)) return Null();
    return Raw(rng.Pick(choices));
}

}  // namespace

Value ItemName(Rng &rng)
{
    // Quotes, backslashes, tabs, non-ASCII and the empty string exercise JSON and COPY escaping.
    static const std::vector<std::string> names{"apple",     "pear",    "fig", "o'hara", "a\\b",
                                                "tab\there", "Ünïcode", "",    "kiwi",   "Fig"};
    return PickText(rng, names, 8);
}

Value Price(Rng &rng)
{
    // 10 and 10.00 are equal numerics with different text: TVIEWs must show the latest.
    static const std::vector<std::string> prices{"0",    "5",     "9.99", "10",  "10.00",
                                                 "12.5", "15.25", "20",   "100", "-3"};
    return PickRaw(rng, prices, 8);
}

Value Qty(Rng &rng)
{
    if (rng.Percent(10)) return Null();
    return Int(rng.Int(0, 9));
}

Value Active(Rng &rng)
{
    return PickRaw(rng, {"true", "false"}, 10);
}

Value Tags(Rng &rng)
{
    static const std::vector<std::string> tags{"red", "blue", "red,blue", "green", "x"};
    return PickText(rng, tags, 20);
}

Value Note(Rng &rng)
{
    return Text("note " + std::to_string(rng.Int(0, 999)));
}

Value GroupRef(Rng &rng)
{
    if (rng.Percent(10)) return Null();
    return Int(rng.Int(1, kMaxGroup));
}

Value Title(Rng &rng)
{
    // tb_group.title has a deferred unique constraint: duplicates fail at COMMIT, sometimes.
    if (rng.Percent(10)) return Null();
    return Text("group " + std::to_string(rng.Int(1, 40)));
}

Value Region(Rng &rng)
{
    return PickText(rng, {"north", "south", "east", "west"}, 20);
}

Value Budget(Rng &rng)
{
    return PickRaw(rng, {"0", "50", "100", "100.0", "150", "1000"}, 15);
}

Value Stars(Rng &rng)
{
    if (rng.Percent(5)) return Null();
    return Int(rng.Int(1, 5));
}

Value Body(Rng &rng)
{
    return PickText(rng, {"good", "bad", "meh", "\"quoted\"", "ok"}, 10);
}

}  // namespace fuzz
