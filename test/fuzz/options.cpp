#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fuzz {

namespace {

void PrintUsage()
{
    std::fprintf(stderr,
                 "usage: tviews_fuzz --host H --port P --dbname D [--user U] --seed S "
                 "--statements N [--workload items|lineage] [--verbose] [--sql-log FILE]\n"
                 "  Runs N random statements against TVIEWs in the workload's schema (dropped and\n"
                 "  recreated) and checks every TVIEW against its definition after each one.\n"
                 "  --workload items (default): schema \"fuzz\", items, groups and reviews;\n"
                 "  --workload lineage: schema \"lin\", companies, users, posts, comments and\n"
                 "  tags under TVIEWs with joins, child arrays, aggregates and TVIEWs of TVIEWs.\n"
                 "  Exit status: 0 no divergence, 1 divergence, 2 unexpected SQL error,\n"
                 "  3 usage error. --sql-log writes every statement run as a psql script.\n");
}

bool ParseNumber(const char *text, unsigned long long &out)
{
    if (text == nullptr || *text == '\0' || *text == '-') return false;
    char *end = nullptr;
    out = std::strtoull(text, &end, 10);
    return end != nullptr && *end == '\0';
}

}  // namespace

std::optional<Options> ParseOptions(int argc, char **argv)
{
    Options options;
    bool have_seed = false;
    bool have_statements = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (std::strcmp(arg, "--verbose") == 0) {
            options.verbose = true;
            continue;
        }
        if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
            PrintUsage();
            return std::nullopt;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "tviews_fuzz: %s needs a value (or is unknown)\n", arg);
            PrintUsage();
            return std::nullopt;
        }
        const char *value = argv[++i];
        unsigned long long number = 0;
        if (std::strcmp(arg, "--host") == 0) {
            options.host = value;
        } else if (std::strcmp(arg, "--port") == 0) {
            options.port = value;
        } else if (std::strcmp(arg, "--dbname") == 0) {
            options.dbname = value;
        } else if (std::strcmp(arg, "--sql-log") == 0) {
            options.sql_log = value;
        } else if (std::strcmp(arg, "--workload") == 0) {
            if (std::strcmp(value, "items") != 0 && std::strcmp(value, "lineage") != 0) {
                std::fprintf(stderr, "tviews_fuzz: --workload must be items or lineage\n");
                return std::nullopt;
            }
            options.workload = value;
        } else if (std::strcmp(arg, "--user") == 0) {
            options.user = value;
        } else if (std::strcmp(arg, "--seed") == 0) {
            if (!ParseNumber(value, number)) {
                std::fprintf(stderr, "tviews_fuzz: --seed must be a non-negative integer\n");
                return std::nullopt;
            }
            options.seed = number;
            have_seed = true;
        } else if (std::strcmp(arg, "--statements") == 0) {
            if (!ParseNumber(value, number) || number == 0 || number > 100000000ULL) {
                std::fprintf(stderr, "tviews_fuzz: --statements must be a positive integer\n");
                return std::nullopt;
            }
            options.statements = static_cast<long>(number);
            have_statements = true;
        } else {
            std::fprintf(stderr, "tviews_fuzz: unknown option %s\n", arg);
            PrintUsage();
            return std::nullopt;
        }
    }
    if (options.host.empty() || options.port.empty() || options.dbname.empty() || !have_seed ||
        !have_statements) {
        std::fprintf(stderr,
                     "tviews_fuzz: --host, --port, --dbname, --seed and --statements "
                     "are required\n");
        PrintUsage();
        return std::nullopt;
    }
    return options;
}

}  // namespace fuzz
