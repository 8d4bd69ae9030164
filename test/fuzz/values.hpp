// Value domains of the base tables and their SQL / COPY spellings.
//
// Ranges are small on purpose: keys collide, groups empty and refill, rows cross the TVIEWs'
// WHERE filters in both directions.
#pragma once

#include <optional>
#include <string>

#include "rng.hpp"

namespace fuzz {

constexpr int kMaxItem = 30;    // tb_item keys 1..kMaxItem
constexpr int kMaxGroup = 6;    // tb_group keys and tb_item.fk_group 1..kMaxGroup
constexpr int kMaxReview = 40;  // tb_review keys 1..kMaxReview

// A column value: nullopt is NULL; text values are stored unquoted.
struct Value {
    std::optional<std::string> text;
    bool quoted = false;  // needs a string literal in SQL

    std::string Sql() const;   // literal for an SQL statement
    std::string Copy() const;  // field for COPY text format
};

Value Null();
Value Int(int v);
Value Text(std::string v);
Value Raw(std::string v);  // numeric or boolean spelled as is

// Random values from the column domains (NULL now and then).
Value ItemName(Rng &rng);
Value Price(Rng &rng);
Value Qty(Rng &rng);
Value Active(Rng &rng);
Value Tags(Rng &rng);
Value Note(Rng &rng);
Value GroupRef(Rng &rng);  // tb_item.fk_group
Value Title(Rng &rng);
Value Region(Rng &rng);
Value Budget(Rng &rng);
Value Stars(Rng &rng);
Value Body(Rng &rng);

// SQL string literal.
std::string Quote(const std::string &text);

}  // namespace fuzz
