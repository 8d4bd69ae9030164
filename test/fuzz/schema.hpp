// The fuzzer's schema: base tables, seed rows and the TVIEW definitions.
//
// The definitions here are the fuzzer's own copy: the oracle evaluates this text, never the
// extension's stored (deparsed) definition, so a mistake in how the extension stores or
// rewrites a definition shows up as a divergence.
#pragma once

#include <string>
#include <vector>

#include "rng.hpp"

namespace fuzz {

inline constexpr const char *kSchema = "fuzz";

struct TviewDef {
    std::string table;       // qualified: fuzz.tv_item
    std::string definition;  // the SELECT, every name schema-qualified
    bool create_as_table;    // CREATE TABLE ... AS instead of pg_tviews_create()
    bool lineage;            // reads several tables: left out if the extension refuses it
};

// In creation order: a TVIEW that reads another one comes after it.
const std::vector<TviewDef> &Tviews();

// A TVIEW whose definition raises an error for some base rows: a write that produces such a
// row must fail in the refresh, with this SQLSTATE, and leave no trace.
struct RefreshFailure {
    std::string tview;  // unqualified, as the extension's error context names it
    std::string sqlstate;
};
const std::vector<RefreshFailure> &ExpectedRefreshFailures();

// Statements that drop and recreate the schema, its tables and functions, and seed them.
std::vector<std::string> BaseTableStatements(Rng &rng);

// pg_tviews_create(...) or CREATE TABLE ... AS for one TVIEW.
std::string CreateTviewStatement(const TviewDef &tview);

}  // namespace fuzz
