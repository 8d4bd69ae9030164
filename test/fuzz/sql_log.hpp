// --sql-log FILE: every statement the fuzzer runs, as a psql script that replays the run
// (setup included, oracle queries left out). A tool for minimizing a reported divergence.
#pragma once

#include <cstdio>
#include <string>

namespace fuzz {

class SqlLog {
   public:
    SqlLog() = default;
    ~SqlLog();
    SqlLog(const SqlLog &) = delete;
    SqlLog &operator=(const SqlLog &) = delete;

    // Starts writing to path; false if it cannot be opened.
    bool Open(const std::string &path);
    // Appends one statement; copy_data, when given, follows a COPY ... FROM STDIN.
    void Write(const std::string &sql, const std::string *copy_data, const std::string &comment);

   private:
    std::FILE *file_ = nullptr;
};

}  // namespace fuzz
