// The random workload: writes grouped into autocommit statements and transactions with
// savepoints, the oracle after every statement.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "connection.hpp"
#include "generator.hpp"
#include "history.hpp"
#include "options.hpp"
#include "oracle.hpp"
#include "rng.hpp"
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
    // main runs the scenario's statements from generator; observer is a second session that
    // checks what others see. Every statement run is appended to log.
    Workload(const Options &options, const Scenario &scenario, Generator &generator, Rng &rng,
             Connection &main, Connection &observer, Oracle &oracle, SqlLog &log);

    // Ends some transactions with PREPARE TRANSACTION and COMMIT / ROLLBACK PREPARED (needs
    // max_prepared_transactions > 0 on the server).
    void EnableTwoPhaseCommit() { two_phase_ = true; }

    // Runs options.statements statements; throws DivergenceFound or UnexpectedError.
    void Run();

    long executed() const { return executed_; }
    // How many statements ended how ("ok", or an SQLSTATE), for --verbose.
    std::string OutcomeSummary() const;

   private:
    void RunAutocommit();
    void RunTransaction();
    // Runs one statement and checks its outcome and every TVIEW; false when it failed as
    // intended.
    bool Step(const Statement &statement);
    bool Step(const std::string &sql, std::vector<std::string> allowed_errors = {});
    void CheckOutcome(const Statement &statement, const Outcome &outcome);
    bool ExpectedRefreshFailure(const Outcome &outcome) const;
    void Verify(Connection &connection, const char *session, const Statement &statement);
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
    History history_{30};
    long executed_ = 0;
    bool exclusive_lock_held_ = false;  // a TRUNCATE in the open transaction
    std::map<std::string, long> outcomes_;
    bool two_phase_ = false;
};

}  // namespace fuzz
