// Text of the set-based refresh statements, free of PostgreSQL.
//
// A refresh recomputes rows from the TVIEW's definition view and reconciles the TVIEW table in
// one statement: rows that vanished are deleted, new rows inserted, changed rows updated, and
// rows whose content is byte-identical (record image comparison) are left untouched, so a no-op
// write costs no new tuple version and no WAL. The statements run as the TVIEW's owner on behalf
// of any writer: every operator and function is schema-qualified, every column reference is
// qualified by its relation, so neither the search_path nor a column that happens to share a
// name with an alias can change what they mean.
#pragma once

#include "pg_tviews/core/comparison_sql.hpp"

#include <string>
#include <vector>

namespace pg_tviews::core {

struct RefreshTarget {
    std::string table_schema;  // the tv_* table
    std::string table_name;
    std::string definition_schema;  // the view holding the definition
    std::string definition_name;
    std::string key_column;            // pk_<entity>
    std::vector<std::string> columns;  // every column of the definition, key included, in order
    bool key_unique = false;           // proven: the definition cannot repeat a key
    Comparison key_equality;           // key = key; $1 holds values of its right type
};

// Statement with $1 = array of keys: recomputes exactly those keys. Returns one row
// (deleted bigint, inserted bigint, updated bigint, recomputed bigint, duplicate_key text).
// Unless the key is proven unique, a key the definition now repeats is returned as
// duplicate_key and nothing is written.
std::string KeyedRefreshSql(const RefreshTarget &target);

// The same for exactly one key, $1 of the key's type. PostgreSQL caches a generic plan for it
// (an index lookup), where `= ANY ($1)` is planned again at every execution.
std::string SingleKeyRefreshSql(const RefreshTarget &target);

// Statement without parameters: recomputes every key. Same result row.
std::string FullRefreshSql(const RefreshTarget &target);

// Statement returning one boolean: does the table equal its definition (EXCEPT ALL both ways)?
std::string OracleSql(const RefreshTarget &target);

}  // namespace pg_tviews::core
