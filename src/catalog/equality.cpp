// Comparison operators for generated SQL; see include/pg_tviews/catalog/equality.hpp.
#include "pg_tviews/catalog/equality.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_operator.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
}

namespace pg_tviews {

namespace {

struct Family {
    Oid opfamily;  // InvalidOid: the type has no default btree operator class
    Oid input;     // the class's input type (a domain's base type, text for varchar, ...)
};

Family DefaultBtreeFamily(Oid type)
{
    TypeCacheEntry *entry = lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY);
    return Family{entry->btree_opf, OidIsValid(entry->btree_opf) ? entry->btree_opintype : type};
}

bool Member(Oid opfamily, Oid left, Oid right, TypedOperator *out)
{
    if (!OidIsValid(opfamily)) return false;
    Oid opno = get_opfamily_member(opfamily, left, right, BTEqualStrategyNumber);
    if (!OidIsValid(opno)) return false;
    *out = TypedOperator{opno, left, right};
    return true;
}

bool ImplicitlyCoercible(Oid from, Oid to)
{
    return can_coerce_type(1, &from, &to, COERCION_IMPLICIT);
}

}  // namespace

bool FindEquality(Oid left_type, Oid right_type, TypedOperator *out)
{
    Family left = DefaultBtreeFamily(left_type);
    Family right = DefaultBtreeFamily(right_type);
    // A cross-type member of either family (int4 = int8), or the shared family's own operator.
    if (Member(left.opfamily, left.input, right.input, out)) return true;
    if (Member(right.opfamily, left.input, right.input, out)) return true;
    // Otherwise one side is cast to the other's type, as the parser would (numeric = integer).
    if (ImplicitlyCoercible(right_type, left.input) &&
        Member(left.opfamily, left.input, left.input, out))
        return true;
    if (ImplicitlyCoercible(left_type, right.input) &&
        Member(right.opfamily, right.input, right.input, out))
        return true;
    return false;
}

TypedOperator RequireEquality(Oid left_type, Oid right_type)
{
    TypedOperator comparison;
    if (!FindEquality(left_type, right_type, &comparison))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("no equality operator for types %s and %s",
                               format_type_be(left_type), format_type_be(right_type)),
                        errhint("Give the types a default btree operator class.")));
    return comparison;
}

TypedOperator RequireOrdering(Oid type, int16 strategy)
{
    Family family = DefaultBtreeFamily(type);
    Oid opno = OidIsValid(family.opfamily)
                   ? get_opfamily_member(family.opfamily, family.input, family.input, strategy)
                   : InvalidOid;
    if (!OidIsValid(opno))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                        errmsg("type %s has no ordering", format_type_be(type)),
                        errhint("Give the type a default btree operator class.")));
    return TypedOperator{opno, family.input, family.input};
}

char *OperatorSql(Oid opno)
{
    HeapTuple tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(opno));
    if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for operator %u", opno);
    auto *form = reinterpret_cast<Form_pg_operator>(GETSTRUCT(tuple));
    char *sql =
        psprintf("OPERATOR(%s.%s)", quote_identifier(get_namespace_name(form->oprnamespace)),
                 NameStr(form->oprname));
    ReleaseSysCache(tuple);
    return sql;
}

ComparisonText ComparisonFor(const TypedOperator &op, Oid left_type, Oid right_type)
{
    return ComparisonText{OperatorSql(op.opno), CastTypeSql(left_type, op.left_type),
                          CastTypeSql(right_type, op.right_type)};
}

char *CastTypeSql(Oid from, Oid to)
{
    return from == to ? nullptr : format_type_be_qualified(to);
}

char *CastOperand(const char *expression, Oid from, Oid to)
{
    char *type = CastTypeSql(from, to);
    return type == nullptr ? pstrdup(expression) : psprintf("CAST(%s AS %s)", expression, type);
}

}  // namespace pg_tviews
