// The lineage workload's statements. Every random draw is its own full expression, so that the
// order of draws, and with it the workload of a seed, does not depend on the compiler.
#include "generator_lineage.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "rows.hpp"
#include "values.hpp"

namespace fuzz {

using namespace lineage;

namespace {

std::string S(int value)
{
    return std::to_string(value);
}

// alias.column, or column when alias is empty.
std::string Col(const std::string &alias, const char *column)
{
    return alias.empty() ? std::string(column) : alias + "." + column;
}

}  // namespace

// --- building blocks ---------------------------------------------------------------------

std::string LineageGenerator::Key(int max)
{
    return S(rng_.Int(1, max));
}

std::string LineageGenerator::KeyList(int count, int max)
{
    std::string out;
    for (int i = 0; i < count; i++) {
        if (i > 0) out += ", ";
        out += Key(max);
    }
    return out;
}

std::string LineageGenerator::ExistingKey(const char *table, const char *column, int max)
{
    const std::string key = Key(max);
    const std::string min = "(SELECT min(x." + std::string(column) + ") FROM lin." + table + " x";
    return "COALESCE(" + min + " WHERE x." + column + " >= " + key + "), " + min + "), " + key +
           ")";
}

std::string LineageGenerator::ParentRef(const char *table, const char *column, int max)
{
    if (rng_.Percent(75)) return ExistingKey(table, column, max);
    return Key(max);
}

std::string LineageGenerator::CompanyPredicate(const std::string &a)
{
    switch (rng_.Int(0, 5)) {
        case 0:
        case 1:
            return Col(a, "pk_company") + " = " + Key(kMaxCompany);
        case 2:
            return Col(a, "name") + " = " + CompanyName(rng_).Sql();
        case 3:
            return Col(a, "name") + " IS NULL";
        case 4:
            return Col(a, "pk_company") + " > " + Key(kMaxCompany);
        default:
            return "true";
    }
}

std::string LineageGenerator::UserPredicate(const std::string &a)
{
    switch (rng_.Int(0, 9)) {
        case 0:
        case 1:
            return Col(a, "pk_user") + " = " + Key(kMaxUser);
        case 2:
            return Col(a, "pk_user") + " IN (" + KeyList(rng_.Int(1, 4), kMaxUser) + ")";
        case 3:
            return Col(a, "fk_company") + " = " + Key(kMaxCompany);
        case 4:
            switch (rng_.Int(0, 2)) {
                case 0:
                    return Col(a, "active");
                case 1:
                    return "NOT " + Col(a, "active");
                default:
                    return Col(a, "active") + " IS NULL";
            }
        case 5:
            return Col(a, "name") + " = " + UserName(rng_).Sql();
        case 6:
            return Col(a, "pk_user") + " % 3 = " + S(rng_.Int(0, 2));
        case 7:
            return "EXISTS (SELECT 1 FROM lin.tb_post xp WHERE xp.fk_user = " + Col(a, "pk_user") +
                   " AND xp.published)";
        case 8:
            return Col(a, "pk_user") + " > " + Key(kMaxUser);
        default:
            return "true";
    }
}

std::string LineageGenerator::PostPredicate(const std::string &a)
{
    switch (rng_.Int(0, 12)) {
        case 0:
        case 1:
            return Col(a, "pk_post") + " = " + Key(kMaxPost);
        case 2:
            return Col(a, "pk_post") + " IN (" + KeyList(rng_.Int(1, 4), kMaxPost) + ")";
        case 3: {
            const int lo = rng_.Int(1, kMaxPost);
            return Col(a, "pk_post") + " BETWEEN " + S(lo) + " AND " + S(lo + rng_.Int(0, 6));
        }
        case 4:
            return Col(a, "fk_user") + " = " + Key(kMaxUser);
        case 5:
            return Col(a, "score") + " > " + S(rng_.Int(-2, 8));
        case 6:
            return Col(a, "score") + " IS NULL OR " + Col(a, "score") + " < " + S(rng_.Int(-1, 5));
        case 7:
            switch (rng_.Int(0, 2)) {
                case 0:
                    return Col(a, "published");
                case 1:
                    return "NOT " + Col(a, "published");
                default:
                    return Col(a, "published") + " IS NULL";
            }
        case 8:
            return Col(a, "title") + " = " + PostTitle(rng_).Sql();
        case 9:
            return Col(a, "pk_post") + " % 3 = " + S(rng_.Int(0, 2));
        case 10:
            return Col(a, "fk_user") +
                   " IN (SELECT xu.pk_user FROM lin.tb_user xu WHERE xu.fk_company = " +
                   Key(kMaxCompany) + ")";
        case 11:
            return "EXISTS (SELECT 1 FROM lin.tb_post_tag xpt WHERE xpt.fk_post = " +
                   Col(a, "pk_post") + " AND xpt.fk_tag = " + Key(kMaxTag) + ")";
        default:
            return rng_.Percent(30) ? "false" : "true";
    }
}

std::string LineageGenerator::CommentPredicate(const std::string &a)
{
    switch (rng_.Int(0, 10)) {
        case 0:
        case 1:
            return Col(a, "pk_comment") + " = " + Key(kMaxComment);
        case 2:
            return Col(a, "pk_comment") + " IN (" + KeyList(rng_.Int(1, 4), kMaxComment) + ")";
        case 3: {
            const int lo = rng_.Int(1, kMaxComment);
            return Col(a, "pk_comment") + " BETWEEN " + S(lo) + " AND " + S(lo + rng_.Int(0, 8));
        }
        case 4:
            return Col(a, "fk_post") + " = " + Key(kMaxPost);
        case 5:
            return Col(a, "fk_user") + " = " + Key(kMaxUser);
        case 6:
            return rng_.Percent(50) ? Col(a, "likes") + " <= " + S(rng_.Int(0, 5))
                                    : Col(a, "likes") + " IS NULL";
        case 7:
            return Col(a, "body") + " = " + CommentBody(rng_).Sql();
        case 8:
            return Col(a, "pk_comment") + " % 4 = " + S(rng_.Int(0, 3));
        case 9:
            return Col(a, "fk_post") +
                   " IN (SELECT xp.pk_post FROM lin.tb_post xp WHERE xp.fk_user = " +
                   Key(kMaxUser) + ")";
        default:
            return "true";
    }
}

std::string LineageGenerator::TagPredicate(const std::string &a)
{
    switch (rng_.Int(0, 5)) {
        case 0:
        case 1:
            return Col(a, "pk_tag") + " = " + Key(kMaxTag);
        case 2:
            return Col(a, "name") + " = " + TagName(rng_).Sql();
        case 3:
            return Col(a, "pk_tag") + " > " + Key(kMaxTag);
        case 4:
            return "NOT EXISTS (SELECT 1 FROM lin.tb_post_tag xpt WHERE xpt.fk_tag = " +
                   Col(a, "pk_tag") + ")";
        default:
            return "true";
    }
}

std::string LineageGenerator::LinkPredicate(const std::string &a)
{
    switch (rng_.Int(0, 5)) {
        case 0:
            return Col(a, "fk_post") + " = " + Key(kMaxPost);
        case 1:
            return Col(a, "fk_tag") + " = " + Key(kMaxTag);
        case 2: {
            const std::string post = Key(kMaxPost);
            return Col(a, "fk_post") + " = " + post + " AND " + Col(a, "fk_tag") + " = " +
                   Key(kMaxTag);
        }
        case 3:
            return "(" + Col(a, "fk_post") + " + " + Col(a, "fk_tag") +
                   ") % 3 = " + S(rng_.Int(0, 2));
        case 4:
            return Col(a, "fk_post") +
                   " IN (SELECT xp.pk_post FROM lin.tb_post xp WHERE xp.fk_user = " +
                   Key(kMaxUser) + ")";
        default:
            return "true";
    }
}

// A new primary key: a fresh one, or the old one shifted (collisions and misses included).
std::string LineageGenerator::KeyValue(const std::string &a, const char *column, int max)
{
    return rng_.Percent(50) ? Key(max) : Shifted(Col(a, column), NonZeroDelta(rng_), max);
}

// A new text: the old one upper-cased or suffixed and cut to `width`, or a fresh one.
std::string LineageGenerator::TextValue(const std::string &a, const char *column,
                                        const char *suffix, int width,
                                        const std::function<std::string()> &fresh)
{
    switch (rng_.Int(0, 3)) {
        case 0:
            return "upper(" + Col(a, column) + ")";
        case 1:
            return "left(" + Col(a, column) + " || " + suffix + ", " + S(width) + ")";
        default:
            return fresh();
    }
}

// A re-pointed foreign key: an existing parent, a neighbour of the current one, or any key.
std::string LineageGenerator::ForeignKeyValue(const std::string &a, const char *column,
                                              const char *parent_table, const char *parent_key,
                                              int max)
{
    switch (rng_.Int(0, 2)) {
        case 0:
            return ParentRef(parent_table, parent_key, max);
        case 1:
            return Col(a, column) + " % " + S(max) + " + 1";
        default:
            return Key(max);
    }
}

std::string LineageGenerator::CompanyAssignment(const std::string &column, const std::string &a)
{
    std::string value;
    if (column == "pk_company") {
        value = KeyValue(a, "pk_company", kMaxCompany);
    } else {
        value = TextValue(a, "name", "'+'", 12, [this] { return CompanyName(rng_).Sql(); });
    }
    return column + " = " + value;
}

std::string LineageGenerator::UserAssignment(const std::string &column, const std::string &a)
{
    std::string value;
    if (column == "pk_user") {
        value = KeyValue(a, "pk_user", kMaxUser);
    } else if (column == "fk_company") {
        value = ForeignKeyValue(a, "fk_company", "tb_company", "pk_company", kMaxCompany);
    } else if (column == "name") {
        value = TextValue(a, "name", "'!'", 6, [this] { return UserName(rng_).Sql(); });
    } else {
        value = rng_.Percent(50) ? "NOT " + Col(a, "active") : UserActive(rng_).Sql();
    }
    return column + " = " + value;
}

std::string LineageGenerator::PostAssignment(const std::string &column, const std::string &a)
{
    std::string value;
    if (column == "pk_post") {
        value = KeyValue(a, "pk_post", kMaxPost);
    } else if (column == "fk_user") {
        value = ForeignKeyValue(a, "fk_user", "tb_user", "pk_user", kMaxUser);
    } else if (column == "title") {
        value = TextValue(a, "title", "'!'", 8, [this] { return PostTitle(rng_).Sql(); });
    } else if (column == "score") {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = Col(a, "score") + " + 1";
                break;
            case 1:
                value = Col(a, "score") + " - 2";
                break;
            default:
                value = PostScore(rng_).Sql();
                break;
        }
    } else if (column == "published") {
        value = rng_.Percent(50) ? "NOT " + Col(a, "published") : PostPublished(rng_).Sql();
    } else {
        value = PostNote(rng_).Sql();
    }
    return column + " = " + value;
}

