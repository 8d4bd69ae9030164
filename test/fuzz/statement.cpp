#include "statement.hpp"

namespace fuzz {

std::string Statement::Display() const
{
    const std::string text = (as_owner ? "[owner] " : "") + sql;
    if (!copy_data) return text;
    std::string out = text + "  -- data:";
    std::string line;
    for (char c : *copy_data) {
        if (c == '\n') {
            out += " [" + line + "]";
            line.clear();
        } else if (c == '\t') {
            line += "\\t";
        } else {
            line += c;
        }
    }
    if (!line.empty()) out += " [" + line + "]";
    return out;
}

}  // namespace fuzz
