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
    // Removes such rows: while the TVIEW is suspended they can be written, and resuming it
    // fails until they are gone (run after a resume failed on them).
    std::string repair;
};
const std::vector<RefreshFailure> &ExpectedRefreshFailures();

// Keys of a TVIEW or base table for the operations surface (operations.hpp), drawn the way the
// workload's generator draws keys of the root table.
struct KeyDomain {
    int min;  // integer keys min..max
    int max;
    // Keys of another type: a random key as an SQL literal of the key's type (nullptr: the
    // integers above).
    std::string (*draw)(Rng &rng) = nullptr;
};

// A TVIEW as the manual-refresh, suspend and damage operations see it.
struct OperationTarget {
    std::string tview;  // as in TviewDef::table
    std::string key_column;
    KeyDomain keys;
    // A SET list changing a non-key column of the TVIEW table: direct damage that a manual
    // refresh must repair. Empty when the TVIEW has no such column.
    std::string damage;
    // The base table whose primary key is the TVIEW's key, so that pg_tviews_cascade(table, k)
    // recomputes row k; empty when there is none.
    std::string root_table;
};

// A base table with a single-column primary key, for pg_tviews_cascade().
struct CascadeTarget {
    std::string table;
    KeyDomain keys;
};

const std::vector<OperationTarget> &OperationTargets();
const std::vector<CascadeTarget> &CascadeTargets();

// Statements that create the tables and functions in the (new, empty) schema and seed them.
std::vector<std::string> BaseTableStatements(Rng &rng);

// pg_tviews_create(...) or CREATE TABLE ... AS for one TVIEW.
std::string CreateTviewStatement(const TviewDef &tview);

}  // namespace fuzz
