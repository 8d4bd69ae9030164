// The "lineage" workload's schema (lin): company -> user -> post -> comment, tags linked to
// posts many-to-many, and TVIEWs of every shape the extension's lineage analysis supports
// (docs/lineage.md), one reading others. Value domains and row builders of its tables.
//
// As for the items workload, the definitions here are the fuzzer's own copy, evaluated by the
// oracle independently of what the extension stored.
#pragma once

#include <string>
#include <vector>

#include "rng.hpp"
#include "schema.hpp"
#include "values.hpp"

namespace fuzz::lineage {

inline constexpr const char *kSchema = "lin";

// Small key ranges: keys collide, parents empty and refill, children move between parents.
constexpr int kMaxCompany = 5;   // tb_company keys 1..kMaxCompany
constexpr int kMaxUser = 12;     // tb_user keys
constexpr int kMaxPost = 24;     // tb_post keys
constexpr int kMaxComment = 40;  // tb_comment keys
constexpr int kMaxTag = 6;       // tb_tag keys

inline constexpr const char *kCompanyColumns = "(pk_company, name)";
inline constexpr const char *kUserColumns = "(pk_user, fk_company, name, active)";
inline constexpr const char *kPostColumns = "(pk_post, fk_user, title, score, published, note)";
inline constexpr const char *kCommentColumns = "(pk_comment, fk_post, fk_user, body, likes)";
inline constexpr const char *kTagColumns = "(pk_tag, name)";
inline constexpr const char *kPostTagColumns = "(fk_post, fk_tag)";

// In creation order: a TVIEW that reads another one comes after it.
const std::vector<TviewDef> &Tviews();
// The TVIEWs and base tables as the operations surface sees them (operations.hpp).
const std::vector<OperationTarget> &OperationTargets();
const std::vector<CascadeTarget> &CascadeTargets();
// Creates the tables, indexes, view and procedure in the (new, empty) schema lin and seeds them.
std::vector<std::string> BaseTableStatements(Rng &rng);
// Run once the TVIEWs exist: indexes on TVIEW tables that other TVIEWs' lineage reads through.
std::vector<std::string> AfterTviewStatements();

// Column domains (NULL now and then where the column is nullable).
Value CompanyName(Rng &rng);
Value UserName(Rng &rng);
Value UserActive(Rng &rng);
Value PostTitle(Rng &rng);
Value PostScore(Rng &rng);
Value PostPublished(Rng &rng);
Value PostNote(Rng &rng);  // read by no TVIEW
Value CommentBody(Rng &rng);
Value CommentLikes(Rng &rng);
Value TagName(Rng &rng);

// Random rows with the given key, in the column order above; foreign keys name any key of the
// parent's range, existing or not.
std::vector<Value> CompanyRow(Rng &rng, int key);
std::vector<Value> UserRow(Rng &rng, int key);
std::vector<Value> PostRow(Rng &rng, int key);
std::vector<Value> CommentRow(Rng &rng, int key);
std::vector<Value> TagRow(Rng &rng, int key);

// An expression moving column by delta while keeping it in 1..max.
std::string Shifted(const std::string &column, int delta, int max);

}  // namespace fuzz::lineage
