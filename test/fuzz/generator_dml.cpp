// The items workload's single statements on its base tables: inserts, updates, deletes,
// upserts, MERGE, writable CTEs, COPY and TRUNCATE, with their predicates and SET expressions.
#include <algorithm>
#include <string>
#include <vector>

#include "generator.hpp"
#include "rows.hpp"
#include "values.hpp"

namespace fuzz {

std::string ItemsGenerator::ItemKeyList(int count)
{
    std::string out;
    for (int i = 0; i < count; i++) {
        if (i > 0) out += ", ";
        out += std::to_string(rng_.Int(1, kMaxItem));
    }
    return out;
}

std::string ItemsGenerator::ItemPredicate()
{
    switch (rng_.Int(0, 13)) {
        case 0:
        case 1:
            return "pk_item = " + std::to_string(rng_.Int(1, kMaxItem));
        case 2:
            return "pk_item IN (" + ItemKeyList(rng_.Int(1, 4)) + ")";
        case 3: {
            int lo = rng_.Int(1, kMaxItem);
            return "pk_item BETWEEN " + std::to_string(lo) + " AND " +
                   std::to_string(lo + rng_.Int(0, 8));
        }
        case 4:
            return "fk_group = " + std::to_string(rng_.Int(1, kMaxGroup));
        case 5:
            return "fk_group IS NULL";
        case 6:
            return rng_.Percent(50) ? "active" : "NOT active";
        case 7:
            return "price > " + Price(rng_).Sql();
        case 8:
            return "qty IS NULL OR qty < " + std::to_string(rng_.Int(0, 5));
        case 9:
            return "pk_item % 3 = " + std::to_string(rng_.Int(0, 2));
        case 10:
            return "name = " + ItemName(rng_).Sql();
        case 11:
            return rng_.Percent(30) ? "false" : "true";
        case 12:
            return "tags LIKE '%red%'";
        default: {
            const int group = rng_.Int(1, kMaxGroup);
            return "fk_group = " + std::to_string(group) + " AND pk_item > " +
                   std::to_string(rng_.Int(1, kMaxItem));
        }
    }
}

std::string ItemsGenerator::GroupPredicate()
{
    switch (rng_.Int(0, 6)) {
        case 0:
        case 1:
            return "pk_group = " + std::to_string(rng_.Int(1, kMaxGroup));
        case 2:
            return "budget >= " + Budget(rng_).Sql();
        case 3:
            return "budget IS NULL";
        case 4:
            return "region = " + Region(rng_).Sql();
        case 5:
            return "pk_group > " + std::to_string(rng_.Int(1, kMaxGroup));
        default:
            return "true";
    }
}

std::string ItemsGenerator::ReviewPredicate()
{
    switch (rng_.Int(0, 5)) {
        case 0:
        case 1:
            return "pk_review = " + std::to_string(rng_.Int(1, kMaxReview));
        case 2:
            return "fk_item = " + std::to_string(rng_.Int(1, kMaxItem));
        case 3:
            return "stars <= " + std::to_string(rng_.Int(1, 5));
        case 4:
            return "stars IS NULL OR body = 'bad'";
        default:
            return "pk_review % 4 = " + std::to_string(rng_.Int(0, 3));
    }
}

std::string ItemsGenerator::ItemAssignment(const std::string &column)
{
    std::string value;
    if (column == "pk_item") {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = std::to_string(rng_.Int(1, kMaxItem));
                break;
            case 1:
                value = ShiftedItemKey(NonZeroDelta(rng_));
                break;
            case 2:
                value = std::to_string(kMaxItem + 1) + " - pk_item";
                break;
            default:
                value = ShiftedItemKey(kMaxItem / 2);
                break;
        }
    } else if (column == "fk_group") {
        switch (rng_.Int(0, 2)) {
            case 0:
                value = GroupRef(rng_).Sql();
                break;
            case 1:
                value = "fk_group % " + std::to_string(kMaxGroup) + " + 1";
                break;
            default:
                value = "NULL";
                break;
        }
    } else if (column == "name") {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = "upper(name)";
                break;
            case 1:
                value = "left(name || '!', 8)";
                break;
            default:
                value = ItemName(rng_).Sql();
                break;
        }
    } else if (column == "price") {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = "price + 1";
                break;
            case 1:
                value = "price - 2.5";
                break;
            case 2:
                value = "round(price, 1)";
                break;
            default:
                value = Price(rng_).Sql();
                break;
        }
    } else if (column == "qty") {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = "qty + 1";
                break;
            case 1:
                value = "qty - 1";
                break;
            default:
                value = Qty(rng_).Sql();
                break;
        }
    } else if (column == "active") {
        value = rng_.Percent(50) ? "NOT active" : Active(rng_).Sql();
    } else if (column == "tags") {
        value = Tags(rng_).Sql();
    } else {
        value = Note(rng_).Sql();
    }
    return column + " = " + value;
}

