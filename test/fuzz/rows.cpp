#include "rows.hpp"

#include <algorithm>

namespace fuzz {

std::vector<Value> ItemRow(Rng &rng, int key)
{
    return {Int(key), GroupRef(rng), ItemName(rng), Price(rng),
            Qty(rng), Active(rng),   Tags(rng),     Note(rng)};
}

std::vector<Value> GroupRow(Rng &rng, int key)
{
    return {Int(key), Title(rng), Region(rng), Budget(rng), Note(rng)};
}

std::vector<Value> ReviewRow(Rng &rng, int key)
{
    return {Int(key), Int(rng.Int(1, kMaxItem)), Stars(rng), Body(rng)};
}

std::string SqlRow(const std::vector<Value> &values)
{
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); i++) {
        if (i > 0) out += ", ";
        out += values[i].Sql();
    }
    return out + ")";
}

std::string CopyLine(const std::vector<Value> &values)
{
    std::string out;
    for (std::size_t i = 0; i < values.size(); i++) {
        if (i > 0) out += '\t';
        out += values[i].Copy();
    }
    return out + "\n";
}

std::string ValuesRows(Rng &rng, int count, int max_key, bool allow_duplicates,
                       const std::function<std::vector<Value>(Rng &, int)> &row)
{
    std::vector<int> keys;
    while (static_cast<int>(keys.size()) < count) {
        int key = rng.Int(1, max_key);
        if (!allow_duplicates && std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
    }
    std::string out;
    for (int key : keys) {
        if (!out.empty()) out += ", ";
        out += SqlRow(row(rng, key));
    }
    return out;
}

std::string ShiftedItemKey(int delta)
{
    return "(pk_item + " + std::to_string(delta + kMaxItem - 1) + ") % " +
           std::to_string(kMaxItem) + " + 1";
}

int NonZeroDelta(Rng &rng)
{
    int delta = rng.Int(-3, 2);
    return delta >= 0 ? delta + 1 : delta;
}

}  // namespace fuzz
