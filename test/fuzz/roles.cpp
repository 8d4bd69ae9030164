#include "roles.hpp"

#include <cstdint>
#include <cstdio>

namespace fuzz {

namespace {

// Lower-case letters, digits and underscores of text, others replaced by '_', cut to limit; a
// hash of the original text follows when anything was replaced or cut, so that distinct
// databases keep distinct names.
std::string Identifier(const std::string &text, std::size_t limit)
{
    std::string out;
    bool changed = false;
    for (char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        out += plain ? c : '_';
        changed |= !plain;
    }
    if (out.size() > limit) {
        out.resize(limit - 9);
        changed = true;
    }
    if (!changed) return out;
    std::uint32_t hash = 2166136261u;  // FNV-1a
    for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
    char suffix[10];
    std::snprintf(suffix, sizeof suffix, "_%08x", hash);
    if (out.size() + 9 > limit) out.resize(limit - 9);
    return out + suffix;
}

}  // namespace

Roles RoleNames(const std::string &database, const std::string &schema)
{
    // "tviews_fuzz_" (12) + database (<= 40) + "_" + schema (<= 4) + "_owner" (6) <= 63.
    const std::string base = "tviews_fuzz_" + Identifier(database, 40) + "_" + schema;
    return Roles{base + "_owner", base + "_app"};
}

std::vector<std::string> CreateRoleStatements(const Roles &roles)
{
    std::vector<std::string> sql;
    for (const std::string &role : {roles.owner, roles.app}) {
        // Concurrent runs create other roles; this one exists already after a failed run.
        sql.push_back("DO $do$ BEGIN CREATE ROLE " + role +
                      " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $do$");
        sql.push_back("ALTER ROLE " + role +
                      " NOSUPERUSER NOCREATEDB NOCREATEROLE NOLOGIN NOREPLICATION NOBYPASSRLS");
    }
    return sql;
}

std::vector<std::string> GrantStatements(const Roles &roles, const std::string &schema,
                                         const std::vector<std::string> &base_tables)
{
    std::string tables;
    for (const auto &table : base_tables) tables += (tables.empty() ? "" : ", ") + table;
    return {
        "GRANT USAGE ON SCHEMA " + schema + " TO " + roles.app,
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLE " + tables + " TO " + roles.app,
    };
}

std::vector<std::string> DropStatements(const Roles &roles, const std::string &schema)
{
    return {
        "DROP SCHEMA IF EXISTS " + schema + " CASCADE",
        "DROP OWNED BY " + roles.owner + ", " + roles.app,
        "DROP ROLE " + roles.owner + ", " + roles.app,
    };
}

}  // namespace fuzz
