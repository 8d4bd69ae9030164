// A libpq session: runs statements and reports their outcome without throwing for SQL errors
// the caller may have provoked on purpose.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "options.hpp"

namespace fuzz {

// How one statement ended.
struct Outcome {
    bool ok = true;
    std::string sqlstate;  // empty when ok
    std::string message;   // primary message, detail and context, when not ok
    std::string table;     // PG_DIAG_TABLE_NAME, when the error names a table
    std::string context;   // PG_DIAG_CONTEXT
};

using Row = std::vector<std::optional<std::string>>;

// A failure the fuzzer did not provoke: the run stops with exit status 2.
class UnexpectedError : public std::runtime_error {
   public:
    explicit UnexpectedError(const std::string &what, std::string sqlstate = "")
        : std::runtime_error(what), sqlstate_(std::move(sqlstate))
    {
    }
    // The SQLSTATE when a query failed, else empty.
    const std::string &sqlstate() const { return sqlstate_; }

   private:
    std::string sqlstate_;
};

class Connection {
   public:
    // name is used in messages only ("main", "observer").
    Connection(const Options &options, std::string name);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // From now on, statements run as role (SET SESSION AUTHORIZATION, which must succeed):
    // Execute and CopyIn run as role, while Query and QueryPrepared, the fuzzer's own reads,
    // still run as the connecting superuser. An empty role returns to the superuser.
    void AssumeRole(const std::string &role);
    const std::string &role() const { return role_; }
    // sql as one query string that runs as other_role, then returns to role(): when sql fails,
    // the statement's (implicit) transaction rolls back and takes the switch with it.
    std::string AsRole(const std::string &other_role, const std::string &sql) const;

    // Runs one statement, discarding any rows.
    Outcome Execute(const std::string &sql);
    // Runs COPY ... FROM STDIN and sends data (COPY text format) as its input.
    Outcome CopyIn(const std::string &copy_sql, const std::string &data);
    // Runs a query that must succeed; throws UnexpectedError otherwise.
    std::vector<Row> Query(const std::string &sql);
    // The same for a query prepared once per session under name (no parameters), so that
    // repeated runs skip parsing and planning.
    std::vector<Row> QueryPrepared(const std::string &name, const std::string &sql);

    bool InFailedTransaction() const;
    bool InTransaction() const;  // in a block, failed or not

   private:
    Outcome Consume(PGresult *result);
    std::vector<Row> Rows(PGresult *result, const std::string &sql);
    std::vector<Row> RunPrepared(const std::string &name, const std::string &sql);
    // Runs read as the connecting superuser, then switches back to role_.
    std::vector<Row> AsSuperuser(const std::function<std::vector<Row>()> &read);

    PGconn *conn_ = nullptr;
    std::string name_;
    std::set<std::string> prepared_;
    std::string role_;  // empty: the connecting superuser
};

// SET SESSION AUTHORIZATION role, or RESET SESSION AUTHORIZATION for an empty role.
std::string SessionAuthorization(const std::string &role);

}  // namespace fuzz
