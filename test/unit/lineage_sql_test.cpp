// Lineage mapping statements (src/core/lineage_sql.cpp).
#include "pg_tviews/core/lineage_sql.hpp"

#include "sql_lint.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg_tviews::core {
namespace {

size_t Position(const std::string &text, const std::string &needle)
{
    size_t pos = text.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle << " missing from " << text;
    return pos;
}

const Comparison kIntEquality{"OPERATOR(pg_catalog.=)", "", ""};

Hop MakeHop(std::string schema, std::string table, std::string match, std::string output)
{
    return Hop{std::move(schema), std::move(table), std::move(match),
               std::move(output), kIntEquality,     kIntEquality};
}

// tb_tag -> tb_post_tag(fk_tag -> fk_post): the path of a many-to-many link.
MappingPath TagPath()
{
    return MappingPath{{MakeHop("public", "tb_post_tag", "fk_tag", "fk_post")}};
}

// tb_user -> tb_comment(fk_user -> fk_post) -> tb_post(pk_post -> pk_post): two hops.
MappingPath TwoHops()
{
    return MappingPath{{MakeHop("app", "tb_comment", "fk_user", "fk_post"),
                        MakeHop("app", "tb_post", "pk_post", "pk_post")}};
}

TEST(MappingSql, ZeroHopsCastsTheStartValuesThemselves)
{
    std::string sql = MappingSql(MappingPath{}, "pg_catalog.int4");
    EXPECT_NE(sql.find("pg_catalog.unnest($1)"), std::string::npos);
    EXPECT_NE(sql.find("CAST(k AS pg_catalog.int4)"), std::string::npos) << sql;
    EXPECT_EQ(sql.find(" FROM \""), std::string::npos) << "no table is read: " << sql;
}

TEST(MappingSql, OneHopFiltersTheHopTableByItsMatchColumn)
{
    std::string sql = MappingSql(TagPath(), "pg_catalog.int4");
    EXPECT_NE(sql.find("\"public\".\"tb_post_tag\""), std::string::npos);
    EXPECT_NE(sql.find("h1.\"fk_tag\" OPERATOR(pg_catalog.=) ANY (SELECT v.v FROM "
                       "pg_catalog.unnest($1)"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("SELECT h1.\"fk_post\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("SELECT DISTINCT"), std::string::npos);
    EXPECT_NE(sql.find("IS NOT NULL"), std::string::npos) << "null keys are never queued";
}

TEST(MappingSql, HopsNestFromTheChangedRowsOutwards)
{
    std::string sql = MappingSql(TwoHops(), "pg_catalog.int8");
    // The last hop produces the keys, so it is the outermost SELECT; the first hop, which reads
    // the start values, is innermost.
    size_t post = Position(sql, "\"app\".\"tb_post\"");
    size_t comment = Position(sql, "\"app\".\"tb_comment\"");
    size_t start = Position(sql, "unnest($1)");
    EXPECT_LT(post, comment);
    EXPECT_LT(comment, start);
    EXPECT_NE(sql.find("h1.\"fk_user\" OPERATOR(pg_catalog.=) ANY (SELECT v.v FROM"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("h2.\"pk_post\" OPERATOR(pg_catalog.=) ANY (SELECT h1.\"fk_post\""),
              std::string::npos)
        << sql;
}

// Each hop compares through its own operator, with both operands cast to its input types.
TEST(MappingSql, HopComparisonsCastToTheOperatorTypes)
{
    MappingPath path = TagPath();
    path.hops[0].match = Comparison{"OPERATOR(public.=)", "public.citext", "public.citext"};
    std::string sql = MappingSql(path, "pg_catalog.int4");
    EXPECT_NE(sql.find("CAST(h1.\"fk_tag\" AS public.citext) OPERATOR(public.=) ANY (SELECT "
                       "CAST(v.v AS public.citext) FROM pg_catalog.unnest($1)"),
              std::string::npos)
        << sql;
}

TEST(ReverseMappingSql, WalksTheHopsBackFromTheKeys)
{
    std::string sql = ReverseMappingSql(TwoHops(), "pg_catalog.int4");
    // Keys enter at the last hop's output column; the start values leave at the first hop's
    // match column.
    EXPECT_NE(sql.find("r2.\"pk_post\" OPERATOR(pg_catalog.=) ANY (SELECT v.v FROM "
                       "pg_catalog.unnest($1)"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("r1.\"fk_post\" OPERATOR(pg_catalog.=) ANY (SELECT r2.\"pk_post\""),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("SELECT r1.\"fk_user\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("CAST(s AS pg_catalog.int4)"), std::string::npos) << sql;
}

TEST(ReverseMappingSql, QuotesIdentifiers)
{
    MappingPath path{{MakeHop("My Schema", "Odd\"Table", "Match", "Out")}};
    std::string sql = ReverseMappingSql(path, "pg_catalog.text");
    EXPECT_NE(sql.find("\"My Schema\".\"Odd\"\"Table\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"Out\" OPERATOR(pg_catalog.=)"), std::string::npos) << sql;
}

// One value compares with $1 directly: an index lookup PostgreSQL caches as a generic plan.
TEST(MappingSql, ScalarInputReadsOneValueInsteadOfAnArray)
{
    for (const std::string &sql :
         {MappingSql(TagPath(), "pg_catalog.int4", Input::kScalar),
          ReverseMappingSql(TagPath(), "pg_catalog.int4", Input::kScalar)}) {
        EXPECT_EQ(sql.find("unnest"), std::string::npos) << sql;
        EXPECT_EQ(sql.find("ANY"), std::string::npos) << sql;
        EXPECT_NE(sql.find("OPERATOR(pg_catalog.=) $1"), std::string::npos) << sql;
    }
    std::string zero_hops = MappingSql(MappingPath{}, "pg_catalog.int4", Input::kScalar);
    EXPECT_NE(zero_hops.find("FROM (SELECT $1) AS m(k)"), std::string::npos) << zero_hops;
}

// Mapping statements run as the TVIEW's owner inside any writer's statement.
TEST(MappingSql, NothingIsResolvedThroughTheSearchPath)
{
    MappingPath cast_path = TwoHops();
    cast_path.hops[1].match = Comparison{"OPERATOR(pg_catalog.=)", "bigint", "bigint"};
    for (const MappingPath &path : {MappingPath{}, TagPath(), TwoHops(), cast_path})
        for (Input input : {Input::kArray, Input::kScalar})
            for (const std::string &sql : {MappingSql(path, "pg_catalog.int4", input),
                                           ReverseMappingSql(path, "pg_catalog.int4", input)}) {
                std::vector<std::string> unqualified = test::UnqualifiedCalls(sql);
                EXPECT_TRUE(unqualified.empty())
                    << "unqualified: " << (unqualified.empty() ? "" : unqualified.front()) << " in "
                    << sql;
            }
}

}  // namespace
}  // namespace pg_tviews::core
