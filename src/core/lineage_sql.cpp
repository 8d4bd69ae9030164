#include "pg_tviews/core/lineage_sql.hpp"

#include "pg_tviews/core/naming.hpp"

namespace pg_tviews::core {

namespace {

// A set of values as a query's single column: `SELECT <column> <rest>`, where the column can
// still be cast for the comparison that consumes it.
struct Values {
    std::string column;
    std::string rest;  // FROM and WHERE; empty for the scalar $1
};

Values InputValues(Input input)
{
    if (input == Input::kArray) return Values{"v.v", " FROM pg_catalog.unnest($1) AS v(v)"};
    return Values{"$1", ""};
}

// `left <op> <values>`: one comparison with $1 itself when the values are the scalar input
// (an index lookup in a cached generic plan), else `= ANY (subquery)`.
std::string Filter(const Comparison &comparison, const std::string &left, const Values &values)
{
    if (values.rest.empty()) return Compare(comparison, left, values.column);
    return CompareAny(comparison, left,
                      "SELECT " + CastTo(values.column, comparison.right_type) + values.rest);
}

std::string Select(const Values &values, const std::string &alias, const std::string &type)
{
    return "SELECT DISTINCT CAST(" + alias + " AS " + type + ") FROM (SELECT " + values.column +
           values.rest + ") AS m(" + alias + ") WHERE " + alias + " IS NOT NULL";
}

}  // namespace

std::string MappingSql(const MappingPath &path, const std::string &key_type, Input input)
{
    // Innermost first: the start values, then one semi-join per hop, driven by the (usually few)
    // changed rows.
    Values values = InputValues(input);
    for (size_t i = 0; i < path.hops.size(); i++) {
        const Hop &hop = path.hops[i];
        const std::string alias = "h" + std::to_string(i + 1);
        values =
            Values{alias + "." + QuoteIdent(hop.output_column),
                   " FROM " + QuoteQualified(hop.schema, hop.table) + " AS " + alias + " WHERE " +
                       Filter(hop.match, alias + "." + QuoteIdent(hop.match_column), values)};
    }
    return Select(values, "k", key_type);
}

std::string ReverseMappingSql(const MappingPath &path, const std::string &start_type, Input input)
{
    Values values = InputValues(input);
    for (size_t i = path.hops.size(); i-- > 0;) {
        const Hop &hop = path.hops[i];
        const std::string alias = "r" + std::to_string(i + 1);
        values =
            Values{alias + "." + QuoteIdent(hop.match_column),
                   " FROM " + QuoteQualified(hop.schema, hop.table) + " AS " + alias + " WHERE " +
                       Filter(hop.reverse, alias + "." + QuoteIdent(hop.output_column), values)};
    }
    return Select(values, "s", start_type);
}

}  // namespace pg_tviews::core
