// Comparisons in generated SQL, free of PostgreSQL.
//
// Generated statements run as another role (the TVIEW's owner) on behalf of whoever wrote a base
// table, so no operator in them may be resolved through a search_path: each comparison names its
// operator with OPERATOR(schema.op) and casts both operands to the operator's own input types,
// so that exactly one operator can match (see include/pg_tviews/catalog/equality.hpp, which
// chooses them).
#pragma once

#include <string>

namespace pg_tviews::core {

struct Comparison {
    std::string op = "OPERATOR(pg_catalog.=)";  // spelled qualified
    std::string left_type;   // qualified type to cast the left operand to; empty: no cast
    std::string right_type;  // the same for the right operand
};

// expression, or CAST(expression AS type) when type is not empty.
std::string CastTo(const std::string &expression, const std::string &type);

// left <op> right, each operand cast as the comparison says.
std::string Compare(const Comparison &comparison, const std::string &left,
                    const std::string &right);

// left <op> ANY (values): values is an array expression or a subquery whose single column is
// already of the comparison's right type.
std::string CompareAny(const Comparison &comparison, const std::string &left,
                       const std::string &values);

}  // namespace pg_tviews::core
