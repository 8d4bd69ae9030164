// Text of lineage mapping queries, free of PostgreSQL.
//
// A base relation reaches the TVIEW key through a path of equality links taken from the
// definition: the changed rows' start column equals hop 1's match column, hop 1's output column
// equals hop 2's match column, and so on; the last output column holds TVIEW keys. The query
// takes the changed rows' start values as $1 (an array, or one value) and returns the affected
// keys. Every comparison is spelled with its qualified operator (core/comparison_sql.hpp).
#pragma once

#include "pg_tviews/core/comparison_sql.hpp"

#include <string>
#include <vector>

namespace pg_tviews::core {

struct Hop {
    std::string schema;
    std::string table;
    std::string match_column;   // equals the previous value
    std::string output_column;  // carried to the next hop (the key after the last hop)
    Comparison match;           // match_column (left) against the previous value (right)
    Comparison reverse;         // output_column (left) against the next hop's match column, or
                                // against a key after the last hop (right)
};

struct MappingPath {
    std::vector<Hop> hops;  // empty: the start values are the keys themselves
};

// Where a mapping statement's input values come from: an array $1, or one scalar $1 (whose
// statement PostgreSQL can cache as a generic plan).
enum class Input { kArray, kScalar };

// SELECT DISTINCT CAST(<key> AS key_type) ... WHERE hop1.match = ANY ($1's values), nested hop
// by hop. key_type is an already-qualified SQL type name.
std::string MappingSql(const MappingPath &path, const std::string &key_type,
                       Input input = Input::kArray);

// The reverse: given TVIEW keys as $1, the start values whose rows feed them, cast to
// start_type. Used to lock what a recompute is about to read.
std::string ReverseMappingSql(const MappingPath &path, const std::string &start_type,
                              Input input = Input::kArray);

}  // namespace pg_tviews::core
