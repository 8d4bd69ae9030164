// The comparison operators generated SQL uses, chosen from the types' default btree operator
// families and spelled schema-qualified.
//
// Lineage and refreshes compare values with "=": a key with the keys to recompute, a hop
// table's column with the values carried from the previous hop. Left to the parser, "=" would
// be looked up in the search_path of whoever runs the statement. Instead the operator is chosen
// here, from the operator family of the types' default btree operator class (so it agrees with
// the TVIEW's primary key, GROUP BY and DISTINCT), and written as OPERATOR(schema.=) between
// operands cast to its exact input types: exactly one operator can match such a call, whatever
// search_path is in effect. Definitions are analyzed with the same rule (an equality linking
// two columns counts only when it is this operator), so lineage and its SQL always agree.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace pg_tviews {

struct TypedOperator {
    Oid opno;
    Oid left_type;  // the operator's input types: operands are cast to them when they differ
    Oid right_type;
};

// The equality between a value of left_type and one of right_type; false when the types have
// none (no btree operator family relates them, directly or through an implicit cast).
bool FindEquality(Oid left_type, Oid right_type, TypedOperator *out);

// Like FindEquality, raising 42883 (undefined_function) naming both types when there is none.
TypedOperator RequireEquality(Oid left_type, Oid right_type);

// The btree operator of one type's default operator class for a strategy (BTLessStrategyNumber
// ... BTGreaterStrategyNumber); raises 42883 when the type has no ordering.
TypedOperator RequireOrdering(Oid type, int16 strategy);

// "OPERATOR("schema".=)": the operator, spelled so that only its own schema is searched.
char *OperatorSql(Oid opno);

// The pieces of core::Comparison for comparing a value of left_type with one of right_type
// through `op`: the operator's SQL and the casts each operand needs (nullptr: none).
struct ComparisonText {
    char *op;
    char *left_cast;
    char *right_cast;
};
ComparisonText ComparisonFor(const TypedOperator &op, Oid left_type, Oid right_type);

// The type name to cast an operand of type `from` to for an operator taking `to`, or nullptr
// when no cast is needed (schema-qualified, with the modifier-free name).
char *CastTypeSql(Oid from, Oid to);

// `expression` of type `from` as an operand of an operator taking `to`: CAST(expression AS to)
// when the types differ, else the expression itself.
char *CastOperand(const char *expression, Oid from, Oid to);

}  // namespace pg_tviews
