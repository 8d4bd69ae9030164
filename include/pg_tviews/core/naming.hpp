// Naming rules of the trinity pattern, free of PostgreSQL: tv_<entity> tables keyed by
// pk_<entity>, plus SQL identifier quoting for generated statements.
#pragma once

#include <string>
#include <string_view>

namespace pg_tviews::core {

inline constexpr std::string_view kTviewPrefix = "tv_";
inline constexpr std::string_view kKeyPrefix = "pk_";

// True when a table name follows the TVIEW convention (tv_ followed by a non-empty entity).
bool IsTviewTableName(std::string_view table_name);

// The entity of a TVIEW table: "tv_post" -> "post". A name without the prefix is its own entity.
std::string EntityOf(std::string_view table_name);

// The table a bare entity or a table name designates: "post" -> "tv_post", "tv_post" -> "tv_post".
std::string TableNameFor(std::string_view entity_or_table);

// The key column every TVIEW must have: "post" -> "pk_post".
std::string KeyColumnFor(std::string_view entity);

// Always-quoted SQL identifier ("a""b"); generated SQL never depends on keyword lists.
std::string QuoteIdent(std::string_view identifier);

// "schema"."name", both parts quoted.
std::string QuoteQualified(std::string_view schema, std::string_view name);

}  // namespace pg_tviews::core
