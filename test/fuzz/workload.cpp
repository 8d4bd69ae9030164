#include "workload.hpp"

#include <chrono>
#include <cstdio>

#include "schema.hpp"
#include "statement.hpp"
#include "values.hpp"

namespace fuzz {

namespace {

// Errors raised while the extension refreshes a TVIEW are never provoked on purpose, even when
// their SQLSTATE is one we provoke on base tables (a duplicate key in a TVIEW is a bug).
bool RaisedByRefresh(const Outcome &outcome)
{
    return outcome.context.find("TVIEW") != std::string::npos ||
           outcome.table.rfind("tv_", 0) == 0 || outcome.message.find("\"tv_") != std::string::npos;
}

std::string OutcomeLabel(const Outcome &outcome)
{
    return outcome.ok ? "ok" : "ERROR " + outcome.sqlstate;
}

}  // namespace

Workload::Workload(const Options &options, const Scenario &scenario, Generator &generator,
                   OperationGenerator &operations, Rng &rng, Connection &main, Connection &observer,
                   Oracle &oracle, SqlLog &log, const Roles &roles)
    : options_(options),
      scenario_(scenario),
      rng_(rng),
      main_(main),
      observer_(observer),
      oracle_(oracle),
      log_(log),
      generator_(generator),
      operations_(operations),
      roles_(roles)
{
}

// A failure the scenario's schema provokes inside a refresh on purpose (tv_ratio).
bool Workload::ExpectedRefreshFailure(const Outcome &outcome) const
{
    for (const auto &failure : scenario_.refresh_failures())
        if (outcome.sqlstate == failure.sqlstate &&
            outcome.context.find("refreshing TVIEW \"" + failure.tview + "\"") != std::string::npos)
            return true;
    return false;
}

std::string Workload::Header(const char *what) const
{
    return "fuzz: " + std::string(what) + " (seed " + std::to_string(options_.seed) +
           ", statement #" + std::to_string(executed_) + " of " +
           std::to_string(options_.statements) + ")\n";
}

void Workload::CheckOutcome(const Statement &statement, const Outcome &outcome)
{
    std::string problem;
    if (outcome.ok && statement.must_fail)
        problem = "a statement built to fail succeeded (fuzzer bug)";
    // A refusal names the TVIEW it refuses but comes from no refresh.
    const bool refused = statement.allowed_refusals.count(outcome.sqlstate) > 0 &&
                         outcome.context.find("refreshing TVIEW") == std::string::npos;
    if (!outcome.ok && !refused &&
        (RaisedByRefresh(outcome) ? !ExpectedRefreshFailure(outcome)
                                  : statement.allowed_errors.count(outcome.sqlstate) == 0))
        problem = "SQLSTATE " + outcome.sqlstate + ": " + outcome.message;
    if (problem.empty()) return;
    throw UnexpectedError(Header("UNEXPECTED ERROR") + "  statement: " + statement.Display() +
                          "\n  " + problem + (problem.back() == '\n' ? "" : "\n") +
                          "  recent statements (oldest first):\n" + history_.Format("    "));
}

void Workload::Verify(Connection &connection, const char *session, const Statement &statement,
                      bool final)
{
    std::vector<Divergence> divergent;
    const bool writing = &connection == &main_;
    try {
        CheckResult result = oracle_.Check(connection, suspension_possible_ && !final);
        divergent = std::move(result.divergent);
        if (writing) {
            suspended_.clear();
            for (const TviewDef *tview : result.skipped) suspended_.insert(tview->table);
            if (suspended_.empty() && !main_.InTransaction()) suspension_possible_ = false;
        }
    } catch (const UnexpectedError &error) {
        std::string report = Header("ORACLE QUERY FAILED") + "  statement: " + statement.Display() +
                             "\n  checked in: " + session + " session\n  " + error.what() + "\n";
        // tv_ratio's definition divides by zero for some rows, so it cannot be evaluated once
        // such a row got in: the write should have failed in the TVIEW's refresh. That is a
        // TVIEW out of step with its base table, a divergence.
        const bool stale =
            error.sqlstate() == sqlstate::kDivisionByZero && !scenario_.refresh_failures().empty();
        if (stale)
            report += "  (a write that should have failed in tv_ratio's refresh went through)\n";
        report += "  recent statements (oldest first):\n" + history_.Format("    ");
        if (stale) throw DivergenceFound(report);
        throw UnexpectedError(report);
    }
    if (divergent.empty()) return;
    std::string report = Header("DIVERGENCE") + "  statement: " + statement.Display() + "\n" +
                         "  checked in: " + session + " session\n";
    for (const auto &divergence : divergent) report += oracle_.Describe(connection, divergence);
    report += "  recent statements (oldest first):\n" + history_.Format("    ");
    // The same seed and statement count replay the run (a smaller count may end it differently).
    report += "  replay: tviews_fuzz ... --seed " + std::to_string(options_.seed) +
              " --statements " + std::to_string(options_.statements) + "\n";
    throw DivergenceFound(report);
}

bool Workload::Step(const Statement &statement)
{
    executed_++;
    if (statement.operation.rfind("suspend", 0) == 0 ||
        statement.sql.rfind("COMMIT PREPARED", 0) == 0)
        suspension_possible_ = true;
    const std::string sql =
        statement.as_owner ? main_.AsRole(roles_.owner, statement.sql) : statement.sql;
    log_.Write(sql, statement.copy_data ? &*statement.copy_data : nullptr,
               "#" + std::to_string(executed_));
    Outcome outcome =
        statement.copy_data ? main_.CopyIn(sql, *statement.copy_data) : main_.Execute(sql);
    history_.Add(executed_, statement.Display(), OutcomeLabel(outcome));
    last_outcome_ = outcome;
    outcomes_[outcome.ok ? "ok" : outcome.sqlstate]++;
    if (!statement.operation.empty()) {
        operation_counts_[statement.operation].ran++;
        if (!outcome.ok) operation_counts_[statement.operation].failed++;
    }
    CheckOutcome(statement, outcome);
    if (outcome.ok && statement.takes_exclusive_lock) exclusive_lock_held_ = true;
    if (!main_.InTransaction()) exclusive_lock_held_ = false;

    // In a failed transaction nothing can be read; ROLLBACK [TO SAVEPOINT] gets checked next.
    if (!main_.InFailedTransaction()) Verify(main_, "writing", statement);
    // Others see the last committed state: always after a commit, now and then mid-transaction
    // (not behind a TRUNCATE's exclusive lock, which would block the observer).
    if (!main_.InTransaction() || (!exclusive_lock_held_ && rng_.Percent(10)))
        Verify(observer_, "observer", statement);

    if (options_.verbose && executed_ % 500 == 0) {
        // Committed table sizes show whether the workload keeps the tables populated.
        std::string sizes = "(tables locked)";
        if (!exclusive_lock_held_)
            sizes = observer_.Query(scenario_.sizes_query).at(0).at(0).value_or("?");
        std::fprintf(stderr, "fuzz: %ld/%ld statements, %ld oracle checks; committed rows: %s\n",
                     executed_, options_.statements, oracle_.checks(), sizes.c_str());
    }
    return outcome.ok;
}

bool Workload::Step(const std::string &sql, std::vector<std::string> allowed_errors)
{
    Statement statement{sql, {allowed_errors.begin(), allowed_errors.end()}};
    return Step(statement);
}

void Workload::RunOperation()
{
    // A resume failed in a refresh the schema provokes (rows tv_ratio divides by zero for,
    // written while it was suspended): the operator repairs the data next, else the TVIEW, and
    // through failing resumes of all every TVIEW, could stay suspended for long.
    if (repair_pending_) {
        repair_pending_ = false;
        for (const auto &failure : scenario_.refresh_failures())
            if (Remaining() > 1) Step(failure.repair);
        return;
    }
    const Statement operation = operations_.Next(suspended_);
    if (!Step(operation) && operation.operation.rfind("resume", 0) == 0 &&
        ExpectedRefreshFailure(last_outcome_))
        repair_pending_ = true;
}

void Workload::RunAutocommit()
{
    switch (rng_.Weighted({88, 8, 4, 4})) {
        case 0:
            Step(generator_.Write());
            break;
        case 1:
            Step(generator_.FailingWrite());
            break;
        case 2:
            Step(generator_.ProcedureWithCommits());
            break;
        default:
            RunOperation();
            break;
    }
}

void Workload::RollbackToSavepoint(std::vector<std::string> &savepoints, std::size_t index)
{
    Step("ROLLBACK TO SAVEPOINT " + savepoints[index]);
    savepoints.resize(index + 1);  // later savepoints are gone; this one remains
}

void Workload::RunTransaction()
{
    const bool rollback_at_end = rng_.Percent(25);
    if (rng_.Percent(15))
        Step("BEGIN ISOLATION LEVEL REPEATABLE READ");
    else
        Step(rng_.Percent(10) ? "START TRANSACTION" : "BEGIN");

    std::vector<std::string> savepoints;
    int next_savepoint = 1;
    const int operations = rng_.Int(1, 8);
    // One statement is always kept for the COMMIT or ROLLBACK.
    for (int op = 0; op < operations && Remaining() > 1; op++) {
        if (main_.InFailedTransaction()) {
            // A provoked failure: go back to a savepoint, or end the transaction.
            if (savepoints.empty() || Remaining() < 3 || rng_.Percent(25)) break;
            RollbackToSavepoint(savepoints, static_cast<std::size_t>(rng_.Int(
                                                0, static_cast<int>(savepoints.size()) - 1)));
            continue;
        }
        switch (rng_.Weighted({64, 10, 7, 5, 9, 3, 2, 4})) {
            case 0:
                Step(generator_.Write());
                break;
            case 1: {
                std::string name = "s" + std::to_string(next_savepoint++);
                Step("SAVEPOINT " + name);
                savepoints.push_back(name);
                break;
            }
            case 2:
                if (!savepoints.empty())
                    RollbackToSavepoint(savepoints,
                                        static_cast<std::size_t>(
                                            rng_.Int(0, static_cast<int>(savepoints.size()) - 1)));
                break;
            case 3:
                if (!savepoints.empty()) {
                    auto index = static_cast<std::size_t>(
                        rng_.Int(0, static_cast<int>(savepoints.size()) - 1));
                    Step("RELEASE SAVEPOINT " + savepoints[index]);
                    savepoints.resize(index);  // it and every later savepoint are gone
                }
                break;
            case 4:
                // A statement that fails after a savepoint, and the way back.
                if (Remaining() >= 4) {
                    std::string name = "f" + std::to_string(next_savepoint++);
                    Step("SAVEPOINT " + name);
                    savepoints.push_back(name);
                    Step(generator_.FailingWrite());
                    RollbackToSavepoint(savepoints, savepoints.size() - 1);
                    if (Remaining() > 2 && rng_.Percent(30)) {
                        Step("RELEASE SAVEPOINT " + name);
                        savepoints.pop_back();
                    }
                }
                break;
            case 5:
                // Deferred title uniqueness checked now: may fail like COMMIT would.
                if (Step("SET CONSTRAINTS ALL IMMEDIATE", {sqlstate::kUniqueViolation}) &&
                    Remaining() > 2)
                    Step("SET CONSTRAINTS ALL DEFERRED");
                break;
            case 6:
                // A failure without a savepoint dooms the transaction unless an older savepoint
                // exists.
                Step(generator_.FailingWrite());
                break;
            default:
                // Suspensions and refreshes that may be rolled back (to a savepoint) with the
                // writes around them.
                RunOperation();
                break;
        }
    }

    if (main_.InFailedTransaction()) {
        // COMMIT of a failed transaction rolls back, too.
        Step(rng_.Percent(80) ? "ROLLBACK" : "COMMIT");
    } else if (rollback_at_end) {
        Step("ROLLBACK");
    } else if (two_phase_ && !exclusive_lock_held_ && Remaining() >= 2 && rng_.Percent(20)) {
        // Between PREPARE and COMMIT PREPARED the changes are visible to no session, this one
        // included. (Not behind a TRUNCATE: the prepared transaction would keep its lock.)
        const std::string gid =
            Quote("tviews_fuzz_" + std::to_string(options_.seed) + "_" + std::to_string(executed_));
        if (Step("PREPARE TRANSACTION " + gid, {sqlstate::kUniqueViolation}))
            Step((rng_.Percent(70) ? "COMMIT PREPARED " : "ROLLBACK PREPARED ") + gid);
    } else {
        // Deferred title uniqueness may make COMMIT fail: everything must roll back.
        Step(rng_.Percent(10) ? "END" : "COMMIT", {sqlstate::kUniqueViolation});
    }
}

std::string Workload::OutcomeSummary() const
{
    std::string out;
    for (const auto &[outcome, count] : outcomes_)
        out += (out.empty() ? "" : ", ") + outcome + " " + std::to_string(count);
    return out;
}

std::string Workload::OperationSummary() const
{
    std::string out;
    for (const auto &[operation, count] : operation_counts_)
        out += (out.empty() ? "" : ", ") + operation + " " + std::to_string(count.ran) +
               (count.failed > 0 ? " (" + std::to_string(count.failed) + " refused/failed)" : "");
    return out.empty() ? "none" : out;
}

void Workload::Finish()
{
    // The last suspensions are caught up. A suspended TVIEW whose base rows its refresh must
    // refuse (tv_ratio) cannot be resumed until they are gone: remove them and try again.
    for (int attempt = 0; !Step(operations_.ResumeAll()); attempt++) {
        if (attempt == 2)
            throw UnexpectedError(Header("UNEXPECTED ERROR") +
                                  "  the final pg_tviews_resume() keeps failing\n"
                                  "  recent statements (oldest first):\n" +
                                  history_.Format("    "));
        for (const auto &failure : scenario_.refresh_failures()) Step(failure.repair);
    }

    // Nothing is skipped now: each TVIEW must equal its definition, in both sessions, and
    // nothing may be left suspended or in the backlog.
    const Statement final_check{"-- the final check: every TVIEW, none skipped", {}};
    for (Connection *connection : {&main_, &observer_}) {
        const char *session = connection == &main_ ? "writing" : "observer";
        Verify(*connection, session, final_check, true);
        const Row backlog =
            connection
                ->Query("SELECT (SELECT count(*) FROM " + operations_.schema() +
                        ".pg_tviews_get_queue()), (SELECT count(*) FROM " + operations_.schema() +
                        ".pg_tviews_metadata WHERE suspended)")
                .at(0);
        if (backlog.at(0) != "0" || backlog.at(1) != "0")
            throw DivergenceFound(Header("DIVERGENCE") + "  after pg_tviews_resume(), " + session +
                                  " session: " + backlog.at(0).value_or("?") +
                                  " backlog entries, " + backlog.at(1).value_or("?") +
                                  " TVIEWs still suspended\n  recent statements (oldest "
                                  "first):\n" +
                                  history_.Format("    "));
    }
}

void Workload::Run()
{
    while (Remaining() > 0) {
        if (Remaining() >= 2 && rng_.Percent(45))
            RunTransaction();
        else
            RunAutocommit();
    }
}

}  // namespace fuzz
