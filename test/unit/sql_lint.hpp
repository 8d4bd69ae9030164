// A lint for generated SQL: what in it could be resolved through a search_path.
//
// Generated statements run as another role on behalf of whoever wrote a base table, so every
// operator must be spelled OPERATOR(schema.op) and every function call schema-qualified. This
// tokenizer skips quoted identifiers and string literals and reports, in order, every operator
// outside OPERATOR(...) and every unqualified name followed by "(" that is not SQL syntax.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace pg_tviews::test {

inline std::vector<std::string> UnqualifiedCalls(const std::string &sql)
{
    // Words followed by "(" that are grammar, not function names.
    static const std::set<std::string> kSyntax = {
        "AS",     "ANY",   "EXISTS",  "CAST",      "ROW",      "VALUES", "IN",       "FROM",
        "SELECT", "WHERE", "AND",     "OR",        "NOT",      "ON",     "CONFLICT", "SET",
        "WITH",   "USING", "BY",      "OVER",      "DISTINCT", "INTO",   "OPERATOR", "COALESCE",
        "NULLIF", "ALL",   "LATERAL", "RETURNING", "UPDATE",   "DO",     "DELETE",   "INSERT"};
    const std::string operator_chars = "+-*/<>=~!@#%^&|`?";
    std::vector<std::string> found;
    std::string previous_word;  // the last word, or empty when a non-word token followed it
    size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '"' || c == '\'') {  // quoted identifier or literal, doubled quotes inside
            size_t j = i + 1;
            for (; j < sql.size(); j++) {
                if (sql[j] != c) continue;
                if (j + 1 < sql.size() && sql[j + 1] == c) {
                    j++;
                    continue;
                }
                break;
            }
            previous_word = c == '"' ? "\"ident\"" : "";
            i = j + 1;
            continue;
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i;
            while (j < sql.size() &&
                   (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_'))
                j++;
            std::string word = sql.substr(i, j - i);
            bool qualified = i > 0 && sql[i - 1] == '.';
            size_t k = j;
            while (k < sql.size() && sql[k] == ' ') k++;
            std::string upper;
            for (char w : word)
                upper += static_cast<char>(std::toupper(static_cast<unsigned char>(w)));
            if (upper == "OPERATOR" && k < sql.size() && sql[k] == '(') {
                // Skip the qualified operator: OPERATOR(schema.op).
                size_t close = sql.find(')', k);
                std::string inside = sql.substr(k + 1, close - k - 1);
                if (inside.find('.') == std::string::npos)
                    found.push_back("OPERATOR(" + inside + ")");
                i = close + 1;
                previous_word.clear();
                continue;
            }
            // name( is a call unless it is grammar, an alias column list (AS m(k)), or qualified.
            if (k < sql.size() && sql[k] == '(' && !qualified && !kSyntax.count(upper) &&
                previous_word != "AS")
                found.push_back(word + "(");
            previous_word = upper;
            i = j;
            continue;
        }
        if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {  // a cast, not an operator
            i += 2;
            previous_word.clear();
            continue;
        }
        if (operator_chars.find(c) != std::string::npos) {
            size_t j = i;
            while (j < sql.size() && operator_chars.find(sql[j]) != std::string::npos) j++;
            std::string op = sql.substr(i, j - i);
            // count(*) and t.* are not operators; = after SET (...) is assignment syntax.
            bool star = op == "*" && ((i > 0 && (sql[i - 1] == '(' || sql[i - 1] == '.')));
            bool assignment = op == "=" && previous_word == ")SET";
            if (!star && !assignment) found.push_back(op);
            i = j;
            previous_word.clear();
            continue;
        }
        if (c == ')') {
            // Remember a closing SET (...) list so its "=" reads as assignment.
            size_t open = sql.rfind('(', i);
            size_t set = open == std::string::npos ? std::string::npos : sql.rfind("SET (", open);
            previous_word = set != std::string::npos && set + 4 == open ? ")SET" : "";
            i++;
            continue;
        }
        if (!std::isspace(static_cast<unsigned char>(c))) previous_word.clear();
        i++;
    }
    return found;
}

}  // namespace pg_tviews::test
