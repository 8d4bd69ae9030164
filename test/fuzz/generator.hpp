// Random data-changing statements.
//
// Generator composes a workload's single writes into DO blocks, multi-statement query strings,
// EXPLAIN ANALYZE and procedure calls with transaction control (generator.cpp). Each workload
// derives from it with its own single writes and failing writes: ItemsGenerator (the "items"
// workload, generator.cpp and generator_dml.cpp) and LineageGenerator (the "lineage" workload,
// generator_lineage.hpp).
#pragma once

#include <string>
#include <utility>

#include "rng.hpp"
#include "statement.hpp"

namespace fuzz {

class Generator {
   public:
    // schema names the workload's schema, where the procedure run_steps lives.
    Generator(Rng &rng, std::string schema) : rng_(rng), schema_(std::move(schema)) {}
    virtual ~Generator() = default;
    Generator(const Generator &) = delete;
    Generator &operator=(const Generator &) = delete;

    // A random write: a single write, now and then several of them in a DO block or in one
    // query string, under EXPLAIN ANALYZE, or DDL on a column no TVIEW reads.
    Statement Write();
    // A write that always fails, most of them after changing some rows.
    virtual Statement FailingWrite() = 0;
    // CALL of a procedure that commits and rolls back between writes; outside transactions only.
    Statement ProcedureWithCommits();

   protected:
    // One statement of the workload (INSERT, UPDATE, DELETE, upsert, MERGE, writable CTE, COPY,
    // TRUNCATE).
    virtual Statement SimpleWrite() = 0;
    // ALTER TABLE adding or dropping a column no TVIEW reads.
    virtual Statement AlterUnreadColumn() = 0;

    Statement WriteWithoutCopy();  // SimpleWrite() that can be embedded in other SQL
    Statement ProceduralBlock();
    Statement MultiStatement();
    Statement ExplainAnalyze();

    Rng &rng_;
    std::string schema_;
};

// The "items" workload: tb_item, tb_group, tb_review in schema fuzz.
class ItemsGenerator : public Generator {
   public:
    explicit ItemsGenerator(Rng &rng) : Generator(rng, "fuzz") {}

    Statement FailingWrite() override;

   protected:
    Statement SimpleWrite() override;
    Statement AlterUnreadColumn() override;

   private:
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
};

}  // namespace fuzz
