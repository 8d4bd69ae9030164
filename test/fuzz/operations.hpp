// The operations surface (docs/operations/reference.md) as random statements: suspend and
// resume (one TVIEW or all), manual refreshes (full, forced, by key, by range), cascades from a
// base row, and direct damage to TVIEW rows repaired by a manual refresh in the same unit (a DO
// block or one multi-statement string), so that the oracle never sees the damage itself.
//
// Refreshes by key or range and unforced full refreshes of a suspended TVIEW are generated too:
// they must be refused with SQLSTATE 55000, and any other outcome is a failure.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rng.hpp"
#include "schema.hpp"
#include "statement.hpp"

namespace fuzz {

class OperationGenerator {
   public:
    // extension_schema qualifies every function: the workload's search_path may not name it.
    // Targets whose TVIEW is not among created (refused by the extension) are left out.
    OperationGenerator(Rng &rng, std::string extension_schema,
                       const std::vector<OperationTarget> &targets,
                       const std::vector<CascadeTarget> &cascades,
                       const std::vector<TviewDef> &created);

    // A random operation, run as the owner role. suspended names the TVIEWs the writing session
    // sees suspended now: it decides which refreshes must be refused and which TVIEWs may be
    // damaged, and makes resumes likelier the more TVIEWs are suspended.
    Statement Next(const std::set<std::string> &suspended);

    // SELECT pg_tviews_resume(): every TVIEW, as the owner role.
    Statement ResumeAll() const;

    // The extension's schema, quoted.
    const std::string &schema() const { return schema_; }

   private:
    struct Key {
        std::string sql;
        std::optional<int> number;  // integer keys
    };

    Statement Draw(const std::set<std::string> &suspended);
    Key DrawKey(const KeyDomain &keys);
    std::pair<std::string, std::string> DrawRange(const KeyDomain &keys);
    // A range that contains key.
    std::pair<std::string, std::string> RangeAround(const Key &key);
    // A target, from the suspended ones with percent_suspended probability (when there are
    // any), else from the others (when there are any); with damage only when damageable.
    const OperationTarget *PickTarget(const std::set<std::string> &suspended, int percent_suspended,
                                      bool damageable = false);
    // "SELECT schema.function(arguments)"
    std::string Select(const std::string &function, const std::string &arguments) const;
    std::string Call(const std::string &function, const std::string &arguments) const;

    Statement SuspendOrResume(const char *function, const std::set<std::string> &suspended,
                              bool all);
    Statement Refresh(const std::set<std::string> &suspended, const std::string &kind);
    Statement Cascade();
    Statement DamageAndRepair(const std::set<std::string> &suspended);

    Rng &rng_;
    std::string schema_;
    std::vector<OperationTarget> targets_;
    std::vector<CascadeTarget> cascades_;
};

}  // namespace fuzz
