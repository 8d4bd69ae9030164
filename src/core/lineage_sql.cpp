#include "pg_tviews/core/lineage_sql.hpp"

#include "pg_tviews/core/naming.hpp"

namespace pg_tviews::core {

namespace {

std::string InputValues(Input input)
{
    return input == Input::kArray ? "SELECT v FROM pg_catalog.unnest($1) AS v" : "SELECT $1 AS v";
}

}  // namespace

std::string MappingSql(const MappingPath &path, const std::string &key_type, Input input)
{
    // Innermost first: the start values, then one semi-join per hop. Nested IN lets the planner
    // choose semi-joins driven by the (usually few) changed rows.
    std::string values = InputValues(input);
    for (size_t i = 0; i < path.hops.size(); i++) {
        const Hop &hop = path.hops[i];
        const std::string alias = "h" + std::to_string(i + 1);
        values = "SELECT " + alias + "." + QuoteIdent(hop.output_column) + " FROM " +
                 QuoteQualified(hop.schema, hop.table) + " AS " + alias + " WHERE " + alias + "." +
                 QuoteIdent(hop.match_column) + " IN (" + values + ")";
    }
    return "SELECT DISTINCT k::" + key_type + " FROM (" + values + ") AS m(k) WHERE k IS NOT NULL";
}

std::string ReverseMappingSql(const MappingPath &path, const std::string &start_type, Input input)
{
    std::string values = InputValues(input);
    for (size_t i = path.hops.size(); i-- > 0;) {
        const Hop &hop = path.hops[i];
        const std::string alias = "r" + std::to_string(i + 1);
        values = "SELECT " + alias + "." + QuoteIdent(hop.match_column) + " FROM " +
                 QuoteQualified(hop.schema, hop.table) + " AS " + alias + " WHERE " + alias + "." +
                 QuoteIdent(hop.output_column) + " IN (" + values + ")";
    }
    return "SELECT DISTINCT s::" + start_type + " FROM (" + values +
           ") AS m(s) WHERE s IS NOT NULL";
}

}  // namespace pg_tviews::core
