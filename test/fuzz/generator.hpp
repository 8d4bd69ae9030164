// Random data-changing statements over the fuzzer's base tables.
#pragma once

#include "rng.hpp"
#include "statement.hpp"

namespace fuzz {

class Generator {
   public:
    explicit Generator(Rng &rng) : rng_(rng) {}

    // A random write: INSERT, UPDATE, DELETE, upsert, MERGE, writable CTE, COPY, TRUNCATE,
    // now and then several of them in a DO block or in one query string, or DDL.
    Statement Write();
    // A write that always fails, most of them after changing some rows.
    Statement FailingWrite();
    // CALL of a procedure that commits and rolls back between writes; outside transactions only.
    Statement ProcedureWithCommits();

   private:
    // Composition (generator.cpp).
    Statement SimpleWrite();       // one statement on one table (or a writable CTE)
    Statement WriteWithoutCopy();  // SimpleWrite() that can be embedded in other SQL
    Statement ProceduralBlock();
    Statement MultiStatement();
    Statement ExplainAnalyze();
    Statement AlterUnreadColumn();

    // Single statements (generator_dml.cpp).
    Statement InsertItems();
    Statement InsertGroups();
    Statement InsertReviews();
    Statement InsertReviewsForItems();
    Statement InsertItemsFromSelect();
    Statement UpdateItems();
    Statement UpdateUnreadItemColumns();
    Statement UpdateItemsFromGroups();
    Statement UpdateGroups();
    Statement UpdateReviews();
    Statement DeleteItems();
    Statement DeleteGroups();
    Statement DeleteReviews();
    Statement DeleteReviewsUsingItems();
    Statement UpsertItems();
    Statement UpsertGroups();
    Statement UpsertReviews();
    Statement MergeItems();
    Statement MergeGroupsFromItems();
    Statement WritableCte();
    Statement CopyRows();
    Statement Truncate();

    std::string ItemPredicate();
    std::string GroupPredicate();
    std::string ReviewPredicate();
    std::string ItemAssignment(const std::string &column);
    std::string ItemKeyList(int count);

    Rng &rng_;
};

}  // namespace fuzz
