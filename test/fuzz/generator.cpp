// Composing single statements into DO blocks, multi-statement query strings, EXPLAIN ANALYZE
// and procedure calls with transaction control; and the items workload's choice of writes and
// failing writes.
#include "generator.hpp"

#include <string>
#include <vector>

#include "rows.hpp"
#include "values.hpp"

namespace fuzz {

Statement ItemsGenerator::SimpleWrite()
{
    using Make = Statement (ItemsGenerator::*)();
    struct Choice {
        Make make;
        int weight;
    };
    static const std::vector<Choice> choices{
        // Inserts outweigh deletes so that tables stay populated; TRUNCATE is rare.
        {&ItemsGenerator::InsertItems, 45},
        {&ItemsGenerator::InsertGroups, 12},
        {&ItemsGenerator::InsertReviews, 10},
        {&ItemsGenerator::InsertItemsFromSelect, 9},
        {&ItemsGenerator::InsertReviewsForItems, 18},
        {&ItemsGenerator::UpdateItems, 60},
        {&ItemsGenerator::UpdateUnreadItemColumns, 9},
        {&ItemsGenerator::UpdateGroups, 15},
        {&ItemsGenerator::UpdateReviews, 15},
        {&ItemsGenerator::DeleteItems, 15},
        {&ItemsGenerator::DeleteGroups, 4},
        {&ItemsGenerator::DeleteReviews, 8},
        {&ItemsGenerator::UpsertItems, 21},
        {&ItemsGenerator::UpsertGroups, 6},
        {&ItemsGenerator::UpsertReviews, 6},
        {&ItemsGenerator::MergeItems, 15},
        {&ItemsGenerator::MergeGroupsFromItems, 3},
        {&ItemsGenerator::WritableCte, 15},
        {&ItemsGenerator::CopyRows, 9},
        {&ItemsGenerator::Truncate, 1},
        {&ItemsGenerator::UpdateItemsFromGroups, 5},
        {&ItemsGenerator::DeleteReviewsUsingItems, 3},
    };
    std::vector<int> weights;
    for (const auto &choice : choices) weights.push_back(choice.weight);
    return (this->*choices[rng_.Weighted(weights)].make)();
}

Statement Generator::WriteWithoutCopy()
{
    for (;;) {
        Statement statement = SimpleWrite();
        if (!statement.copy_data) return statement;
    }
}

Statement Generator::ProceduralBlock()
{
    // Writes inside PL/pgSQL: each runs as its own nested statement, some in a subtransaction
    // that swallows their failure or is rolled back after they succeeded.
    const char *const caught =
        " EXCEPTION WHEN unique_violation OR foreign_key_violation OR cardinality_violation THEN "
        "NULL; END;";
    Statement block;
    block.sql = "DO $do$ BEGIN";
    for (int part = rng_.Int(1, 3); part > 0; part--) {
        Statement inner = WriteWithoutCopy();
        block.takes_exclusive_lock |= inner.takes_exclusive_lock;
        // Even a caught failure's SQLSTATE stays possible: a deferred duplicate title the inner
        // statement created fails the block's implicit COMMIT.
        block.allowed_errors.insert(inner.allowed_errors.begin(), inner.allowed_errors.end());
        switch (rng_.Int(0, 2)) {
            case 0:
                block.sql += " " + inner.sql + ";";
                break;
            case 1:
                block.sql += " BEGIN " + inner.sql + ";" + caught;
                break;
            default:
                block.sql += " BEGIN " + inner.sql +
                             "; RAISE EXCEPTION 'undone' USING ERRCODE = 'P0001'; EXCEPTION WHEN "
                             "SQLSTATE 'P0001' OR unique_violation OR foreign_key_violation OR "
                             "cardinality_violation THEN NULL; END;";
                break;
        }
    }
    if (rng_.Percent(15)) {
        block.sql += " RAISE EXCEPTION 'deliberate' USING ERRCODE = 'P0001';";
        block.allowed_errors.insert(sqlstate::kRaiseException);
        block.must_fail = true;
    }
    block.sql += " END $do$";
    return block;
}

Statement Generator::MultiStatement()
{
    // Several statements in one query string run in one implicit transaction: a failure in a
    // later one undoes the earlier ones.
    Statement combined;
    for (int part = rng_.Int(2, 3); part > 0; part--) {
        Statement inner = WriteWithoutCopy();
        combined.sql += (combined.sql.empty() ? "" : "; ") + inner.sql;
        combined.allowed_errors.insert(inner.allowed_errors.begin(), inner.allowed_errors.end());
        combined.takes_exclusive_lock |= inner.takes_exclusive_lock;
    }
    return combined;
}

Statement ItemsGenerator::AlterUnreadColumn()
{
    // DDL on a column no TVIEW reads: capture must keep working with the changed row type.
    Statement statement{
        rng_.Percent(50) ? "ALTER TABLE fuzz.tb_item ADD COLUMN IF NOT EXISTS extra int DEFAULT 7"
                         : "ALTER TABLE fuzz.tb_item DROP COLUMN IF EXISTS extra",
        {}};
    statement.takes_exclusive_lock = true;
    statement.as_owner = true;  // only a table's owner may alter it
    return statement;
}

Statement Generator::ExplainAnalyze()
{
    // EXPLAIN ANALYZE runs the write through the executor under a utility statement.
    Statement statement = WriteWithoutCopy();
    while (statement.takes_exclusive_lock) statement = WriteWithoutCopy();  // no EXPLAIN TRUNCATE
    statement.sql = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement.sql;
    return statement;
}

Statement Generator::Write()
{
    switch (rng_.Weighted({900, 50, 40, 20, 3})) {
        case 0:
            return SimpleWrite();
        case 1:
            return ProceduralBlock();
        case 2:
            return MultiStatement();
        case 3:
            return ExplainAnalyze();
        default:
            return AlterUnreadColumn();
    }
}

Statement Generator::ProcedureWithCommits()
{
    // Transactions that end inside one CALL: committed steps stay even if a later step fails.
    Statement call;
    std::string steps, endings;
    for (int step = rng_.Int(1, 4); step > 0; step--) {
        Statement inner = WriteWithoutCopy();
        call.allowed_errors.insert(inner.allowed_errors.begin(), inner.allowed_errors.end());
        steps += (steps.empty() ? "" : ", ") + Quote(inner.sql);
        endings += (endings.empty() ? "" : ", ") + std::string(rng_.Percent(50)   ? "'commit'"
                                                               : rng_.Percent(50) ? "'rollback'"
                                                                                  : "'none'");
    }
    call.sql = "CALL " + schema_ + ".run_steps(ARRAY[" + steps + "], ARRAY[" + endings + "])";
    return call;
}

Statement ItemsGenerator::FailingWrite()
{
    Statement statement;
    statement.must_fail = true;
    switch (rng_.Int(0, 4)) {
        case 0: {
            // The last row repeats the first row's key: rows before it are already written.
            int key = rng_.Int(1, kMaxItem);
            std::string rows = SqlRow(ItemRow(rng_, key));
            for (int i = rng_.Int(0, 2); i > 0; i--)
                rows += ", " + SqlRow(ItemRow(rng_, rng_.Int(1, kMaxItem)));
            rows += ", " + SqlRow(ItemRow(rng_, key));
            statement.sql =
                "INSERT INTO fuzz.tb_item " + std::string(kItemColumns) + " VALUES " + rows;
            statement.allowed_errors = {sqlstate::kUniqueViolation};
            break;
        }
        case 1:
            // Updates run to completion inside the CTE, then the outer query divides by zero.
            {
                const std::string price = ItemAssignment("price");
                const std::string group = ItemAssignment("fk_group");
                statement.sql = "WITH u AS (UPDATE fuzz.tb_item SET " + price + ", " + group +
                                " WHERE " + ItemPredicate() +
                                " RETURNING 1) SELECT 1 / (count(*) - count(*)) FROM u";
            }
            statement.allowed_errors = {sqlstate::kDivisionByZero, sqlstate::kUniqueViolation};
            break;
        case 2:
            // The foreign key check fails at the end of the statement, after the insert.
            {
                const std::string first = SqlRow(ReviewRow(rng_, rng_.Int(1, kMaxReview)));
                statement.sql = "INSERT INTO fuzz.tb_review " + std::string(kReviewColumns) +
                                " VALUES " + first + ", (" +
                                std::to_string(rng_.Int(1, kMaxReview)) + ", -1, 1, 'orphan')";
            }
            statement.allowed_errors = {sqlstate::kForeignKeyViolation, sqlstate::kUniqueViolation};
            break;
        case 3: {
            // COPY whose last line is malformed: earlier lines are already inserted.
            statement.sql = "COPY fuzz.tb_item " + std::string(kItemColumns) + " FROM STDIN";
            std::string data;
            for (int i = rng_.Int(1, 3); i > 0; i--)
                data += CopyLine(ItemRow(rng_, rng_.Int(1, kMaxItem)));
            data +=
                std::to_string(rng_.Int(1, kMaxItem)) + "\t1\tbad\tnot-a-number\t1\tt\t\\N\t\\N\n";
            statement.copy_data = data;
            statement.allowed_errors = {sqlstate::kInvalidTextRepresentation,
                                        sqlstate::kUniqueViolation};
            break;
        }
        default: {
            // Two source rows with one key: matched twice, or inserted twice.
            int key = rng_.Int(1, kMaxItem);
            statement.sql =
                "MERGE INTO fuzz.tb_item t USING (VALUES (" + std::to_string(key) + ", 1), (" +
                std::to_string(key) +
                ", 2)) AS s(pk_item, g) ON t.pk_item = s.pk_item WHEN "
                "MATCHED THEN UPDATE SET fk_group = s.g WHEN NOT MATCHED THEN INSERT (pk_item, "
                "fk_group, name, price, qty, active) VALUES (s.pk_item, s.g, 'twice', 10, 1, true)";
            statement.allowed_errors = {sqlstate::kCardinalityViolation,
                                        sqlstate::kUniqueViolation};
            break;
        }
    }
    return statement;
}

}  // namespace fuzz
