// Command-line options of tviews_fuzz.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fuzz {

struct Options {
    std::string host;
    std::string port;
    std::string dbname;
    std::optional<std::string> user;
    std::uint64_t seed = 0;
    long statements = 0;
    bool verbose = false;
    std::optional<std::string> sql_log;  // --sql-log FILE
    std::string workload = "items";      // --workload items|lineage (scenario.hpp)
};

// Parses argv; on a usage error prints the problem and the usage to stderr and returns nothing.
std::optional<Options> ParseOptions(int argc, char **argv);

}  // namespace fuzz
