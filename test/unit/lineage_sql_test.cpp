// Lineage mapping statements (src/core/lineage_sql.cpp).
#include "pg_tviews/core/lineage_sql.hpp"

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

// tb_tag -> tb_post_tag(fk_tag -> fk_post): the path of a many-to-many link.
MappingPath TagPath()
{
    return MappingPath{{Hop{"public", "tb_post_tag", "fk_tag", "fk_post"}}};
}

// tb_user -> tb_comment(fk_user -> fk_post) -> tb_post(pk_post -> pk_post): two hops.
MappingPath TwoHops()
{
    return MappingPath{{Hop{"app", "tb_comment", "fk_user", "fk_post"},
                        Hop{"app", "tb_post", "pk_post", "pk_post"}}};
}

TEST(MappingSql, ZeroHopsCastsTheStartValuesThemselves)
{
    std::string sql = MappingSql(MappingPath{}, "pg_catalog.int4");
    EXPECT_NE(sql.find("unnest($1)"), std::string::npos);
    EXPECT_NE(sql.find("::pg_catalog.int4"), std::string::npos);
    EXPECT_EQ(sql.find(" FROM \""), std::string::npos) << "no table is read: " << sql;
}

TEST(MappingSql, OneHopFiltersTheHopTableByItsMatchColumn)
{
    std::string sql = MappingSql(TagPath(), "pg_catalog.int4");
    EXPECT_NE(sql.find("\"public\".\"tb_post_tag\""), std::string::npos);
    EXPECT_NE(sql.find("\"fk_tag\" IN (SELECT v FROM pg_catalog.unnest($1)"), std::string::npos)
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
    EXPECT_NE(sql.find("\"fk_user\" IN (SELECT v FROM"), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"pk_post\" IN (SELECT h1.\"fk_post\""), std::string::npos) << sql;
}

TEST(ReverseMappingSql, WalksTheHopsBackFromTheKeys)
{
    std::string sql = ReverseMappingSql(TwoHops(), "pg_catalog.int4");
    // Keys enter at the last hop's output column; the start values leave at the first hop's
    // match column.
    EXPECT_NE(sql.find("\"pk_post\" IN (SELECT v FROM pg_catalog.unnest($1)"), std::string::npos)
        << sql;
    EXPECT_NE(sql.find("\"fk_post\" IN (SELECT r2.\"pk_post\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("SELECT r1.\"fk_user\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("s::pg_catalog.int4"), std::string::npos);
}

TEST(ReverseMappingSql, QuotesIdentifiers)
{
    MappingPath path{{Hop{"My Schema", "Odd\"Table", "Match", "Out"}}};
    std::string sql = ReverseMappingSql(path, "pg_catalog.text");
    EXPECT_NE(sql.find("\"My Schema\".\"Odd\"\"Table\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"Out\" IN"), std::string::npos);
}

}  // namespace
}  // namespace pg_tviews::core

namespace pg_tviews::core {
namespace {

TEST(MappingSql, ScalarInputReadsOneValueInsteadOfAnArray)
{
    for (const std::string &sql :
         {MappingSql(TagPath(), "pg_catalog.int4", Input::kScalar),
          ReverseMappingSql(TagPath(), "pg_catalog.int4", Input::kScalar)}) {
        EXPECT_EQ(sql.find("unnest"), std::string::npos) << sql;
        EXPECT_NE(sql.find("IN (SELECT $1 AS v)"), std::string::npos) << sql;
    }
}

}  // namespace
}  // namespace pg_tviews::core
