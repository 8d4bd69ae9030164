// The oracle: every TVIEW must equal its definition, evaluated from the fuzzer's own copy of
// the definition text in the session and transaction being checked.
//
// Two comparisons per TVIEW, both EXCEPT ALL in each direction:
//   rows:  TABLE tv EXCEPT ALL (definition), and back  -- the contract's equality
//   text:  the same over each row's text form          -- also catches equal-but-different
//          values (numeric 10 vs 10.00) that a stale row would still show its readers
#pragma once

#include <string>
#include <vector>

#include "connection.hpp"
#include "schema.hpp"

namespace fuzz {

struct Divergence {
    const TviewDef *tview;
    long row_differences;   // rows in either direction by EXCEPT ALL on rows
    long text_differences;  // the same on row text
};

class Oracle {
   public:
    explicit Oracle(const std::vector<TviewDef> &tviews);

    // Checks every TVIEW in the connection's current transaction; returns the divergent ones.
    std::vector<Divergence> Check(Connection &connection);

    // Readable report of one divergence: the differing rows in both directions (up to 20).
    std::string Describe(Connection &connection, const Divergence &divergence) const;

    long checks() const { return checks_; }

   private:
    const std::vector<TviewDef> &tviews_;
    std::string check_sql_;
    long checks_ = 0;
};

}  // namespace fuzz
