#include "sql_log.hpp"

namespace fuzz {

SqlLog::~SqlLog()
{
    if (file_ != nullptr) std::fclose(file_);
}

bool SqlLog::Open(const std::string &path)
{
    file_ = std::fopen(path.c_str(), "w");
    if (file_ == nullptr) return false;
    // Like the fuzzer, carry on after errors.
    std::fputs("\\set ON_ERROR_STOP off\n", file_);
    return true;
}

void SqlLog::Write(const std::string &sql, const std::string *copy_data, const std::string &comment)
{
    if (file_ == nullptr) return;
    if (!comment.empty()) std::fprintf(file_, "-- %s\n", comment.c_str());
    std::fprintf(file_, "%s;\n", sql.c_str());
    if (copy_data != nullptr) std::fprintf(file_, "%s\\.\n", copy_data->c_str());
    std::fflush(file_);
}

}  // namespace fuzz
