#include "pg_tviews/core/refresh_sql.hpp"

#include "pg_tviews/core/naming.hpp"

namespace pg_tviews::core {

namespace {

std::string JoinQuoted(const std::vector<std::string> &names, const std::string &qualifier)
{
    std::string out;
    for (const auto &name : names) {
        if (!out.empty()) out += ", ";
        if (!qualifier.empty()) out += qualifier + ".";
        out += QuoteIdent(name);
    }
    return out;
}

enum class Keys { kArray, kScalar, kAll };

// `<column> = ANY ($1)`, `<column> = $1`, or nothing for a full refresh.
std::string KeyFilter(const RefreshTarget &t, const std::string &column, Keys keys)
{
    if (keys == Keys::kArray) return CompareAny(t.key_equality, column, "$1");
    return Compare(t.key_equality, column, "$1");
}

// Shared body of keyed and full refresh.
std::string ReconcileSql(const RefreshTarget &t, Keys keys)
{
    const std::string table = QuoteQualified(t.table_schema, t.table_name);
    const std::string definition = QuoteQualified(t.definition_schema, t.definition_name);
    const std::string key = QuoteIdent(t.key_column);
    const bool filtered = keys != Keys::kAll;

    std::vector<std::string> payload;
    for (const auto &c : t.columns)
        if (c != t.key_column) payload.push_back(c);

    std::string sql;
    sql += "WITH src AS (SELECT " + JoinQuoted(t.columns, "d") + " FROM " + definition + " AS d";
    if (filtered) sql += " WHERE " + KeyFilter(t, "d." + key, keys);
    sql += ")";
    // Without a proof of uniqueness, look for a repeated key first and write nothing if one
    // exists: the caller raises unique_violation for it.
    const std::string guard = t.key_unique ? "" : " AND NOT EXISTS (SELECT 1 FROM dup)";
    if (!t.key_unique)
        sql += ", dup AS (SELECT s." + key + "::pg_catalog.text AS k FROM src AS s GROUP BY s." +
               key + " HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 ORDER BY s." + key +
               " LIMIT 1)";
    sql += ", del AS (DELETE FROM " + table + " AS t WHERE ";
    if (filtered) sql += KeyFilter(t, "t." + key, keys) + " AND ";
    sql += "NOT EXISTS (SELECT 1 FROM src AS s WHERE " +
           Compare(t.key_equality, "s." + key, "t." + key) + ")" + guard + " RETURNING 1)";
    sql += ", ups AS (INSERT INTO " + table + " AS t (" + JoinQuoted(t.columns, "") + ") SELECT " +
           JoinQuoted(t.columns, "s") + " FROM src AS s";
    if (!t.key_unique) sql += " WHERE NOT EXISTS (SELECT 1 FROM dup)";
    sql += " ON CONFLICT (" + key + ") DO ";
    if (payload.empty()) {
        sql += "NOTHING";
    } else {
        // ROW(...) keeps the multi-column SET form valid for a single payload column. Whole rows
        // are spelled CAST(ROW(t.*) AS table), never as a bare t or EXCLUDED, which columns of
        // those names would shadow; the cast makes them rows of one type rather than a
        // column-by-column row comparison.
        sql += "UPDATE SET (" + JoinQuoted(payload, "") + ") = ROW(" +
               JoinQuoted(payload, "EXCLUDED") + ") WHERE CAST(ROW(t.*) AS " + table +
               ") OPERATOR(pg_catalog.*<>) CAST(ROW(EXCLUDED.*) AS " + table + ")";
    }
    sql += " RETURNING (t.xmax OPERATOR(pg_catalog.=) 0) AS inserted)";
    sql +=
        " SELECT (SELECT pg_catalog.count(*) FROM del),"
        " (SELECT pg_catalog.count(*) FROM ups AS u WHERE u.inserted),"
        " (SELECT pg_catalog.count(*) FROM ups AS u WHERE NOT u.inserted),"
        " (SELECT pg_catalog.count(*) FROM src), ";
    sql += t.key_unique ? "NULL::pg_catalog.text" : "(SELECT d.k FROM dup AS d)";
    return sql;
}

}  // namespace

std::string KeyedRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, Keys::kArray);
}

std::string SingleKeyRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, Keys::kScalar);
}

std::string FullRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, Keys::kAll);
}

std::string OracleSql(const RefreshTarget &t)
{
    const std::string table = QuoteQualified(t.table_schema, t.table_name);
    const std::string definition = QuoteQualified(t.definition_schema, t.definition_name);
    const std::string table_cols = JoinQuoted(t.columns, "t");
    const std::string definition_cols = JoinQuoted(t.columns, "d");
    return "SELECT NOT EXISTS (SELECT " + table_cols + " FROM " + table +
           " AS t EXCEPT ALL SELECT " + definition_cols + " FROM " + definition +
           " AS d) AND NOT EXISTS (SELECT " + definition_cols + " FROM " + definition +
           " AS d EXCEPT ALL SELECT " + table_cols + " FROM " + table + " AS t)";
}

}  // namespace pg_tviews::core
