#include "pg_tviews/core/comparison_sql.hpp"

namespace pg_tviews::core {

std::string CastTo(const std::string &expression, const std::string &type)
{
    return type.empty() ? expression : "CAST(" + expression + " AS " + type + ")";
}

std::string Compare(const Comparison &comparison, const std::string &left, const std::string &right)
{
    return CastTo(left, comparison.left_type) + " " + comparison.op + " " +
           CastTo(right, comparison.right_type);
}

std::string CompareAny(const Comparison &comparison, const std::string &left,
                       const std::string &values)
{
    return CastTo(left, comparison.left_type) + " " + comparison.op + " ANY (" + values + ")";
}

}  // namespace pg_tviews::core
