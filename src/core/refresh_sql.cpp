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

// Shared body of keyed and full refresh; key_filter is empty for a full refresh.
std::string ReconcileSql(const RefreshTarget &t, const std::string &key_filter)
{
    const std::string table = QuoteQualified(t.table_schema, t.table_name);
    const std::string definition = QuoteQualified(t.definition_schema, t.definition_name);
    const std::string key = QuoteIdent(t.key_column);

    std::vector<std::string> payload;
    for (const auto &c : t.columns)
        if (c != t.key_column) payload.push_back(c);

    std::string sql;
    sql += "WITH src AS (SELECT " + JoinQuoted(t.columns, "") + " FROM " + definition;
    if (!key_filter.empty()) sql += " WHERE " + key + key_filter;
    sql += ")";
    // Without a proof of uniqueness, look for a repeated key first and write nothing if one
    // exists: the caller raises unique_violation for it.
    const std::string guard = t.key_unique ? "" : " AND NOT EXISTS (SELECT 1 FROM dup)";
    if (!t.key_unique)
        sql += ", dup AS (SELECT " + key + "::pg_catalog.text AS k FROM src GROUP BY " + key +
               " HAVING pg_catalog.count(*) > 1 ORDER BY " + key + " LIMIT 1)";
    sql += ", del AS (DELETE FROM " + table + " AS t WHERE ";
    if (!key_filter.empty()) sql += "t." + key + key_filter + " AND ";
    sql += "NOT EXISTS (SELECT 1 FROM src WHERE src." + key + " = t." + key + ")" + guard +
           " RETURNING 1)";
    sql += ", ups AS (INSERT INTO " + table + " AS t (" + JoinQuoted(t.columns, "") + ") SELECT " +
           JoinQuoted(t.columns, "") + " FROM src";
    if (!t.key_unique) sql += " WHERE NOT EXISTS (SELECT 1 FROM dup)";
    sql += " ON CONFLICT (" + key + ") DO ";
    if (payload.empty()) {
        sql += "NOTHING";
    } else {
        // ROW(...) keeps the multi-column SET form valid for a single payload column.
        sql += "UPDATE SET (" + JoinQuoted(payload, "") + ") = ROW(" +
               JoinQuoted(payload, "EXCLUDED") + ") WHERE t OPERATOR(pg_catalog.*<>) EXCLUDED";
    }
    sql += " RETURNING (t.xmax = 0) AS inserted)";
    sql +=
        " SELECT (SELECT pg_catalog.count(*) FROM del),"
        " (SELECT pg_catalog.count(*) FROM ups WHERE inserted),"
        " (SELECT pg_catalog.count(*) FROM ups WHERE NOT inserted),"
        " (SELECT pg_catalog.count(*) FROM src), ";
    sql += t.key_unique ? "NULL::pg_catalog.text" : "(SELECT k FROM dup)";
    return sql;
}

}  // namespace

std::string KeyedRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, " OPERATOR(pg_catalog.=) ANY ($1)");
}

std::string SingleKeyRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, " OPERATOR(pg_catalog.=) $1");
}

std::string FullRefreshSql(const RefreshTarget &target)
{
    return ReconcileSql(target, "");
}

std::string OracleSql(const RefreshTarget &t)
{
    const std::string cols = JoinQuoted(t.columns, "");
    const std::string table = QuoteQualified(t.table_schema, t.table_name);
    const std::string definition = QuoteQualified(t.definition_schema, t.definition_name);
    return "SELECT NOT EXISTS (SELECT " + cols + " FROM " + table + " EXCEPT ALL SELECT " + cols +
           " FROM " + definition + ") AND NOT EXISTS (SELECT " + cols + " FROM " + definition +
           " EXCEPT ALL SELECT " + cols + " FROM " + table + ")";
}

}  // namespace pg_tviews::core
