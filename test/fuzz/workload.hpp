// The random workload: writes grouped into autocommit statements and transactions with
// savepoints, the oracle after every statement.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "connection.hpp"
#include "generator.hpp"
#include "history.hpp"
#include "operations.hpp"
#include "options.hpp"
#include "oracle.hpp"
#include "rng.hpp"
#include "roles.hpp"
#include "scenario.hpp"
#include "sql_log.hpp"

namespace fuzz {

// A TVIEW differed from its definition; what() is the full report.
class DivergenceFound : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

class Workload {
   public:
    // main runs the scenario's statements from generator as the application role (its
    // connection's role), those marked as_owner as roles.owner; observer is a second session,
    // the superuser, that checks what others see. Every statement run is appended to log.
    // Operations-surface statements come from operations.
    Workload(const Options &options, const Scenario &scenario, Generator &generator,
             OperationGenerator &operations, Rng &rng, Connection &main, Connection &observer,
             Oracle &oracle, SqlLog &log, const Roles &roles);

    // Ends some transactions with PREPARE TRANSACTION and COMMIT / ROLLBACK PREPARED (needs
    // max_prepared_transactions > 0 on the server).
    void EnableTwoPhaseCommit() { two_phase_ = true; }

    // Runs options.statements statements; throws DivergenceFound or UnexpectedError.
    void Run();
    // Ends a run: resumes every TVIEW, then checks every TVIEW (none skipped) in both sessions
    // and that the backlog is empty. Throws like Run().
    void Finish();

    long executed() const { return executed_; }
    // How many statements ended how ("ok", or an SQLSTATE), for --verbose.
    std::string OutcomeSummary() const;
    // How many operations-surface statements ran, by kind, and how many were refused or failed.
    std::string OperationSummary() const;

   private:
    void RunAutocommit();
    void RunOperation();
    void RunTransaction();
    // Runs one statement and checks its outcome and every TVIEW; false when it failed as
    // intended.
    bool Step(const Statement &statement);
    bool Step(const std::string &sql, std::vector<std::string> allowed_errors = {});
    void CheckOutcome(const Statement &statement, const Outcome &outcome);
    bool ExpectedRefreshFailure(const Outcome &outcome) const;
    // Checks every TVIEW in connection (those suspended left out unless final); throws
    // DivergenceFound.
    void Verify(Connection &connection, const char *session, const Statement &statement,
                bool final = false);
    void RollbackToSavepoint(std::vector<std::string> &savepoints, std::size_t index);
    long Remaining() const { return options_.statements - executed_; }
    std::string Header(const char *what) const;

    const Options &options_;
    const Scenario &scenario_;
    Rng &rng_;
    Connection &main_;
    Connection &observer_;
    Oracle &oracle_;
    SqlLog &log_;
    Generator &generator_;
    OperationGenerator &operations_;
    const Roles &roles_;
    // TVIEWs suspended as the writing session saw them at its last check.
    std::set<std::string> suspended_;
    // Whether a TVIEW may be suspended, in the writing transaction or committed: only then does
    // the oracle read the suspended set from the catalog (which costs more than the comparisons).
    // Set by every statement that may suspend (a suspend, COMMIT PREPARED of a transaction that
    // did); cleared when the writing session, outside a transaction, sees none suspended. Only
    // the writing session suspends. Wrongly clear, it would make the oracle report a suspended
    // TVIEW as divergent: it can raise false alarms, never hide a divergence.
    bool suspension_possible_ = false;
    struct OperationCount {
        long ran = 0;
        long failed = 0;  // refused (55000) or failed as a refresh may (tv_ratio)
    };
    std::map<std::string, OperationCount> operation_counts_;
    History history_{30};
    long executed_ = 0;
    bool exclusive_lock_held_ = false;  // a TRUNCATE in the open transaction
    std::map<std::string, long> outcomes_;
    Outcome last_outcome_;
    bool repair_pending_ = false;  // a resume failed in a refresh the schema provokes
    bool two_phase_ = false;
};

}  // namespace fuzz
