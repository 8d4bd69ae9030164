// Text of the set-based refresh and oracle statements (src/core/refresh_sql.cpp).
//
// These tests check properties a correct statement must have (what it filters, what it may
// update, how it names objects), not its exact spelling, so the SQL can be reshaped freely.
#include "pg_tviews/core/naming.hpp"
#include "pg_tviews/core/refresh_sql.hpp"
#include "sql_lint.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace pg_tviews::core {
namespace {

RefreshTarget PostTarget()
{
    return RefreshTarget{"public",  "tv_post", "tviews_internal",
                         "tv_post", "pk_post", {"pk_post", "id", "data"}};
}

// A key whose equality needs casts on both sides (a domain over integer, say).
RefreshTarget CastKeyTarget()
{
    RefreshTarget target = PostTarget();
    target.key_equality = Comparison{"OPERATOR(pg_catalog.=)", "integer", "integer"};
    return target;
}

size_t CountOf(const std::string &text, const std::string &needle)
{
    size_t count = 0;
    for (size_t pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + needle.size()))
        count++;
    return count;
}

// The text of a CTE: from "name AS (" to its matching parenthesis (quotes respected).
std::string CteBody(const std::string &sql, const std::string &name)
{
    const std::string opener = name + " AS (";
    size_t start = sql.find(opener);
    if (start == std::string::npos) return "";
    start += opener.size();
    int depth = 1;
    bool in_quotes = false;
    for (size_t i = start; i < sql.size(); i++) {
        char c = sql[i];
        if (c == '"') in_quotes = !in_quotes;
        if (in_quotes) continue;
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) return sql.substr(start, i - start);
    }
    return "";
}

// The parenthesised list following the first occurrence of marker.
std::string ListAfter(const std::string &text, const std::string &marker)
{
    size_t pos = text.find(marker);
    if (pos == std::string::npos) return "";
    pos = text.find('(', pos + marker.size());
    size_t end = pos;
    int depth = 0;
    bool in_quotes = false;
    for (; end < text.size(); end++) {
        char c = text[end];
        if (c == '"') in_quotes = !in_quotes;
        if (in_quotes) continue;
        if (c == '(') depth++;
        if (c == ')' && --depth == 0) break;
    }
    return text.substr(pos + 1, end - pos - 1);
}

