// The oracle: every TVIEW must equal its definition, evaluated from the fuzzer's own copy of
// the definition text in the session and transaction being checked.
//
// Two comparisons per TVIEW, both EXCEPT ALL in each direction:
//   rows:  TABLE tv EXCEPT ALL (definition), and back  -- the contract's equality
//   text:  the same over each row's text form          -- also catches equal-but-different
//          values (numeric 10 vs 10.00) that a stale row would still show its readers
//
// A suspended TVIEW may differ from its definition: the same query reads the suspended TVIEWs
// from pg_tviews_metadata (one statement, so one snapshot in any isolation level) and compares
// only the others. TVIEWs reading a suspended TVIEW are compared as usual, over its rows as
// they stand. The final check of a run compares every TVIEW, suspended or not.
// (pg_tviews_metadata costs more than comparing the fuzzer's small TVIEWs, so the workload asks
// for it only while a TVIEW may be suspended: see Workload::suspension_possible_.)
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

struct CheckResult {
    std::vector<Divergence> divergent;
    std::vector<const TviewDef *> skipped;  // suspended, so not compared
};

class Oracle {
   public:
    // extension_schema is where pg_tviews_metadata lives.
    Oracle(const std::vector<TviewDef> &tviews, const std::string &extension_schema);

    // Checks the TVIEWs in the connection's current transaction: with skip_suspended every TVIEW
    // the catalog shows not suspended, else every TVIEW.
    CheckResult Check(Connection &connection, bool skip_suspended);

    // Readable report of one divergence: the differing rows in both directions (up to 20).
    std::string Describe(Connection &connection, const Divergence &divergence) const;

    long checks() const { return checks_; }
    // TVIEW checks left out because the TVIEW was suspended.
    long skipped() const { return skipped_; }
    // Checks that read the suspended set from the catalog.
    long catalog_reads() const { return catalog_reads_; }

   private:
    std::string CheckSql(bool skip_suspended) const;
    std::vector<Divergence> Divergent(const Row &row) const;

    const std::vector<TviewDef> &tviews_;
    std::string extension_schema_;
    std::string check_sql_;           // skips none
    std::string skip_suspended_sql_;  // skips suspended TVIEWs
    long checks_ = 0;
    long skipped_ = 0;
    long catalog_reads_ = 0;
};

}  // namespace fuzz