std::string LineageGenerator::CommentAssignment(const std::string &column, const std::string &a)
{
    std::string value;
    if (column == "pk_comment") {
        value = KeyValue(a, "pk_comment", kMaxComment);
    } else if (column == "fk_post") {
        value = ForeignKeyValue(a, "fk_post", "tb_post", "pk_post", kMaxPost);
    } else if (column == "fk_user") {
        value = ForeignKeyValue(a, "fk_user", "tb_user", "pk_user", kMaxUser);
    } else if (column == "body") {
        value = rng_.Percent(30) ? "upper(" + Col(a, "body") + ")" : CommentBody(rng_).Sql();
    } else {
        switch (rng_.Int(0, 2)) {
            case 0:
                value = Col(a, "likes") + " + 1";
                break;
            case 1:
                value = "COALESCE(" + Col(a, "likes") + ", 0) * 2";
                break;
            default:
                value = CommentLikes(rng_).Sql();
                break;
        }
    }
    return column + " = " + value;
}

std::string LineageGenerator::TagAssignment(const std::string &column, const std::string &a)
{
    std::string value;
    if (column == "pk_tag") {
        value = KeyValue(a, "pk_tag", kMaxTag);
    } else {
        switch (rng_.Int(0, 3)) {
            case 0:
                value = "upper(" + Col(a, "name") + ")";
                break;
            case 1:
                value = "lower(" + Col(a, "name") + ")";
                break;
            default:
                value = TagName(rng_).Sql();
                break;
        }
    }
    return column + " = " + value;
}

