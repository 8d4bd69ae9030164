// One statement of the workload and what the fuzzer expects of it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace fuzz {

namespace sqlstate {
inline const std::string kUniqueViolation = "23505";
inline const std::string kForeignKeyViolation = "23503";
inline const std::string kNotNullViolation = "23502";
inline const std::string kCardinalityViolation = "21000";  // ON CONFLICT / MERGE hits a row twice
inline const std::string kDivisionByZero = "22012";
inline const std::string kInvalidTextRepresentation = "22P02";
inline const std::string kRaiseException = "P0001";
inline const std::string kObjectNotInPrerequisiteState = "55000";  // the TVIEW is suspended
}  // namespace sqlstate

struct Statement {
    Statement() = default;
    Statement(std::string text, std::set<std::string> allowed)
        : sql(std::move(text)), allowed_errors(std::move(allowed))
    {
    }

    std::string sql;
    std::set<std::string> allowed_errors;  // SQLSTATEs provoked on purpose
    std::optional<std::string> copy_data;  // set: sql is COPY ... FROM STDIN fed with this
    bool must_fail = false;                // built to fail; succeeding is a fuzzer bug
    bool takes_exclusive_lock = false;     // TRUNCATE: other sessions would block on the table
    // Runs as the owner role (operations surface, DDL) instead of the application role.
    bool as_owner = false;
    // SQLSTATEs an operations function raises on purpose when refusing the call (55000 for a
    // suspended TVIEW). Unlike allowed_errors they may name a TVIEW, but never come from a
    // refresh.
    std::set<std::string> allowed_refusals;
    // Operations-surface statements (operations.hpp): what they are, for the run's counts.
    std::string operation;

    // The statement as a log line (COPY data included, "[owner] " before one run as the owner).
    std::string Display() const;
};

}  // namespace fuzz
