// tviews_fuzz: a seeded differential fuzzer for pg_tviews.
//
// It builds its own schema with base tables and TVIEWs (schema.cpp for --workload items, the
// default; schema_lineage.cpp for --workload lineage; scenario.hpp), runs a reproducible random
// workload of writes in autocommit statements and transactions with savepoints
// (generator*.cpp, workload.cpp), and after every statement compares each TVIEW with its
// definition evaluated from the fuzzer's own copy of the text (oracle.cpp), in the writing
// session and, after commits and now and then mid-transaction, in a second one. The same
// --seed and --statements replay the same statements; --sql-log FILE writes them as a psql
// script for minimizing a failure. Two-phase commit is exercised when the server has
// max_prepared_transactions > 0.
//
// Roles (roles.hpp): an owner role creates the schema, its tables and TVIEWs; every generated
// write runs as an application role that may only read and write the base tables; operations
// on TVIEWs and DDL run as the owner; the oracle runs as the connecting superuser. A run without
// failure drops the schema and both roles at the end.
//
// A few percent of the statements use the operations surface (operations.cpp): suspend and
// resume one TVIEW or all, manual refreshes (full, forced, by key, by range), pg_tviews_cascade,
// and direct damage to TVIEW rows repaired by a manual refresh within the same statement. The
// oracle skips TVIEWs the catalog shows suspended (their readers are still checked); once
// resumed they are checked again, which proves the catch-up. A run ends with pg_tviews_resume()
// of everything and a check of every TVIEW, none skipped, with an empty backlog.
//
// Exit status: 0 no divergence, 1 divergence, 2 unexpected SQL error, 3 usage error.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "options.hpp"
#include "operations.hpp"
#include "oracle.hpp"
#include "rng.hpp"
#include "roles.hpp"
#include "scenario.hpp"
#include "schema.hpp"
#include "sql_log.hpp"
#include "values.hpp"
#include "workload.hpp"

namespace {

constexpr int kExitDivergence = 1;
constexpr int kExitUnexpectedError = 2;
constexpr int kExitUsage = 3;

fuzz::UnexpectedError SetupError(std::uint64_t seed, const std::string &sql,
                                 const fuzz::Outcome &outcome)
{
    return fuzz::UnexpectedError("fuzz: UNEXPECTED ERROR (seed " + std::to_string(seed) +
                                 ", during setup)\n  statement: " + sql + "\n  SQLSTATE " +
                                 outcome.sqlstate + ": " + outcome.message);
}

// Runs a statement the run cannot do without; logs it.
void MustRun(fuzz::Connection &connection, fuzz::SqlLog &log, std::uint64_t seed,
             const std::string &sql)
{
    log.Write(sql, nullptr, "");
    fuzz::Outcome outcome = connection.Execute(sql);
    if (!outcome.ok) throw SetupError(seed, sql, outcome);
}

// Switches connection to role (empty: back to the superuser); logs the switch.
void SwitchRole(fuzz::Connection &connection, fuzz::SqlLog &log, const std::string &role)
{
    log.Write(fuzz::SessionAuthorization(role), nullptr, "");
    connection.AssumeRole(role);
}

// Creates the roles, builds the schema and its TVIEWs as the owner role, grants the application
// role its rights and leaves connection running as it; returns the TVIEWs the oracle checks.
std::vector<fuzz::TviewDef> Setup(const fuzz::Scenario &scenario, const fuzz::Roles &roles,
                                  fuzz::Connection &connection, fuzz::SqlLog &log, fuzz::Rng &rng,
                                  std::uint64_t seed)
{
    for (const auto &sql : fuzz::CreateRoleStatements(roles)) MustRun(connection, log, seed, sql);
    // A prepared transaction left by an interrupted run would block DROP SCHEMA.
    for (const auto &row : connection.Query(
             "SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'tviews_fuzz_%' AND database = "
             "current_database()"))
        connection.Execute("ROLLBACK PREPARED " + fuzz::Quote(*row.at(0)));
    MustRun(connection, log, seed, "DROP SCHEMA IF EXISTS " + scenario.schema + " CASCADE");
    MustRun(connection, log, seed,
            "CREATE SCHEMA " + scenario.schema + " AUTHORIZATION " + roles.owner);

    SwitchRole(connection, log, roles.owner);
    for (const auto &sql : scenario.base_statements(rng)) MustRun(connection, log, seed, sql);
    std::vector<fuzz::TviewDef> created;
    for (const auto &tview : scenario.tviews()) {
        const std::string sql = fuzz::CreateTviewStatement(tview);
        fuzz::Outcome outcome = connection.Execute(sql);
        if (outcome.ok) {
            log.Write(sql, nullptr, "");
            created.push_back(tview);
        } else if (tview.lineage && outcome.sqlstate == "0A000") {
            // An extension without lineage support refuses joins and subqueries honestly.
            std::fprintf(stderr, "fuzz: note: the extension refuses %s (%s); left out\n",
                         tview.table.c_str(), outcome.sqlstate.c_str());
        } else {
            throw SetupError(seed, sql, outcome);
        }
    }
    for (const auto &sql : scenario.after_tviews()) MustRun(connection, log, seed, sql);
    for (const auto &sql : fuzz::GrantStatements(roles, scenario.schema, scenario.base_tables))
        MustRun(connection, log, seed, sql);
    SwitchRole(connection, log, roles.app);
    return created;
}

// After a run without failure: drops the schema and the roles (a failed run leaves them for
// inspection; the next run starts by dropping the schema and reuses the roles).
void Cleanup(const fuzz::Scenario &scenario, const fuzz::Roles &roles, fuzz::Connection &connection,
             fuzz::SqlLog &log, std::uint64_t seed)
{
    SwitchRole(connection, log, "");
    for (const auto &sql : fuzz::DropStatements(roles, scenario.schema))
        MustRun(connection, log, seed, sql);
}

void Configure(fuzz::Connection &connection, const char *lock_timeout)
{
    // A hang would be a bug too: turn it into an error that names the statement.
    // The oracle's query over many TVIEWs is estimated expensive enough for JIT compilation,
    // which takes far longer (some 200 ms) than running it on the fuzzer's small tables.
    for (std::string sql :
         {std::string("SET statement_timeout = '60s'"),
          std::string("SET lock_timeout = '") + lock_timeout + "'", std::string("SET jit = off")}) {
        fuzz::Outcome outcome = connection.Execute(sql);
        if (!outcome.ok)
            throw fuzz::UnexpectedError("fuzz: could not run " + sql + ": " + outcome.message);
    }
}

// The extension's schema, quoted: every statement names it, as search_path may leave it out.
std::string ExtensionSchema(fuzz::Connection &connection)
{
    const std::vector<fuzz::Row> rows = connection.Query(
        "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = "
        "e.extnamespace WHERE e.extname = 'pg_tviews'");
    if (rows.empty() || !rows.at(0).at(0))
        throw fuzz::UnexpectedError("fuzz: the pg_tviews extension is not installed");
    return *rows.at(0).at(0);
}

}  // namespace