std::string LineageGenerator::SetList(
    const std::vector<std::string> &columns, const std::vector<int> &weights, int max_columns,
    const std::string &alias,
    std::string (LineageGenerator::*assignment)(const std::string &, const std::string &))
{
    std::vector<std::string> chosen;
    const int count = rng_.Int(1, std::min(max_columns, static_cast<int>(columns.size())));
    while (static_cast<int>(chosen.size()) < count) {
        const std::string &column = columns[rng_.Weighted(weights)];
        if (std::find(chosen.begin(), chosen.end(), column) == chosen.end())
            chosen.push_back(column);
    }
    std::string sets;
    for (const auto &column : chosen) {
        if (!sets.empty()) sets += ", ";
        sets += (this->*assignment)(column, alias);
    }
    return sets;
}

// --- choosing a write --------------------------------------------------------------------

Statement LineageGenerator::SimpleWrite()
{
    using Make = Statement (LineageGenerator::*)();
    struct Choice {
        Make make;
        int weight;
    };
    static const std::vector<Choice> choices{
        // Inserts outweigh deletes, children most: cascades empty whole subtrees at once.
        {&LineageGenerator::InsertCompanies, 5},
        {&LineageGenerator::InsertUsers, 12},
        {&LineageGenerator::InsertPosts, 18},
        {&LineageGenerator::InsertComments, 18},
        {&LineageGenerator::InsertTags, 6},
        {&LineageGenerator::LinkTags, 14},
        {&LineageGenerator::LinkTagsFromSelect, 5},
        {&LineageGenerator::InsertCommentsFromSelect, 6},
        {&LineageGenerator::InsertPostsFromSelect, 4},
        {&LineageGenerator::UpdateCompanies, 7},
        {&LineageGenerator::UpdateUsers, 14},
        {&LineageGenerator::UpdatePosts, 20},
        {&LineageGenerator::UpdatePostNotes, 4},
        {&LineageGenerator::UpdateComments, 16},
        {&LineageGenerator::UpdateTags, 5},
        {&LineageGenerator::UpdateLinks, 5},
        {&LineageGenerator::BulkUpdate, 12},
        {&LineageGenerator::DeleteCompanies, 1},
        {&LineageGenerator::DeleteUsers, 3},
        {&LineageGenerator::DeletePosts, 4},
        {&LineageGenerator::DeleteComments, 8},
        {&LineageGenerator::DeleteTags, 1},
        {&LineageGenerator::UnlinkTags, 6},
        {&LineageGenerator::DeleteCommentsUsingUsers, 1},
        {&LineageGenerator::UpsertUsers, 5},
        {&LineageGenerator::UpsertPosts, 5},
        {&LineageGenerator::UpsertComments, 5},
        {&LineageGenerator::UpsertTags, 3},
        {&LineageGenerator::MergeComments, 6},
        {&LineageGenerator::MergeLinks, 5},
        {&LineageGenerator::MergeUsers, 3},
        {&LineageGenerator::MergeCompaniesFromUsers, 1},
        {&LineageGenerator::WritableCte, 14},
        {&LineageGenerator::CopyRows, 5},
        {&LineageGenerator::Truncate, 1},
    };
    std::vector<int> weights;
    for (const auto &choice : choices) weights.push_back(choice.weight);
    return (this->*choices[rng_.Weighted(weights)].make)();
}

Statement LineageGenerator::AlterUnreadColumn()
{
    // DDL on a column no TVIEW reads: capture must keep working with the changed row type.
    const std::string table = rng_.Percent(50) ? "lin.tb_post" : "lin.tb_comment";
    Statement statement{"ALTER TABLE " + table +
                            (rng_.Percent(50) ? " ADD COLUMN IF NOT EXISTS extra int DEFAULT 7"
                                              : " DROP COLUMN IF EXISTS extra"),
                        {}};
    statement.takes_exclusive_lock = true;
    statement.as_owner = true;  // only a table's owner may alter it
    return statement;
}

// --- inserts -----------------------------------------------------------------------------

Statement LineageGenerator::InsertCompanies()
{
    const std::string rows = ValuesRows(rng_, rng_.Int(1, 2), kMaxCompany, true, CompanyRow);
    const char *conflict = rng_.Percent(60) ? " ON CONFLICT (pk_company) DO NOTHING" : "";
    return Statement{
        "INSERT INTO lin.tb_company " + std::string(kCompanyColumns) + " VALUES " + rows + conflict,
        {sqlstate::kUniqueViolation}};
}

