// Row builders shared by the statement generators: random rows of each base table in SQL
// VALUES and COPY text form.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rng.hpp"
#include "values.hpp"

namespace fuzz {

inline constexpr const char *kItemColumns =
    "(pk_item, fk_group, name, price, qty, active, tags, note)";
inline constexpr const char *kGroupColumns = "(pk_group, title, region, budget, note)";
inline constexpr const char *kReviewColumns = "(pk_review, fk_item, stars, body)";

// Random rows with the given key, in the column order above.
std::vector<Value> ItemRow(Rng &rng, int key);
std::vector<Value> GroupRow(Rng &rng, int key);
// fk_item names any item key, existing or not (foreign_key_violation now and then).
std::vector<Value> ReviewRow(Rng &rng, int key);

// "(v1, v2, ...)" for VALUES.
std::string SqlRow(const std::vector<Value> &values);
// One line of COPY text format, newline included.
std::string CopyLine(const std::vector<Value> &values);
// count VALUES rows with random keys in 1..max_key; keys repeat only when allow_duplicates.
std::string ValuesRows(Rng &rng, int count, int max_key, bool allow_duplicates,
                       const std::function<std::vector<Value>(Rng &, int)> &row);

// An expression moving pk_item by delta while keeping it in 1..kMaxItem.
std::string ShiftedItemKey(int delta);
// A random delta in -3..3 other than 0.
int NonZeroDelta(Rng &rng);

}  // namespace fuzz
