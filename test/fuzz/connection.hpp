// A libpq session: runs statements and reports their outcome without throwing for SQL errors
// the caller may have provoked on purpose.
#pragma once

#include <libpq-fe.h>

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

    PGconn *conn_ = nullptr;
    std::string name_;
    std::set<std::string> prepared_;
};

}  // namespace fuzz