int main(int argc, char **argv)
{
    std::optional<fuzz::Options> options = fuzz::ParseOptions(argc, argv);
    if (!options) return kExitUsage;
    const auto start = std::chrono::steady_clock::now();
    const fuzz::Scenario *scenario = fuzz::FindScenario(options->workload);
    if (scenario == nullptr) return kExitUsage;
    fuzz::Rng rng(options->seed);
    try {
        fuzz::Connection main_session(*options, "main");
        fuzz::Connection observer(*options, "observer");
        fuzz::SqlLog log;
        if (options->sql_log && !log.Open(*options->sql_log)) {
            std::fprintf(stderr, "tviews_fuzz: cannot write %s\n", options->sql_log->c_str());
            return kExitUsage;
        }
        Configure(main_session, "30s");
        // Few key locks make refreshes take the TVIEW-wide lock path.
        if (rng.Percent(30))
            MustRun(main_session, log, options->seed,
                    "SET pg_tviews.max_key_locks = " + std::to_string(rng.Int(1, 4)));
        Configure(observer, "5s");
        const fuzz::Roles roles = fuzz::RoleNames(
            main_session.Query("SELECT current_database()").at(0).at(0).value_or(""),
            scenario->schema);
        const std::vector<fuzz::TviewDef> tviews =
            Setup(*scenario, roles, main_session, log, rng, options->seed);

        const std::string extension_schema = ExtensionSchema(main_session);
        fuzz::Oracle oracle(tviews, extension_schema);
        std::unique_ptr<fuzz::Generator> generator = scenario->make_generator(rng);
        fuzz::OperationGenerator operations(rng, extension_schema, scenario->operation_targets(),
                                            scenario->cascade_targets(), tviews);
        fuzz::Workload workload(*options, *scenario, *generator, operations, rng, main_session,
                                observer, oracle, log, roles);
        if (std::stoi(*main_session.Query("SHOW max_prepared_transactions").at(0).at(0)) > 0)
            workload.EnableTwoPhaseCommit();
        // Every statement names its schema; the extension must not depend on search_path.
        if (rng.Percent(40))
            MustRun(main_session, log, options->seed,
                    "SET search_path = " + rng.Pick(scenario->search_paths));
        workload.Run();
        workload.Finish();
        Cleanup(*scenario, roles, main_session, log, options->seed);

        if (options->verbose)
            std::fprintf(stderr, "fuzz: outcomes: %s\n", workload.OutcomeSummary().c_str());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf(
            "fuzz: seed %llu, %s workload, %zu TVIEWs, %ld statements, %ld oracle checks, 0 "
            "divergences, %.1fs\n",
            static_cast<unsigned long long>(options->seed), scenario->name.c_str(), tviews.size(),
            workload.executed(), oracle.checks(), seconds);
        std::printf(
            "fuzz: operations: %s; %ld oracle checks skipped a suspended TVIEW (%ld read the "
            "suspended set)\n",
            workload.OperationSummary().c_str(), oracle.skipped(), oracle.catalog_reads());
        return 0;
    } catch (const fuzz::DivergenceFound &divergence) {
        std::fprintf(stderr, "%s", divergence.what());
        return kExitDivergence;
    } catch (const fuzz::UnexpectedError &error) {
        std::string text = error.what();
        if (text.rfind("fuzz:", 0) != 0)
            text = "fuzz: UNEXPECTED ERROR (seed " + std::to_string(options->seed) + ")\n  " + text;
        std::fprintf(stderr, "%s%s", text.c_str(), text.back() == '\n' ? "" : "\n");
        return kExitUnexpectedError;
    }
}
