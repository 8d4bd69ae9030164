// The roles a run writes and manages its TVIEWs as (issue 9, contract §2.6).
//
//   owner  owns the workload's schema, base tables, views, functions and TVIEWs (it creates
//          them) and runs the operations surface (suspend, resume, refreshes, cascades, damage
//          and repair) and DDL;
//   app    an application role with USAGE on the schema and SELECT, INSERT, UPDATE, DELETE and
//          TRUNCATE on the base tables only: no right on tv_* tables, the extension's schemas
//          or its catalog. Every generated write runs as app.
// Neither may log in: sessions connect as the superuser and switch with SET SESSION
// AUTHORIZATION, which is also how the fuzzer returns to the superuser for its oracle queries.
//
// Role names are cluster-wide, so they carry the database and the workload's schema: runs in
// several databases of one cluster (or of two workloads in one database) never share a role.
#pragma once

#include <string>
#include <vector>

namespace fuzz {

struct Roles {
    std::string owner;
    std::string app;
};

// tviews_fuzz_<database>_<schema>_owner / _app, at most 63 bytes of [a-z0-9_].
Roles RoleNames(const std::string &database, const std::string &schema);

// As the superuser: creates both roles unless they exist (a run that failed leaves them for
// inspection) and makes sure neither has any special attribute.
std::vector<std::string> CreateRoleStatements(const Roles &roles);

// As the owner: what app may do on the base tables.
std::vector<std::string> GrantStatements(const Roles &roles, const std::string &schema,
                                         const std::vector<std::string> &base_tables);

// As the superuser, with no session running as either role: drops the schema, whatever else the
// roles own or were granted in this database, and the roles.
std::vector<std::string> DropStatements(const Roles &roles, const std::string &schema);

}  // namespace fuzz