Statement LineageGenerator::InsertUsers()
{
    std::string rows;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        std::vector<Value> row = UserRow(rng_, rng_.Int(1, kMaxUser));
        if (rng_.Percent(70)) row[1] = Raw(ExistingKey("tb_company", "pk_company", kMaxCompany));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    const char *conflict = rng_.Percent(60) ? " ON CONFLICT (pk_user) DO NOTHING" : "";
    return Statement{
        "INSERT INTO lin.tb_user " + std::string(kUserColumns) + " VALUES " + rows + conflict,
        {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::InsertPosts()
{
    std::string rows;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        std::vector<Value> row = PostRow(rng_, rng_.Int(1, kMaxPost));
        if (rng_.Percent(75)) row[1] = Raw(ExistingKey("tb_user", "pk_user", kMaxUser));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    const char *conflict = rng_.Percent(60) ? " ON CONFLICT (pk_post) DO NOTHING" : "";
    return Statement{
        "INSERT INTO lin.tb_post " + std::string(kPostColumns) + " VALUES " + rows + conflict,
        {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::InsertComments()
{
    std::string rows;
    for (int i = rng_.Int(1, 4); i > 0; i--) {
        std::vector<Value> row = CommentRow(rng_, rng_.Int(1, kMaxComment));
        if (rng_.Percent(80)) row[1] = Raw(ExistingKey("tb_post", "pk_post", kMaxPost));
        if (rng_.Percent(80)) row[2] = Raw(ExistingKey("tb_user", "pk_user", kMaxUser));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    std::string sql =
        "INSERT INTO lin.tb_comment " + std::string(kCommentColumns) + " VALUES " + rows;
    if (rng_.Percent(60)) sql += " ON CONFLICT (pk_comment) DO NOTHING";
    return Statement{sql, {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::InsertTags()
{
    const std::string rows = ValuesRows(rng_, rng_.Int(1, 2), kMaxTag, true, TagRow);
    const char *conflict = rng_.Percent(50) ? " ON CONFLICT (pk_tag) DO NOTHING" : "";
    return Statement{
        "INSERT INTO lin.tb_tag " + std::string(kTagColumns) + " VALUES " + rows + conflict,
        {sqlstate::kUniqueViolation}};
}

Statement LineageGenerator::LinkTags()
{
    std::string rows;
    for (int i = rng_.Int(1, 4); i > 0; i--) {
        const std::string post = ParentRef("tb_post", "pk_post", kMaxPost);
        const std::string tag = Key(kMaxTag);
        rows += (rows.empty() ? "(" : ", (") + post + ", " + tag + ")";
    }
    std::string sql =
        "INSERT INTO lin.tb_post_tag " + std::string(kPostTagColumns) + " VALUES " + rows;
    if (rng_.Percent(70)) sql += " ON CONFLICT DO NOTHING";
    return Statement{sql, {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::LinkTagsFromSelect()
{
    // Tags every matching post with an existing tag chosen by the post's key.
    const std::string salt = S(rng_.Int(0, kMaxTag - 1));
    const std::string predicate = PostPredicate("p");
    return Statement{"INSERT INTO lin.tb_post_tag " + std::string(kPostTagColumns) +
                         " SELECT p.pk_post, t.pk_tag FROM lin.tb_post p JOIN lin.tb_tag t ON "
                         "t.pk_tag = (p.pk_post + " +
                         salt + ") % " + S(kMaxTag) + " + 1 WHERE " + predicate +
                         " ON CONFLICT DO NOTHING",
                     {}};
}

Statement LineageGenerator::InsertCommentsFromSelect()
{
    // A comment on every matching post, by its author or by the next user.
    const std::string salt = S(rng_.Int(0, kMaxComment - 1));
    const std::string body = CommentBody(rng_).Sql();
    const std::string author = rng_.Percent(50)
                                   ? std::string("p.fk_user")
                                   : "COALESCE((SELECT min(xu.pk_user) FROM lin.tb_user xu "
                                     "WHERE xu.pk_user > p.fk_user), p.fk_user)";
    const std::string predicate = PostPredicate("p");
    return Statement{"INSERT INTO lin.tb_comment " + std::string(kCommentColumns) +
                         " SELECT (p.pk_post * 7 + " + salt + ") % " + S(kMaxComment) +
                         " + 1, p.pk_post, " + author + ", " + body +
                         ", p.score FROM lin.tb_post p WHERE " + predicate +
                         " ON CONFLICT (pk_comment) DO NOTHING",
                     {}};
}

Statement LineageGenerator::InsertPostsFromSelect()
{
    // Copies of posts under other keys, for the same author or the author's company's first
    // user.
    const std::string key = Shifted("p.pk_post", NonZeroDelta(rng_), kMaxPost);
    const std::string author =
        rng_.Percent(50) ? std::string("p.fk_user")
                         : "(SELECT min(xu.pk_user) FROM lin.tb_user xu JOIN lin.tb_user xa ON "
                           "xa.fk_company = xu.fk_company WHERE xa.pk_user = p.fk_user)";
    const std::string predicate = PostPredicate("p");
    return Statement{"INSERT INTO lin.tb_post " + std::string(kPostColumns) + " SELECT " + key +
                         ", " + author +
                         ", p.title, p.score, NOT p.published, p.note FROM lin.tb_post p WHERE " +
                         predicate + " ON CONFLICT (pk_post) DO NOTHING",
                     {}};
}

// --- updates -----------------------------------------------------------------------------

Statement LineageGenerator::UpdateCompanies()
{
    const std::string sets =
        SetList({"pk_company", "name"}, {1, 4}, 2, "co", &LineageGenerator::CompanyAssignment);
    return Statement{"UPDATE lin.tb_company co SET " + sets + " WHERE " + CompanyPredicate("co"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpdateUsers()
{
    const std::string sets = SetList({"pk_user", "fk_company", "name", "active"}, {1, 4, 3, 3}, 3,
                                     "u", &LineageGenerator::UserAssignment);
    return Statement{"UPDATE lin.tb_user u SET " + sets + " WHERE " + UserPredicate("u"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpdatePosts()
{
    const std::string sets = SetList({"pk_post", "fk_user", "title", "score", "published", "note"},
                                     {1, 4, 2, 4, 3, 1}, 3, "p", &LineageGenerator::PostAssignment);
    return Statement{"UPDATE lin.tb_post p SET " + sets + " WHERE " + PostPredicate("p"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpdatePostNotes()
{
    // note is read by no TVIEW: such updates must change nothing.
    const std::string note = PostNote(rng_).Sql();
    return Statement{"UPDATE lin.tb_post p SET note = " + note + " WHERE " + PostPredicate("p"),
                     {}};
}

Statement LineageGenerator::UpdateComments()
{
    const std::string sets = SetList({"pk_comment", "fk_post", "fk_user", "body", "likes"},
                                     {1, 4, 3, 2, 3}, 3, "c", &LineageGenerator::CommentAssignment);
    return Statement{"UPDATE lin.tb_comment c SET " + sets + " WHERE " + CommentPredicate("c"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpdateTags()
{
    const std::string sets =
        SetList({"pk_tag", "name"}, {1, 3}, 2, "t", &LineageGenerator::TagAssignment);
    return Statement{"UPDATE lin.tb_tag t SET " + sets + " WHERE " + TagPredicate("t"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpdateLinks()
{
    // Re-pointing links to another tag or post.
    std::string set;
    switch (rng_.Int(0, 3)) {
        case 0:
            set = "fk_tag = " + Key(kMaxTag);
            break;
        case 1:
            set = "fk_tag = pt.fk_tag % " + S(kMaxTag) + " + 1";
            break;
        case 2:
            set = "fk_post = " + ParentRef("tb_post", "pk_post", kMaxPost);
            break;
        default:
            set = "fk_post = " + Shifted("pt.fk_post", NonZeroDelta(rng_), kMaxPost);
            break;
    }
    return Statement{"UPDATE lin.tb_post_tag pt SET " + set + " WHERE " + LinkPredicate("pt"),
                     {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::BulkUpdate()
{
    const std::set<std::string> fk_errors{sqlstate::kUniqueViolation,
                                          sqlstate::kForeignKeyViolation};
    switch (rng_.Int(0, 10)) {
        case 0:
            return Statement{"UPDATE lin.tb_post p SET score = COALESCE(p.score, 0) + 1", {}};
        case 1: {
            const std::string company = Key(kMaxCompany);
            return Statement{
                "UPDATE lin.tb_user u SET active = NOT COALESCE(u.active, false) "
                "WHERE u.fk_company = " +
                    company,
                {}};
        }
        case 2: {
            const std::string likes = CommentLikes(rng_).Sql();
            return Statement{"UPDATE lin.tb_comment c SET likes = " + likes +
                                 " WHERE c.pk_comment % 2 = " + S(rng_.Int(0, 1)),
                             {}};
        }
        case 3: {
            // Every post of one user moves to another.
            const std::string to = ParentRef("tb_user", "pk_user", kMaxUser);
            return Statement{
                "UPDATE lin.tb_post p SET fk_user = " + to + " WHERE p.fk_user = " + Key(kMaxUser),
                fk_errors};
        }
        case 4: {
            const std::string to = ParentRef("tb_company", "pk_company", kMaxCompany);
            return Statement{"UPDATE lin.tb_user u SET fk_company = " + to +
                                 " WHERE u.fk_company = " + Key(kMaxCompany),
                             fk_errors};
        }
        case 5: {
            const std::string to = ParentRef("tb_post", "pk_post", kMaxPost);
            return Statement{"UPDATE lin.tb_comment c SET fk_post = " + to +
                                 " WHERE c.fk_post = " + Key(kMaxPost),
                             fk_errors};
        }
        case 6:
            // UPDATE ... FROM a parent.
            return Statement{
                "UPDATE lin.tb_post p SET published = u.active FROM lin.tb_user u "
                "WHERE u.pk_user = p.fk_user AND u.fk_company = " +
                    Key(kMaxCompany),
                {}};
        case 7:
            // Comments re-attributed to their post's author.
            return Statement{
                "UPDATE lin.tb_comment c SET fk_user = p.fk_user FROM lin.tb_post p "
                "WHERE p.pk_post = c.fk_post AND " +
                    PostPredicate("p"),
                {}};
        case 8:
            return Statement{rng_.Percent(50) ? "UPDATE lin.tb_tag t SET name = upper(t.name)"
                                              : "UPDATE lin.tb_tag t SET name = lower(t.name)",
                             {}};
        case 9: {
            const std::string name = CompanyName(rng_).Sql();
            return Statement{"UPDATE lin.tb_company co SET name = CASE WHEN co.name IS NULL THEN " +
                                 name + " ELSE NULL END WHERE " + CompanyPredicate("co"),
                             {}};
        }
        default: {
            // Every key moves: children keep pointing at the old numbers, now other rows
            // (or none: foreign_key_violation; or a transient duplicate: unique_violation).
            switch (rng_.Int(0, 2)) {
                case 0:
                    return Statement{"UPDATE lin.tb_user u SET pk_user = " +
                                         Shifted("u.pk_user", NonZeroDelta(rng_), kMaxUser),
                                     fk_errors};
                case 1:
                    return Statement{"UPDATE lin.tb_comment c SET pk_comment = " +
                                         Shifted("c.pk_comment", NonZeroDelta(rng_), kMaxComment),
                                     fk_errors};
                default:
                    return Statement{"UPDATE lin.tb_tag t SET pk_tag = " +
                                         Shifted("t.pk_tag", NonZeroDelta(rng_), kMaxTag),
                                     fk_errors};
            }
        }
    }
}

// --- deletes -----------------------------------------------------------------------------

Statement LineageGenerator::DeleteCompanies()
{
    // Cascades through users to posts, comments (also other posts' comments by those users)
    // and links.
    const std::string predicate =
        rng_.Percent(80) ? "co.pk_company = " + Key(kMaxCompany) : CompanyPredicate("co");
    return Statement{"DELETE FROM lin.tb_company co WHERE " + predicate, {}};
}

Statement LineageGenerator::DeleteUsers()
{
    const std::string predicate = rng_.Percent(85)
                                      ? "u.pk_user IN (" + KeyList(rng_.Int(1, 2), kMaxUser) + ")"
                                      : UserPredicate("u");
    return Statement{"DELETE FROM lin.tb_user u WHERE " + predicate, {}};
}

Statement LineageGenerator::DeletePosts()
{
    const std::string predicate = rng_.Percent(80)
                                      ? "p.pk_post IN (" + KeyList(rng_.Int(1, 3), kMaxPost) + ")"
                                      : PostPredicate("p");
    return Statement{"DELETE FROM lin.tb_post p WHERE " + predicate, {}};
}

Statement LineageGenerator::DeleteComments()
{
    const std::string predicate =
        rng_.Percent(60) ? "c.pk_comment IN (" + KeyList(rng_.Int(1, 3), kMaxComment) + ")"
                         : CommentPredicate("c");
    return Statement{"DELETE FROM lin.tb_comment c WHERE " + predicate, {}};
}

Statement LineageGenerator::DeleteTags()
{
    const std::string predicate =
        rng_.Percent(80) ? "t.pk_tag = " + Key(kMaxTag) : TagPredicate("t");
    return Statement{"DELETE FROM lin.tb_tag t WHERE " + predicate, {}};
}

Statement LineageGenerator::UnlinkTags()
{
    return Statement{"DELETE FROM lin.tb_post_tag pt WHERE " + LinkPredicate("pt"), {}};
}

Statement LineageGenerator::DeleteCommentsUsingUsers()
{
    const std::string company = Key(kMaxCompany);
    return Statement{
        "DELETE FROM lin.tb_comment c USING lin.tb_user u WHERE u.pk_user = "
        "c.fk_user AND u.active IS NOT TRUE AND u.fk_company = " +
            company,
        {}};
}

// --- upserts and MERGE -------------------------------------------------------------------

Statement LineageGenerator::UpsertUsers()
{
    std::string rows;
    std::vector<int> keys;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        const int key = rng_.Int(1, kMaxUser);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        std::vector<Value> row = UserRow(rng_, key);
        if (rng_.Percent(80)) row[1] = Raw(ExistingKey("tb_company", "pk_company", kMaxCompany));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    std::string action;
    switch (rng_.Int(0, 2)) {
        case 0:
            action = "DO UPDATE SET name = EXCLUDED.name, fk_company = EXCLUDED.fk_company";
            break;
        case 1:
            action = "DO UPDATE SET active = NOT t.active WHERE t.name IS NOT NULL";
            break;
        default:
            action = "DO NOTHING";
            break;
    }
    return Statement{"INSERT INTO lin.tb_user AS t " + std::string(kUserColumns) + " VALUES " +
                         rows + " ON CONFLICT (pk_user) " + action,
                     {sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpsertPosts()
{
    std::string rows;
    std::vector<int> keys;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        const int key = rng_.Int(1, kMaxPost);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        std::vector<Value> row = PostRow(rng_, key);
        if (rng_.Percent(80)) row[1] = Raw(ExistingKey("tb_user", "pk_user", kMaxUser));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    const std::string action =
        rng_.Percent(50)
            ? "DO UPDATE SET score = COALESCE(t.score, 0) + COALESCE(EXCLUDED.score, 0), "
              "published = EXCLUDED.published"
            : "DO UPDATE SET fk_user = EXCLUDED.fk_user, title = EXCLUDED.title";
    return Statement{"INSERT INTO lin.tb_post AS t " + std::string(kPostColumns) + " VALUES " +
                         rows + " ON CONFLICT (pk_post) " + action,
                     {sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpsertComments()
{
    std::string rows;
    std::vector<int> keys;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        const int key = rng_.Int(1, kMaxComment);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        std::vector<Value> row = CommentRow(rng_, key);
        if (rng_.Percent(80)) row[1] = Raw(ExistingKey("tb_post", "pk_post", kMaxPost));
        if (rng_.Percent(80)) row[2] = Raw(ExistingKey("tb_user", "pk_user", kMaxUser));
        rows += (rows.empty() ? "" : ", ") + SqlRow(row);
    }
    const std::string action =
        rng_.Percent(50) ? "DO UPDATE SET fk_post = EXCLUDED.fk_post, likes = EXCLUDED.likes"
                         : "DO UPDATE SET body = EXCLUDED.body, fk_user = EXCLUDED.fk_user";
    return Statement{"INSERT INTO lin.tb_comment AS t " + std::string(kCommentColumns) +
                         " VALUES " + rows + " ON CONFLICT (pk_comment) " + action,
                     {sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::UpsertTags()
{
    const std::string rows = ValuesRows(rng_, rng_.Int(1, 2), kMaxTag, false, TagRow);
    return Statement{"INSERT INTO lin.tb_tag AS t " + std::string(kTagColumns) + " VALUES " + rows +
                         " ON CONFLICT (pk_tag) DO UPDATE SET name = EXCLUDED.name",
                     {}};
}

Statement LineageGenerator::MergeComments()
{
    std::string source;
    for (int i = rng_.Int(1, 4); i > 0; i--) {
        source += source.empty() ? "(" : ", (";
        source += Key(kMaxComment) + "::int, ";
        source += ParentRef("tb_post", "pk_post", kMaxPost) + "::int, ";
        source += ParentRef("tb_user", "pk_user", kMaxUser) + "::int, ";
        source += CommentLikes(rng_).Sql() + "::int)";
    }
    std::string sql = "MERGE INTO lin.tb_comment t USING (VALUES " + source +
                      ") AS s(pk_comment, fk_post, fk_user, likes) ON t.pk_comment = s.pk_comment";
    if (rng_.Percent(40)) sql += " WHEN MATCHED AND s.likes IS NULL THEN DELETE";
    if (rng_.Percent(20)) sql += " WHEN MATCHED AND s.likes = 0 THEN DO NOTHING";
    sql += rng_.Percent(50) ? " WHEN MATCHED THEN UPDATE SET fk_post = s.fk_post, likes = s.likes"
                            : " WHEN MATCHED THEN UPDATE SET fk_user = s.fk_user, likes = "
                              "COALESCE(t.likes, 0) + 1";
    sql += rng_.Percent(80) ? " WHEN NOT MATCHED THEN INSERT (pk_comment, fk_post, fk_user, body, "
                              "likes) VALUES (s.pk_comment, s.fk_post, s.fk_user, 'merged', "
                              "s.likes)"
                            : " WHEN NOT MATCHED THEN DO NOTHING";
    // Repeated source keys: a target row hit twice, or two inserts of one key.
    return Statement{sql,
                     {sqlstate::kCardinalityViolation, sqlstate::kUniqueViolation,
                      sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::MergeLinks()
{
    // Toggles one tag on the matching posts: links that exist go, missing ones come.
    const std::string tag = Key(kMaxTag);
    const std::string predicate = PostPredicate("p");
    return Statement{
        "MERGE INTO lin.tb_post_tag t USING (SELECT p.pk_post, tg.pk_tag FROM "
        "lin.tb_post p JOIN lin.tb_tag tg ON tg.pk_tag = " +
            tag + " WHERE " + predicate +
            ") AS s ON t.fk_post = s.pk_post AND t.fk_tag = s.pk_tag WHEN MATCHED "
            "THEN DELETE WHEN NOT MATCHED THEN INSERT (fk_post, fk_tag) VALUES "
            "(s.pk_post, s.pk_tag)",
        {}};
}

Statement LineageGenerator::MergeUsers()
{
    std::string source;
    for (int i = rng_.Int(1, 3); i > 0; i--) {
        source += source.empty() ? "(" : ", (";
        source += Key(kMaxUser) + "::int, ";
        source += ParentRef("tb_company", "pk_company", kMaxCompany) + "::int, ";
        source += UserName(rng_).Sql() + "::text)";
    }
    std::string sql = "MERGE INTO lin.tb_user t USING (VALUES " + source +
                      ") AS s(pk_user, fk_company, name) ON t.pk_user = s.pk_user";
    if (rng_.Percent(30)) sql += " WHEN MATCHED AND s.name IS NULL THEN DELETE";
    sql += rng_.Percent(50) ? " WHEN MATCHED THEN UPDATE SET fk_company = s.fk_company"
                            : " WHEN MATCHED THEN UPDATE SET name = s.name, active = NOT t.active";
    sql +=
        " WHEN NOT MATCHED THEN INSERT (pk_user, fk_company, name, active) VALUES (s.pk_user, "
        "s.fk_company, s.name, true)";
    return Statement{sql,
                     {sqlstate::kCardinalityViolation, sqlstate::kUniqueViolation,
                      sqlstate::kForeignKeyViolation}};
}

Statement LineageGenerator::MergeCompaniesFromUsers()
{
    // Renames every company after its user count; deletes crowded ones (a wide cascade).
    return Statement{
        "MERGE INTO lin.tb_company co USING (SELECT u.fk_company, count(*) AS n FROM lin.tb_user "
        "u GROUP BY u.fk_company) AS s ON co.pk_company = s.fk_company WHEN MATCHED AND s.n > 5 "
        "THEN DELETE WHEN MATCHED THEN UPDATE SET name = 'size ' || s.n",
        {}};
}

// --- several tables in one statement -----------------------------------------------------

Statement LineageGenerator::WritableCte()
{
    const std::set<std::string> fk_errors{sqlstate::kUniqueViolation,
                                          sqlstate::kForeignKeyViolation};
    switch (rng_.Int(0, 7)) {
        case 0: {
            // A company and a user in it; an existing user moves there.
            const std::string company = Key(kMaxCompany);
            const std::string name = CompanyName(rng_).Sql();
            const std::string user = Key(kMaxUser);
            const std::string user_name = UserName(rng_).Sql();
            return Statement{
                "WITH c AS (INSERT INTO lin.tb_company AS co " + std::string(kCompanyColumns) +
                    " VALUES (" + company + ", " + name +
                    ") ON CONFLICT (pk_company) DO UPDATE SET name = EXCLUDED.name RETURNING "
                    "co.pk_company) INSERT INTO lin.tb_user AS u " +
                    kUserColumns + " SELECT " + user + ", c.pk_company, " + user_name +
                    ", true FROM c ON CONFLICT (pk_user) DO UPDATE SET fk_company = "
                    "EXCLUDED.fk_company",
                {}};
        }
        case 1: {
            // A user's posts move to another user; their comments get a like.
            const std::string to = ParentRef("tb_user", "pk_user", kMaxUser);
            const std::string from = Key(kMaxUser);
            return Statement{"WITH m AS (UPDATE lin.tb_post p SET fk_user = " + to +
                                 " WHERE p.fk_user = " + from +
                                 " RETURNING p.pk_post) UPDATE lin.tb_comment c SET likes = "
                                 "COALESCE(c.likes, 0) + 1 WHERE c.fk_post IN (SELECT pk_post "
                                 "FROM m)",
                             fk_errors};
        }
        case 2: {
            const std::string predicate = CommentPredicate("c");
            return Statement{"WITH d AS (DELETE FROM lin.tb_comment c WHERE " + predicate +
                                 " RETURNING c.fk_post) UPDATE lin.tb_post p SET score = "
                                 "COALESCE(p.score, 0) - 1 WHERE p.pk_post IN (SELECT fk_post "
                                 "FROM d)",
                             {}};
        }
        case 3: {
            // Retagging: one tag's links move to another (maybe the same, maybe missing).
            const std::string from = Key(kMaxTag);
            const std::string to = Key(kMaxTag);
            return Statement{"WITH d AS (DELETE FROM lin.tb_post_tag pt WHERE pt.fk_tag = " + from +
                                 " RETURNING pt.fk_post) INSERT INTO lin.tb_post_tag " +
                                 kPostTagColumns + " SELECT fk_post, " + to +
                                 " FROM d ON CONFLICT DO NOTHING",
                             {sqlstate::kForeignKeyViolation}};
        }
        case 4: {
            // Comments deleted and re-inserted under another post in one statement.
            const std::string predicate = CommentPredicate("c");
            const std::string post = ParentRef("tb_post", "pk_post", kMaxPost);
            return Statement{"WITH d AS (DELETE FROM lin.tb_comment c WHERE " + predicate +
                                 " RETURNING c.pk_comment, c.fk_user, c.body, c.likes) INSERT "
                                 "INTO lin.tb_comment " +
                                 kCommentColumns + " SELECT pk_comment, " + post +
                                 ", fk_user, body, likes FROM d",
                             {sqlstate::kForeignKeyViolation}};
        }
        case 5: {
            // Three tables: renamed users, their posts' status flipped, a tag unlinked from them.
            const std::string name = UserName(rng_).Sql();
            const std::string predicate = UserPredicate("xu");
            const std::string tag = Key(kMaxTag);
            return Statement{"WITH u AS (UPDATE lin.tb_user xu SET name = " + name + " WHERE " +
                                 predicate +
                                 " RETURNING xu.pk_user), p AS (UPDATE lin.tb_post xp SET "
                                 "published = NOT xp.published WHERE xp.fk_user IN (SELECT "
                                 "pk_user FROM u) RETURNING xp.pk_post) DELETE FROM "
                                 "lin.tb_post_tag pt WHERE pt.fk_post IN (SELECT pk_post FROM p) "
                                 "AND pt.fk_tag = " +
                                 tag,
                             {}};
        }
        case 6: {
            // A post with a comment and tags, all new (or upserted) in one statement.
            const std::string post = Key(kMaxPost);
            const std::string author = ParentRef("tb_user", "pk_user", kMaxUser);
            const std::string title = PostTitle(rng_).Sql();
            const std::string score = PostScore(rng_).Sql();
            const std::string comment = Key(kMaxComment);
            const std::string body = CommentBody(rng_).Sql();
            const std::string tags = Key(kMaxTag);
            return Statement{
                "WITH np AS (INSERT INTO lin.tb_post AS t " + std::string(kPostColumns) +
                    " VALUES (" + post + ", " + author + ", " + title + ", " + score +
                    ", true, NULL) ON CONFLICT (pk_post) DO UPDATE SET title = EXCLUDED.title "
                    "RETURNING t.pk_post, t.fk_user), nc AS (INSERT INTO lin.tb_comment AS t " +
                    kCommentColumns + " SELECT " + comment + ", np.pk_post, np.fk_user, " + body +
                    ", 1 FROM np ON CONFLICT (pk_comment) DO UPDATE SET fk_post = "
                    "EXCLUDED.fk_post RETURNING t.fk_post) INSERT INTO lin.tb_post_tag " +
                    kPostTagColumns +
                    " SELECT np.pk_post, tg.pk_tag FROM np, lin.tb_tag tg WHERE tg.pk_tag <= " +
                    tags + " ON CONFLICT DO NOTHING",
                {sqlstate::kForeignKeyViolation}};
        }
        default: {
            // Users deleted (cascading), their companies renamed.
            const std::string predicate =
                rng_.Percent(85) ? "u.pk_user = " + Key(kMaxUser) : UserPredicate("u");
            return Statement{"WITH d AS (DELETE FROM lin.tb_user u WHERE " + predicate +
                                 " RETURNING u.fk_company) UPDATE lin.tb_company co SET name = "
                                 "upper(co.name) WHERE co.pk_company IN (SELECT fk_company FROM "
                                 "d)",
                             {}};
        }
    }
}

Statement LineageGenerator::CopyRows()
{
    Statement statement;
    std::string data;
    const int rows = rng_.Int(1, 4);
    switch (rng_.Int(0, 3)) {
        case 0:
            statement.sql = "COPY lin.tb_comment " + std::string(kCommentColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++)
                data += CopyLine(CommentRow(rng_, rng_.Int(1, kMaxComment)));
            break;
        case 1:
            statement.sql = "COPY lin.tb_post_tag " + std::string(kPostTagColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++) {
                const int post = rng_.Int(1, kMaxPost);
                data += CopyLine({Int(post), Int(rng_.Int(1, kMaxTag))});
            }
            break;
        case 2:
            statement.sql = "COPY lin.tb_post " + std::string(kPostColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++) data += CopyLine(PostRow(rng_, rng_.Int(1, kMaxPost)));
            break;
        default:
            statement.sql = "COPY lin.tb_user " + std::string(kUserColumns) + " FROM STDIN";
            for (int i = 0; i < rows; i++) data += CopyLine(UserRow(rng_, rng_.Int(1, kMaxUser)));
            break;
    }
    statement.copy_data = data;
    statement.allowed_errors = {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation};
    return statement;
}

Statement LineageGenerator::Truncate()
{
    // Mostly the leaves: the cascading ones leave the workload rebuilding from nothing.
    static const std::vector<std::string> targets{
        "lin.tb_comment",        "lin.tb_post_tag",    "lin.tb_comment, lin.tb_post_tag",
        "lin.tb_post CASCADE",   "lin.tb_tag CASCADE", "lin.tb_user CASCADE",
        "lin.tb_company CASCADE"};
    Statement statement{"TRUNCATE " + targets[rng_.Weighted({4, 4, 2, 2, 1, 1, 1})], {}};
    statement.takes_exclusive_lock = true;
    return statement;
}

// --- failing writes ----------------------------------------------------------------------

Statement LineageGenerator::FailingWrite()
{
    Statement statement;
    statement.must_fail = true;
    switch (rng_.Int(0, 5)) {
        case 0: {
            // The last row repeats the first row's key: rows before it are already written.
            const int key = rng_.Int(1, kMaxComment);
            std::string rows = SqlRow(CommentRow(rng_, key));
            for (int i = rng_.Int(0, 2); i > 0; i--)
                rows += ", " + SqlRow(CommentRow(rng_, rng_.Int(1, kMaxComment)));
            rows += ", " + SqlRow(CommentRow(rng_, key));
            statement.sql =
                "INSERT INTO lin.tb_comment " + std::string(kCommentColumns) + " VALUES " + rows;
            statement.allowed_errors = {sqlstate::kUniqueViolation, sqlstate::kForeignKeyViolation};
            break;
        }
        case 1: {
            // Updates run to completion inside the CTE, then the outer query divides by zero.
            const std::string sets =
                SetList({"fk_user", "title", "score", "published"}, {3, 1, 2, 2}, 2, "p",
                        &LineageGenerator::PostAssignment);
            const std::string predicate = PostPredicate("p");
            statement.sql = "WITH u AS (UPDATE lin.tb_post p SET " + sets + " WHERE " + predicate +
                            " RETURNING 1) SELECT 1 / (count(*) - count(*)) FROM u";
            statement.allowed_errors = {sqlstate::kDivisionByZero, sqlstate::kUniqueViolation,
                                        sqlstate::kForeignKeyViolation};
            break;
        }
        case 2: {
            // The foreign key check fails at the end of the statement, after the inserts.
            std::vector<Value> first = CommentRow(rng_, rng_.Int(1, kMaxComment));
            first[1] = Raw(ExistingKey("tb_post", "pk_post", kMaxPost));
            const std::string orphan = Key(kMaxComment);
            statement.sql = "INSERT INTO lin.tb_comment " + std::string(kCommentColumns) +
                            " VALUES " + SqlRow(first) + ", (" + orphan + ", -1, 1, 'orphan', 0)";
            statement.allowed_errors = {sqlstate::kForeignKeyViolation, sqlstate::kUniqueViolation};
            break;
        }
        case 3: {
            // COPY whose last line is malformed: earlier lines are already inserted.
            statement.sql = "COPY lin.tb_post_tag " + std::string(kPostTagColumns) + " FROM STDIN";
            std::string data;
            for (int i = rng_.Int(1, 3); i > 0; i--) {
                const int post = rng_.Int(1, kMaxPost);
                data += CopyLine({Int(post), Int(rng_.Int(1, kMaxTag))});
            }
            data += "1\tmany\n";
            statement.copy_data = data;
            statement.allowed_errors = {sqlstate::kInvalidTextRepresentation,
                                        sqlstate::kUniqueViolation};
            break;
        }
        case 4: {
            // Two source rows with one key: matched twice, or inserted twice.
            const std::string key = Key(kMaxComment);
            const std::string post = ExistingKey("tb_post", "pk_post", kMaxPost);
            statement.sql = "MERGE INTO lin.tb_comment t USING (VALUES (" + key + ", 1), (" + key +
                            ", 2)) AS s(pk_comment, likes) ON t.pk_comment = s.pk_comment WHEN "
                            "MATCHED THEN UPDATE SET likes = s.likes WHEN NOT MATCHED THEN "
                            "INSERT (pk_comment, fk_post, fk_user, body, likes) VALUES "
                            "(s.pk_comment, " +
                            post + ", 1, 'twice', s.likes)";
            statement.allowed_errors = {sqlstate::kCardinalityViolation, sqlstate::kUniqueViolation,
                                        sqlstate::kForeignKeyViolation};
            break;
        }
        default: {
            // A referenced key changes: a comment is written for a post whose key then moves
            // away in the same statement (no ON UPDATE action: foreign_key_violation).
            const std::string comment = Key(kMaxComment);
            const std::string post = ExistingKey("tb_post", "pk_post", kMaxPost);
            statement.sql = "WITH c AS (INSERT INTO lin.tb_comment AS t " +
                            std::string(kCommentColumns) + " VALUES (" + comment + ", " + post +
                            ", 1, 'moved', 0) ON CONFLICT (pk_comment) DO UPDATE SET fk_post = "
                            "EXCLUDED.fk_post RETURNING t.fk_post) UPDATE lin.tb_post p SET "
                            "pk_post = p.pk_post + 100 WHERE p.pk_post IN (SELECT fk_post FROM c)";
            statement.allowed_errors = {sqlstate::kForeignKeyViolation};
            break;
        }
    }
    return statement;
}

}  // namespace fuzz
