#include "connection.hpp"

namespace fuzz {

namespace {

std::string Field(const PGresult *result, int field)
{
    const char *value = PQresultErrorField(result, field);
    return value == nullptr ? std::string() : std::string(value);
}

void IgnoreNotice(void *, const char *) {}

// The oracle query is long; its start is enough to tell which query failed.
std::string Abbreviated(const std::string &sql)
{
    return sql.size() <= 300 ? sql : sql.substr(0, 300) + " ...";
}

}  // namespace

Connection::Connection(const Options &options, std::string name) : name_(std::move(name))
{
    std::vector<const char *> keys{"host", "port", "dbname", "application_name"};
    std::vector<const char *> values{options.host.c_str(), options.port.c_str(),
                                     options.dbname.c_str(), "tviews_fuzz"};
    if (options.user) {
        keys.push_back("user");
        values.push_back(options.user->c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        std::string message = conn_ == nullptr ? "out of memory" : PQerrorMessage(conn_);
        throw UnexpectedError("could not connect (" + name_ + "): " + message);
    }
    // NOTICEs (DROP ... CASCADE, skipped drops) are expected and would only clutter output.
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
}

Connection::~Connection()
{
    if (conn_ != nullptr) PQfinish(conn_);
}

Outcome Connection::Consume(PGresult *result)
{
    Outcome outcome;
    bool first_error_kept = false;
    // A statement can yield several results (COPY's final one); the first error wins.
    while (result != nullptr) {
        ExecStatusType status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !first_error_kept) {
            outcome.ok = false;
            outcome.sqlstate = Field(result, PG_DIAG_SQLSTATE);
            outcome.message = PQresultErrorMessage(result);
            outcome.table = Field(result, PG_DIAG_TABLE_NAME);
            outcome.context = Field(result, PG_DIAG_CONTEXT);
            if (outcome.message.empty()) outcome.message = PQresStatus(status);
            first_error_kept = true;
        }
        PQclear(result);
        result = PQgetResult(conn_);
    }
    if (PQstatus(conn_) != CONNECTION_OK)
        throw UnexpectedError("connection (" + name_ + ") lost: " + PQerrorMessage(conn_) +
                              (outcome.ok ? "" : " after: " + outcome.message));
    return outcome;
}

Outcome Connection::Execute(const std::string &sql)
{
    if (!PQsendQuery(conn_, sql.c_str()))
        throw UnexpectedError("could not send query (" + name_ + "): " + PQerrorMessage(conn_));
    return Consume(PQgetResult(conn_));
}

Outcome Connection::CopyIn(const std::string &copy_sql, const std::string &data)
{
    PGresult *result = PQexec(conn_, copy_sql.c_str());
    if (PQresultStatus(result) != PGRES_COPY_IN) return Consume(result);
    PQclear(result);
    if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(conn_, nullptr) != 1)
        throw UnexpectedError("could not send COPY data (" + name_ + "): " + PQerrorMessage(conn_));
    return Consume(PQgetResult(conn_));
}

std::string SessionAuthorization(const std::string &role)
{
    // Role names are the fuzzer's own, lower-case letters, digits and underscores.
    return role.empty() ? "RESET SESSION AUTHORIZATION" : "SET SESSION AUTHORIZATION " + role;
}

void Connection::AssumeRole(const std::string &role)
{
    const std::string sql = SessionAuthorization(role);
    Outcome outcome = Execute(sql);
    if (!outcome.ok)
        throw UnexpectedError("could not run " + sql + " (" + name_ + "): " + outcome.message,
                              outcome.sqlstate);
    role_ = role;
}

std::string Connection::AsRole(const std::string &other_role, const std::string &sql) const
{
    return SessionAuthorization(other_role) + "; " + sql + "; " + SessionAuthorization(role_);
}

std::vector<Row> Connection::AsSuperuser(const std::function<std::vector<Row>()> &read)
{
    if (role_.empty()) return read();
    // Inside a transaction the switches are part of it, like any SET: the writing session's
    // transaction sees its own writes as the superuser does.
    auto run = [&](const std::string &sql) {
        Outcome outcome = Execute(sql);
        if (!outcome.ok)
            throw UnexpectedError("could not run " + sql + " (" + name_ + "): SQLSTATE " +
                                      outcome.sqlstate + ": " + outcome.message,
                                  outcome.sqlstate);
    };
    run(SessionAuthorization(""));
    std::vector<Row> rows = read();
    run(SessionAuthorization(role_));
    return rows;
}

std::vector<Row> Connection::Query(const std::string &sql)
{
    return AsSuperuser([&] { return Rows(PQexec(conn_, sql.c_str()), sql); });
}

std::vector<Row> Connection::QueryPrepared(const std::string &name, const std::string &sql)
{
    return AsSuperuser([&] { return RunPrepared(name, sql); });
}

std::vector<Row> Connection::RunPrepared(const std::string &name, const std::string &sql)
{
    if (prepared_.count(name) == 0) {
        Outcome outcome = Consume(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
        if (!outcome.ok)
            throw UnexpectedError("could not prepare (" + name_ + "): SQLSTATE " +
                                  outcome.sqlstate + ": " + outcome.message +
                                  "query: " + Abbreviated(sql));
        prepared_.insert(name);
    }
    return Rows(PQexecPrepared(conn_, name.c_str(), 0, nullptr, nullptr, nullptr, 0), sql);
}

std::vector<Row> Connection::Rows(PGresult *result, const std::string &sql)
{
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        Outcome outcome = Consume(result);
        throw UnexpectedError("query failed (" + name_ + "): SQLSTATE " + outcome.sqlstate + ": " +
                                  outcome.message + "query: " + Abbreviated(sql),
                              outcome.sqlstate);
    }
    std::vector<Row> rows;
    const int nrows = PQntuples(result);
    const int ncols = PQnfields(result);
    rows.reserve(static_cast<std::size_t>(nrows));
    for (int r = 0; r < nrows; r++) {
        Row row;
        row.reserve(static_cast<std::size_t>(ncols));
        for (int c = 0; c < ncols; c++)
            row.push_back(PQgetisnull(result, r, c)
                              ? std::nullopt
                              : std::optional<std::string>(PQgetvalue(result, r, c)));
        rows.push_back(std::move(row));
    }
    PQclear(result);
    return rows;
}

bool Connection::InFailedTransaction() const
{
    return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

bool Connection::InTransaction() const
{
    PGTransactionStatusType status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

}  // namespace fuzz
