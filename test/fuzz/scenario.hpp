// A workload the fuzzer can run (--workload): its schema, TVIEWs and statement generator.
//
//   items    (default) tb_item, tb_group, tb_review in schema fuzz, 24 TVIEWs (schema.cpp)
//   lineage  company -> user -> post -> comment and tags in schema lin, TVIEWs of every lineage
//            shape, TVIEWs reading TVIEWs (lineage.hpp)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "generator.hpp"
#include "rng.hpp"
#include "schema.hpp"

namespace fuzz {

struct Scenario {
    std::string name;
    // The workload's schema; the run drops and recreates it, owned by the owner role.
    std::string schema;
    // The tables the application role may write (roles.hpp).
    std::vector<std::string> base_tables;
    // Create and seed the tables (and their functions, views and procedures) in the new schema,
    // as the owner role.
    std::vector<std::string> (*base_statements)(Rng &rng);
    // In creation order.
    const std::vector<TviewDef> &(*tviews)();
    // Run once every TVIEW exists.
    std::vector<std::string> (*after_tviews)();
    const std::vector<RefreshFailure> &(*refresh_failures)();
    // One row, one column: the committed table sizes, for --verbose.
    std::string sizes_query;
    // Values for SET search_path (every statement names its schema).
    std::vector<std::string> search_paths;
    std::unique_ptr<Generator> (*make_generator)(Rng &rng);
    // What the operations surface is exercised on (operations.hpp).
    const std::vector<OperationTarget> &(*operation_targets)();
    const std::vector<CascadeTarget> &(*cascade_targets)();
};

// The workload of that name, or nullptr.
const Scenario *FindScenario(const std::string &name);

}  // namespace fuzz
