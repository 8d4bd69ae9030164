#include "pg_tviews/core/naming.hpp"

namespace pg_tviews::core {

bool IsTviewTableName(std::string_view table_name)
{
    return table_name.size() > kTviewPrefix.size() && table_name.substr(0, 3) == kTviewPrefix;
}

std::string EntityOf(std::string_view table_name)
{
    if (IsTviewTableName(table_name)) table_name.remove_prefix(kTviewPrefix.size());
    return std::string(table_name);
}

std::string TableNameFor(std::string_view entity_or_table)
{
    if (IsTviewTableName(entity_or_table)) return std::string(entity_or_table);
    return std::string(kTviewPrefix) + std::string(entity_or_table);
}

std::string KeyColumnFor(std::string_view entity)
{
    return std::string(kKeyPrefix) + std::string(entity);
}

std::string QuoteIdent(std::string_view identifier)
{
    std::string quoted;
    quoted.reserve(identifier.size() + 2);
    quoted.push_back('"');
    for (char c : identifier) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
    }
    quoted.push_back('"');
    return quoted;
}

std::string QuoteQualified(std::string_view schema, std::string_view name)
{
    return QuoteIdent(schema) + "." + QuoteIdent(name);
}

}  // namespace pg_tviews::core