std::string Join(const std::vector<std::string> &parts)
{
    std::string out;
    for (const auto &p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

// Matches `<key> = ANY ($1)`, with the operator optionally schema-qualified.
std::regex KeyFilter(const std::string &quoted_key)
{
    std::string escaped =
        std::regex_replace(quoted_key, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
    return std::regex(escaped + R"(\s*OPERATOR\(pg_catalog\.=\)\s*ANY\s*\(\s*\$1\s*\))");
}

TEST(KeyedRefreshSql, RecomputesOnlyTheGivenKeys)
{
    const std::string sql = KeyedRefreshSql(PostTarget());
    const std::string src = CteBody(sql, "src");
    ASSERT_FALSE(src.empty()) << sql;
    EXPECT_TRUE(std::regex_search(src, KeyFilter("d.\"pk_post\""))) << src;
    EXPECT_NE(src.find("\"tviews_internal\".\"tv_post\""), std::string::npos) << src;
}

// Without the key filter a keyed refresh would delete every row outside the changed keys.
TEST(KeyedRefreshSql, DeletesOnlyAmongTheGivenKeys)
{
    const std::string sql = KeyedRefreshSql(PostTarget());
    const std::string del = CteBody(sql, "del");
    ASSERT_FALSE(del.empty()) << sql;
    EXPECT_NE(del.find("DELETE FROM \"public\".\"tv_post\""), std::string::npos) << del;
    EXPECT_TRUE(std::regex_search(del, KeyFilter("t.\"pk_post\""))) << del;
    EXPECT_NE(del.find("NOT EXISTS"), std::string::npos) << del;
}

TEST(KeyedRefreshSql, HasExactlyOneParameter)
{
    const std::string sql = KeyedRefreshSql(PostTarget());
    EXPECT_GE(CountOf(sql, "$1"), 1u);
    EXPECT_EQ(CountOf(sql, "$2"), 0u);
}

TEST(FullRefreshSql, HasNoParameterAndNoKeyFilter)
{
    const std::string sql = FullRefreshSql(PostTarget());
    EXPECT_EQ(sql.find('$'), std::string::npos) << sql;
    EXPECT_EQ(sql.find("ANY"), std::string::npos) << sql;
    // It still deletes the rows that vanished from the definition.
    EXPECT_NE(CteBody(sql, "del").find("NOT EXISTS"), std::string::npos) << sql;
}

TEST(FullRefreshSql, DiffersFromKeyedOnlyByTheFilter)
{
    const std::string keyed = KeyedRefreshSql(PostTarget());
    const std::string full = FullRefreshSql(PostTarget());
    EXPECT_LT(full.size(), keyed.size());
    EXPECT_EQ(CteBody(full, "ups"), CteBody(keyed, "ups"));
}

TEST(RefreshSql, InsertsEveryColumnInDefinitionOrder)
{
    for (const std::string &sql : {KeyedRefreshSql(PostTarget()), FullRefreshSql(PostTarget())}) {
        const std::string ups = CteBody(sql, "ups");
        ASSERT_FALSE(ups.empty()) << sql;
        EXPECT_EQ(ListAfter(ups, "INSERT INTO \"public\".\"tv_post\""),
                  Join({"\"pk_post\"", "\"id\"", "\"data\""}))
            << ups;
        EXPECT_NE(ups.find("ON CONFLICT (\"pk_post\")"), std::string::npos) << ups;
    }
}

TEST(RefreshSql, UpdatesEveryPayloadColumnButNeverTheKey)
{
    const std::string ups = CteBody(KeyedRefreshSql(PostTarget()), "ups");
    const std::string set_list = ListAfter(ups, "DO UPDATE SET");
    EXPECT_EQ(set_list, Join({"\"id\"", "\"data\""})) << ups;
    EXPECT_EQ(ListAfter(ups, "= ROW"), Join({"EXCLUDED.\"id\"", "EXCLUDED.\"data\""})) << ups;
    EXPECT_EQ(set_list.find("pk_post"), std::string::npos);
}

// A row whose content did not change must not be rewritten (no new tuple version, no WAL).
TEST(RefreshSql, UpdateSkipsIdenticalRows)
{
    const std::string ups = CteBody(KeyedRefreshSql(PostTarget()), "ups");
    const size_t set = ups.find("DO UPDATE SET");
    ASSERT_NE(set, std::string::npos);
    const std::string after_set = ups.substr(set);
    EXPECT_TRUE(std::regex_search(after_set, std::regex(R"(WHERE .*(\*<>|IS DISTINCT FROM))")))
        << ups;
}

// UPDATE SET (a) = (x) is invalid SQL for one column; the ROW form works for any count.
TEST(RefreshSql, SinglePayloadColumnIsStillValidSql)
{
    RefreshTarget target{"public", "tv_tag", "tviews_internal",
                         "tv_tag", "pk_tag", {"pk_tag", "data"}};
    const std::string ups = CteBody(KeyedRefreshSql(target), "ups");
    EXPECT_NE(ups.find("SET (\"data\") = ROW(EXCLUDED.\"data\")"), std::string::npos) << ups;
}

TEST(RefreshSql, KeyOnlyTviewDoesNothingOnConflict)
{
    RefreshTarget target{"public", "tv_tag", "tviews_internal", "tv_tag", "pk_tag", {"pk_tag"}};
    for (const std::string &sql : {KeyedRefreshSql(target), FullRefreshSql(target)}) {
        EXPECT_NE(sql.find("DO NOTHING"), std::string::npos) << sql;
        EXPECT_EQ(sql.find("DO UPDATE"), std::string::npos) << sql;
        EXPECT_EQ(sql.find("SET"), std::string::npos) << sql;
    }
}

TEST(RefreshSql, ReturnsDeletedInsertedUpdatedRecomputedCountsAndDuplicate)
{
    const std::string sql = KeyedRefreshSql(PostTarget());
    const size_t final_select = sql.rfind(") SELECT ");
    ASSERT_NE(final_select, std::string::npos) << sql;
    const std::string tail = sql.substr(final_select);
    EXPECT_EQ(CountOf(tail, "count(*)"), 4u) << tail;
    const size_t del = tail.find("FROM del");
    const size_t inserted = tail.find("FROM ups AS u WHERE u.inserted");
    const size_t updated = tail.find("FROM ups AS u WHERE NOT u.inserted");
    const size_t recomputed = tail.find("FROM src");
    const size_t duplicate = tail.find("FROM dup");
    ASSERT_NE(duplicate, std::string::npos) << tail;
    EXPECT_TRUE(del < inserted && inserted < updated && updated < recomputed &&
                recomputed < duplicate)
        << "columns must come in the documented order: " << tail;
}

// One key: the same reconciliation, filtered by a scalar parameter so the plan can be cached.
TEST(RefreshSql, SingleKeyStatementFiltersByAScalarParameter)
{
    const std::string single = SingleKeyRefreshSql(PostTarget());
    EXPECT_EQ(single.find("ANY"), std::string::npos) << single;
    EXPECT_NE(CteBody(single, "src").find("d.\"pk_post\" OPERATOR(pg_catalog.=) $1"),
              std::string::npos)
        << single;
    EXPECT_NE(CteBody(single, "del").find("OPERATOR(pg_catalog.=) $1"), std::string::npos)
        << single;
    // Everything after the key filter is the keyed statement's.
    std::string keyed = KeyedRefreshSql(PostTarget());
    keyed = std::regex_replace(keyed, std::regex(R"(ANY \(\$1\))"), "$$1");
    EXPECT_EQ(single, keyed);
}

// Without a proof of uniqueness a repeated key must stop every write of the statement.
TEST(RefreshSql, UnprovenKeyGuardsEveryWriteAgainstDuplicates)
{
    const std::string sql = KeyedRefreshSql(PostTarget());
    ASSERT_NE(sql.find("dup AS ("), std::string::npos) << sql;
    EXPECT_NE(CteBody(sql, "dup").find("HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1"),
              std::string::npos);
    EXPECT_NE(CteBody(sql, "del").find("NOT EXISTS (SELECT 1 FROM dup)"), std::string::npos) << sql;
    EXPECT_NE(CteBody(sql, "ups").find("NOT EXISTS (SELECT 1 FROM dup)"), std::string::npos) << sql;
}

TEST(RefreshSql, ProvenUniqueKeySkipsTheDuplicateGuard)
{
    RefreshTarget target = PostTarget();
    target.key_unique = true;
    for (const std::string &sql : {KeyedRefreshSql(target), FullRefreshSql(target)}) {
        EXPECT_EQ(sql.find("dup"), std::string::npos) << sql;
        EXPECT_NE(sql.find("NULL::pg_catalog.text"), std::string::npos) << sql;
    }
}

// Generated SQL runs under the caller's search_path: every object and function is qualified.
TEST(RefreshSql, NamesAreSchemaQualified)
{
    for (const std::string &sql :
         {KeyedRefreshSql(PostTarget()), FullRefreshSql(PostTarget()), OracleSql(PostTarget())}) {
        std::string rest = sql;
        for (const std::string qualified :
             {"\"public\".\"tv_post\"", "\"tviews_internal\".\"tv_post\""})
            rest = std::regex_replace(
                rest, std::regex(std::regex_replace(qualified, std::regex(R"([.])"), R"(\.)")),
                "<rel>");
        EXPECT_EQ(rest.find("tv_post"), std::string::npos) << sql;
        EXPECT_FALSE(std::regex_search(rest, std::regex(R"((^|[^.\w])count\()"))) << sql;
    }
}

TEST(RefreshSql, QuotesAwkwardIdentifiers)
{
    RefreshTarget target{"My Schema",  "tv_Post\"s", "tviews_internal",
                         "tv_Post\"s", "pk_Post\"s", {"pk_Post\"s", "Title", "da\"ta"}};
    for (const std::string &sql :
         {KeyedRefreshSql(target), FullRefreshSql(target), OracleSql(target)}) {
        EXPECT_NE(sql.find("\"My Schema\".\"tv_Post\"\"s\""), std::string::npos) << sql;
        EXPECT_NE(sql.find("\"Title\""), std::string::npos) << sql;
        EXPECT_NE(sql.find("\"da\"\"ta\""), std::string::npos) << sql;
        // Every double quote belongs to a well-formed quoted identifier: an even count.
        EXPECT_EQ(CountOf(sql, "\"") % 2, 0u) << sql;
        EXPECT_EQ(sql.find("My Schema."), std::string::npos) << sql;
    }
    const std::string keyed = KeyedRefreshSql(target);
    EXPECT_TRUE(std::regex_search(CteBody(keyed, "src"), KeyFilter("d.\"pk_Post\"\"s\""))) << keyed;
    EXPECT_NE(keyed.find("ON CONFLICT (\"pk_Post\"\"s\")"), std::string::npos) << keyed;
}

TEST(OracleSql, ComparesBothDirectionsWithExceptAll)
{
    const std::string sql = OracleSql(PostTarget());
    const std::string table_cols = "t.\"pk_post\", t.\"id\", t.\"data\"";
    const std::string definition_cols = "d.\"pk_post\", d.\"id\", d.\"data\"";
    const std::string table = "\"public\".\"tv_post\" AS t";
    const std::string definition = "\"tviews_internal\".\"tv_post\" AS d";
    EXPECT_EQ(CountOf(sql, "EXCEPT ALL"), 2u) << sql;
    EXPECT_NE(
        sql.find("FROM " + table + " EXCEPT ALL SELECT " + definition_cols + " FROM " + definition),
        std::string::npos)
        << sql;
    EXPECT_NE(
        sql.find("FROM " + definition + " EXCEPT ALL SELECT " + table_cols + " FROM " + table),
        std::string::npos)
        << sql;
    EXPECT_EQ(CountOf(sql, "NOT EXISTS"), 2u) << sql;
    EXPECT_NE(sql.find(") AND NOT EXISTS ("), std::string::npos) << sql;
}

// EXCEPT (without ALL) would call a table with duplicated rows equal to its definition.
TEST(OracleSql, NeverUsesSetExcept)
{
    const std::string sql = OracleSql(PostTarget());
    EXPECT_EQ(CountOf(sql, "EXCEPT"), CountOf(sql, "EXCEPT ALL")) << sql;
    EXPECT_EQ(sql.find('$'), std::string::npos) << sql;
    EXPECT_EQ(sql.find('*'), std::string::npos) << sql;  // explicit columns, in definition order
}

TEST(OracleSql, IsASingleBooleanSelect)
{
    const std::string sql = OracleSql(PostTarget());
    EXPECT_EQ(sql.rfind("SELECT NOT EXISTS", 0), 0u) << sql;
    EXPECT_EQ(sql.find(';'), std::string::npos) << sql;
}

// The statements run as the TVIEW's owner for any writer: nothing in them may be resolved
// through the search_path (CVE-2018-1058): no bare operator, no unqualified function.
TEST(RefreshSql, NothingIsResolvedThroughTheSearchPath)
{
    for (const RefreshTarget &target : {PostTarget(), CastKeyTarget()})
        for (const std::string &sql : {KeyedRefreshSql(target), SingleKeyRefreshSql(target),
                                       FullRefreshSql(target), OracleSql(target)}) {
            std::vector<std::string> unqualified = test::UnqualifiedCalls(sql);
            EXPECT_TRUE(unqualified.empty())
                << "unqualified: " << (unqualified.empty() ? "" : unqualified.front()) << " in "
                << sql;
        }
}

// The lint itself must catch what it is there for.
TEST(SqlLint, CatchesBareOperatorsAndUnqualifiedCalls)
{
    EXPECT_EQ(test::UnqualifiedCalls("SELECT 1 FROM t WHERE a = b"), std::vector<std::string>{"="});
    EXPECT_EQ(test::UnqualifiedCalls("SELECT count(*) FROM t"), std::vector<std::string>{"count("});
    EXPECT_EQ(test::UnqualifiedCalls("SELECT 1 WHERE x <> ANY ($1)"),
              std::vector<std::string>{"<>"});
    EXPECT_EQ(test::UnqualifiedCalls("SELECT 1 WHERE x OPERATOR(=) 1"),
              std::vector<std::string>{"OPERATOR(=)"});
    EXPECT_TRUE(test::UnqualifiedCalls("SELECT pg_catalog.count(*), t.* FROM t AS m(k) WHERE "
                                       "x OPERATOR(pg_catalog.=) ANY ($1) AND \"a=b(\" IS NULL "
                                       "AND y::pg_catalog.text IS NOT NULL AND z = 'c(=)'")
                    .size() == 1);  // only the final bare =
}

// Every comparison casts its operands to the operator's own types, so no other operator with
// the same name can be a better match.
TEST(RefreshSql, KeyComparisonsCastToTheOperatorTypes)
{
    const std::string sql = KeyedRefreshSql(CastKeyTarget());
    EXPECT_NE(sql.find("CAST(d.\"pk_post\" AS integer) OPERATOR(pg_catalog.=) ANY ($1)"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("CAST(s.\"pk_post\" AS integer) OPERATOR(pg_catalog.=) CAST(t.\"pk_post\" "
                       "AS integer)"),
              std::string::npos)
        << sql;
}

// Columns of the definition may carry any name, the statements' own aliases included.
TEST(RefreshSql, EveryColumnReferenceIsQualified)
{
    RefreshTarget target{
        "public", "tv_x", "tviews_internal",
        "tv_x",   "pk_x", {"pk_x", "t", "excluded", "src", "s", "d", "k", "inserted"}};
    const std::string sql = KeyedRefreshSql(target);
    EXPECT_NE(sql.find("CAST(ROW(t.*) AS \"public\".\"tv_x\") OPERATOR(pg_catalog.*<>) "
                       "CAST(ROW(EXCLUDED.*) AS \"public\".\"tv_x\")"),
              std::string::npos)
        << sql;
    // A quoted column name appears only qualified, in column lists, or in the SET list.
    for (const std::string &column : {"\"t\"", "\"excluded\"", "\"k\"", "\"inserted\""})
        for (size_t pos = sql.find(column); pos != std::string::npos;
             pos = sql.find(column, pos + 1)) {
            char before = sql[pos - 1];
            EXPECT_TRUE(before == '.' || before == '(' || before == ' ') << column << " in " << sql;
            if (before == ' ') EXPECT_EQ(sql[pos - 2], ',') << column << " in " << sql;
        }
}

}  // namespace
}  // namespace pg_tviews::core