Statement ItemsGenerator::InsertItems()
{
    int rows = rng_.Percent(50) ? 1 : rng_.Int(2, 4);
    return Statement{"INSERT INTO fuzz.tb_item " + std::string(kItemColumns) + " VALUES " +
                         ValuesRows(rng_, rows, kMaxItem, true, ItemRow),
                     {sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::InsertGroups()
{
    return Statement{"INSERT INTO fuzz.tb_group " + std::string(kGroupColumns) + " VALUES " +
                         ValuesRows(rng_, rng_.Int(1, 2), kMaxGroup, true, GroupRow),
                     {sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::InsertReviews()
{
    return Statement{"INSERT INTO fuzz.tb_review " + std::string(kReviewColumns) + " VALUES " +
                         ValuesRows(rng_, rng_.Int(1, 3), kMaxReview, true, ReviewRow),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement ItemsGenerator::InsertReviewsForItems()
{
    // Reviews of items that exist, so that most of them pass the foreign key.
    const std::string salt = std::to_string(rng_.Int(0, kMaxReview - 1));
    const std::string body = Body(rng_).Sql();
    const std::string predicate = ItemPredicate();
    return Statement{"INSERT INTO fuzz.tb_review " + std::string(kReviewColumns) +
                         " SELECT (pk_item * 3 + " + salt + ") % " + std::to_string(kMaxReview) +
                         " + 1, pk_item, (pk_item + " + salt + ") % 5 + 1, " + body +
                         " FROM fuzz.tb_item WHERE " + predicate +
                         " ON CONFLICT (pk_review) DO NOTHING",
                     {}};
}

Statement ItemsGenerator::InsertItemsFromSelect()
{
    const std::string key = ShiftedItemKey(NonZeroDelta(rng_));
    const std::string predicate = ItemPredicate();
    return Statement{"INSERT INTO fuzz.tb_item " + std::string(kItemColumns) + " SELECT " + key +
                         ", fk_group, name, price, qty, NOT active, tags, note FROM fuzz.tb_item "
                         "WHERE " +
                         predicate + " ON CONFLICT (pk_item) DO NOTHING",
                     {}};
}

Statement ItemsGenerator::UpdateItems()
{
    static const std::vector<std::string> columns{"pk_item", "fk_group", "name", "price",
                                                  "qty",     "active",   "tags", "note"};
    static const std::vector<int> weights{2, 3, 2, 4, 3, 3, 2, 1};
    std::vector<std::string> chosen;
    int count = rng_.Int(1, 3);
    while (static_cast<int>(chosen.size()) < count) {
        const std::string &column = columns[rng_.Weighted(weights)];
        if (std::find(chosen.begin(), chosen.end(), column) == chosen.end())
            chosen.push_back(column);
    }
    std::string sets;
    for (const auto &column : chosen) {
        if (!sets.empty()) sets += ", ";
        sets += ItemAssignment(column);
    }
    return Statement{"UPDATE fuzz.tb_item SET " + sets + " WHERE " + ItemPredicate(),
                     {sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::UpdateUnreadItemColumns()
{
    // note is read by no TVIEW: such updates must change nothing (and cost nothing).
    const std::string note = Note(rng_).Sql();
    return Statement{"UPDATE fuzz.tb_item SET note = " + note + " WHERE " + ItemPredicate(), {}};
}

Statement ItemsGenerator::UpdateGroups()
{
    std::string set;
    switch (rng_.Int(0, 5)) {
        case 0:
            set = "pk_group = " + std::to_string(rng_.Int(1, kMaxGroup));
            break;
        case 1:
            set = "title = " + Title(rng_).Sql();
            break;
        case 2:
            set = "region = " + Region(rng_).Sql();
            break;
        case 3:
            set = "budget = budget + 50";
            break;
        case 4:
            set = "budget = " + Budget(rng_).Sql();
            set += ", region = " + Region(rng_).Sql();
            break;
        default:
            set = "note = " + Note(rng_).Sql();
            break;
    }
    return Statement{"UPDATE fuzz.tb_group SET " + set + " WHERE " + GroupPredicate(),
                     {sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::UpdateReviews()
{
    std::string set;
    switch (rng_.Int(0, 3)) {
        case 0:
            set = "fk_item = " + std::to_string(rng_.Int(1, kMaxItem));
            break;
        case 1:
            set = "stars = " + Stars(rng_).Sql();
            break;
        case 2:
            set = "body = " + Body(rng_).Sql() + ", stars = stars + 1";
            break;
        default:
            set = "pk_review = (pk_review + " + std::to_string(rng_.Int(1, 5) + kMaxReview - 1) +
                  ") % " + std::to_string(kMaxReview) + " + 1";
            break;
    }
    return Statement{"UPDATE fuzz.tb_review SET " + set + " WHERE " + ReviewPredicate(),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement ItemsGenerator::DeleteItems()
{
    // Mostly a few keys: wide deletes would keep the table nearly empty.
    std::string predicate =
        rng_.Percent(70) ? "pk_item IN (" + ItemKeyList(rng_.Int(1, 3)) + ")" : ItemPredicate();
    return Statement{"DELETE FROM fuzz.tb_item WHERE " + predicate, {}};
}

Statement ItemsGenerator::UpdateItemsFromGroups()
{
    // A join with at most one group per item: every updated row gets one well-defined value.
    return Statement{
        "UPDATE fuzz.tb_item i SET price = i.price + COALESCE(g.budget, 0) / 100, "
        "active = g.region IS NOT NULL FROM fuzz.tb_group g WHERE g.pk_group = "
        "i.fk_group AND " +
            GroupPredicate(),
        {}};
}

Statement ItemsGenerator::DeleteReviewsUsingItems()
{
    return Statement{
        "DELETE FROM fuzz.tb_review r USING fuzz.tb_item i WHERE r.fk_item = "
        "i.pk_item AND (NOT i.active OR i.qty = " +
            std::to_string(rng_.Int(0, 9)) + ")",
        {}};
}

Statement ItemsGenerator::DeleteGroups()
{
    return Statement{"DELETE FROM fuzz.tb_group WHERE " + GroupPredicate(), {}};
}

Statement ItemsGenerator::DeleteReviews()
{
    return Statement{"DELETE FROM fuzz.tb_review WHERE " + ReviewPredicate(), {}};
}

Statement ItemsGenerator::UpsertItems()
{
    int rows = rng_.Int(1, 4);
    // Repeated keys make DO UPDATE fail with cardinality_violation; keep them rare.
    std::string values = ValuesRows(rng_, rows, kMaxItem, rng_.Percent(15), ItemRow);
    std::string action;
    switch (rng_.Int(0, 3)) {
        case 0:
            action = "DO NOTHING";
            break;
        case 1:
            action =
                "DO UPDATE SET price = EXCLUDED.price, qty = COALESCE(t.qty, 0) + 1, "
                "active = EXCLUDED.active";
            break;
        case 2:
            action =
                "DO UPDATE SET fk_group = EXCLUDED.fk_group, name = EXCLUDED.name WHERE "
                "t.active IS NOT DISTINCT FROM true";
            break;
        default:
            action = "DO UPDATE SET note = EXCLUDED.note";
            break;
    }
    return Statement{"INSERT INTO fuzz.tb_item AS t " + std::string(kItemColumns) + " VALUES " +
                         values + " ON CONFLICT (pk_item) " + action,
                     {sqlstate::kCardinalityViolation}};
}

Statement ItemsGenerator::UpsertGroups()
{
    return Statement{"INSERT INTO fuzz.tb_group AS g " + std::string(kGroupColumns) + " VALUES " +
                         ValuesRows(rng_, rng_.Int(1, 2), kMaxGroup, false, GroupRow) +
                         " ON CONFLICT (pk_group) DO UPDATE SET budget = EXCLUDED.budget, "
                         "title = EXCLUDED.title",
                     {sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::UpsertReviews()
{
    const std::string values = ValuesRows(rng_, rng_.Int(1, 3), kMaxReview, false, ReviewRow);
    const char *action = rng_.Percent(50) ? "DO NOTHING"
                                          : "DO UPDATE SET stars = EXCLUDED.stars, fk_item = "
                                            "EXCLUDED.fk_item";
    return Statement{"INSERT INTO fuzz.tb_review AS r " + std::string(kReviewColumns) + " VALUES " +
                         values + " ON CONFLICT (pk_review) " + action,
                     {sqlstate::kForeignKeyViolation}};
}

Statement ItemsGenerator::MergeItems()
{
    std::string source;
    int rows = rng_.Int(1, 4);
    for (int i = 0; i < rows; i++) {
        if (!source.empty()) source += ", ";
        // One value per statement: the order of draws must not depend on the compiler.
        source += "(" + std::to_string(rng_.Int(1, kMaxItem)) + "::int, ";
        source += GroupRef(rng_).Sql() + "::int, ";
        source += Price(rng_).Sql() + "::numeric, ";
        source += Qty(rng_).Sql() + "::int, ";
        source += Active(rng_).Sql() + "::boolean)";
    }
    std::string sql = "MERGE INTO fuzz.tb_item t USING (VALUES " + source +
                      ") AS s(pk_item, fk_group, price, qty, active) ON t.pk_item = s.pk_item";
    if (rng_.Percent(40)) sql += " WHEN MATCHED AND s.qty IS NULL THEN DELETE";
    if (rng_.Percent(20)) sql += " WHEN MATCHED AND s.active IS NULL THEN DO NOTHING";
    sql += " WHEN MATCHED THEN UPDATE SET price = s.price, fk_group = s.fk_group, qty = s.qty";
    sql += rng_.Percent(80) ? " WHEN NOT MATCHED THEN INSERT (pk_item, fk_group, name, price, "
                              "qty, active) VALUES (s.pk_item, s.fk_group, 'merged', s.price, "
                              "s.qty, s.active)"
                            : " WHEN NOT MATCHED THEN DO NOTHING";
    // Repeated source keys: a target row hit twice, or two inserts of one key.
    return Statement{sql, {sqlstate::kCardinalityViolation, sqlstate::kUniqueViolation}};
}

Statement ItemsGenerator::MergeGroupsFromItems()
{
    return Statement{
        "MERGE INTO fuzz.tb_group g USING (SELECT fk_group, count(*) AS c FROM fuzz.tb_item "
        "WHERE fk_group IS NOT NULL GROUP BY fk_group) AS s ON g.pk_group = s.fk_group "
        "WHEN MATCHED AND s.c > 3 THEN DELETE "
        "WHEN MATCHED THEN UPDATE SET budget = s.c * 50 "
        "WHEN NOT MATCHED THEN INSERT (pk_group, title, budget) VALUES (s.fk_group, NULL, "
        "s.c * 50)",
        {}};
}

Statement ItemsGenerator::WritableCte()
{
    switch (rng_.Int(0, 3)) {
        case 0: {
            // Delete and re-insert the same keys in one statement, moved to another group.
            const std::string predicate = ItemPredicate();
            const std::string group = GroupRef(rng_).Sql();
            return Statement{"WITH d AS (DELETE FROM fuzz.tb_item WHERE " + predicate +
                                 " RETURNING *) INSERT INTO fuzz.tb_item " + kItemColumns +
                                 " SELECT pk_item, " + group +
                                 ", name, price, qty, active, tags, note FROM d",
                             {}};
        }
        case 1:
            return Statement{
                "WITH u AS (UPDATE fuzz.tb_item SET qty = COALESCE(qty, 0) + 1 WHERE " +
                    ItemPredicate() +
                    " RETURNING pk_item, qty) INSERT INTO "
                    "fuzz.tb_review " +
                    kReviewColumns + " SELECT (pk_item * 7 + qty) % " + std::to_string(kMaxReview) +
                    " + 1, pk_item, qty % 5 + 1, 'cte' FROM u ON CONFLICT (pk_review) "
                    "DO NOTHING",
                {}};
        case 2:
            return Statement{
                "WITH d AS (DELETE FROM fuzz.tb_review WHERE " + ReviewPredicate() +
                    " RETURNING fk_item) UPDATE fuzz.tb_item SET qty = COALESCE(qty, "
                    "0) + 1, price = price + 1 WHERE pk_item IN (SELECT fk_item FROM d)",
                {}};
        default:
            return Statement{
                "WITH g AS (UPDATE fuzz.tb_group SET budget = COALESCE(budget, 0) + "
                "10 WHERE " +
                    GroupPredicate() +
                    " RETURNING pk_group) DELETE FROM fuzz.tb_item WHERE fk_group IN "
                    "(SELECT pk_group FROM g) AND NOT active",
                {sqlstate::kUniqueViolation}};
    }
}

Statement ItemsGenerator::CopyRows()
{
    Statement statement;
    std::string data;
    int rows = rng_.Int(1, 5);
    switch (rng_.Int(0, 3)) {
        case 0:
            statement.sql = "COPY fuzz.tb_review " + std::string(kReviewColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++)
                data += CopyLine(ReviewRow(rng_, rng_.Int(1, kMaxReview)));
            statement.allowed_errors = {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation};
            break;
        case 1:
            statement.sql = "COPY fuzz.tb_group " + std::string(kGroupColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++) data += CopyLine(GroupRow(rng_, rng_.Int(1, kMaxGroup)));
            statement.allowed_errors = {sqlstate::kUniqueViolation};
            break;
        default:
            statement.sql = "COPY fuzz.tb_item " + std::string(kItemColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++) data += CopyLine(ItemRow(rng_, rng_.Int(1, kMaxItem)));
            statement.allowed_errors = {sqlstate::kUniqueViolation};
            break;
    }
    statement.copy_data = data;
    return statement;
}

Statement ItemsGenerator::Truncate()
{
    static const std::vector<std::string> targets{
        "fuzz.tb_review", "fuzz.tb_group", "fuzz.tb_item CASCADE", "fuzz.tb_item, fuzz.tb_review",
        "fuzz.tb_review, fuzz.tb_group"};
    Statement statement{"TRUNCATE " + rng_.Pick(targets), {}};
    statement.takes_exclusive_lock = true;
    return statement;
}

}  // namespace fuzz
