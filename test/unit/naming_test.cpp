// Naming rules of the trinity pattern and identifier quoting (src/core/naming.cpp).
#include "pg_tviews/core/naming.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg_tviews::core {
namespace {

// Reads a double-quoted SQL identifier the way PostgreSQL's scanner does ("" is one quote);
// nullopt when the text is not exactly one well-formed quoted identifier.
std::optional<std::string> UnquoteIdent(std::string_view quoted)
{
    if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return std::nullopt;
    std::string out;
    for (size_t i = 1; i + 1 < quoted.size(); i++) {
        if (quoted[i] == '"') {
            if (i + 2 >= quoted.size() || quoted[i + 1] != '"') return std::nullopt;  // lone quote
            i++;
        }
        out.push_back(quoted[i]);
    }
    return out;
}

TEST(IsTviewTableName, AcceptsPrefixFollowedByAnEntity)
{
    EXPECT_TRUE(IsTviewTableName("tv_post"));
    EXPECT_TRUE(IsTviewTableName("tv_x"));
    EXPECT_TRUE(IsTviewTableName("tv_author_stats"));
    EXPECT_TRUE(IsTviewTableName("tv__"));
}

TEST(IsTviewTableName, RefusesThePrefixAlone)
{
    EXPECT_FALSE(IsTviewTableName("tv_"));
    EXPECT_FALSE(IsTviewTableName("tv"));
    EXPECT_FALSE(IsTviewTableName("t"));
    EXPECT_FALSE(IsTviewTableName(""));
}

// PostgreSQL folds unquoted names to lower case, so an upper-case name can only come from a
// quoted identifier, which is not the convention.
TEST(IsTviewTableName, IsCaseSensitive)
{
    EXPECT_FALSE(IsTviewTableName("TV_x"));
    EXPECT_FALSE(IsTviewTableName("Tv_post"));
    EXPECT_FALSE(IsTviewTableName("tV_post"));
}

TEST(IsTviewTableName, RequiresThePrefixAtTheStart)
{
    EXPECT_FALSE(IsTviewTableName("tb_post"));
    EXPECT_FALSE(IsTviewTableName("xtv_post"));
    EXPECT_FALSE(IsTviewTableName(" tv_post"));
    EXPECT_FALSE(IsTviewTableName("tvpost"));
    EXPECT_FALSE(IsTviewTableName("tv-post"));
    EXPECT_FALSE(IsTviewTableName("post_tv_"));
}

TEST(EntityOf, StripsThePrefixOnce)
{
    EXPECT_EQ(EntityOf("tv_post"), "post");
    EXPECT_EQ(EntityOf("tv_author_stats"), "author_stats");
    EXPECT_EQ(EntityOf("tv_tv_post"), "tv_post");
}

TEST(EntityOf, NameWithoutAnEntityIsItsOwnEntity)
{
    EXPECT_EQ(EntityOf("post"), "post");
    EXPECT_EQ(EntityOf("tv_"), "tv_");
    EXPECT_EQ(EntityOf("TV_post"), "TV_post");
    EXPECT_EQ(EntityOf(""), "");
}

TEST(TableNameFor, AddsThePrefixToABareEntity)
{
    EXPECT_EQ(TableNameFor("post"), "tv_post");
    EXPECT_EQ(TableNameFor("author_stats"), "tv_author_stats");
    EXPECT_EQ(TableNameFor("Post"), "tv_Post");
}

TEST(TableNameFor, KeepsATableName)
{
    EXPECT_EQ(TableNameFor("tv_post"), "tv_post");
    EXPECT_EQ(TableNameFor("tv_x"), "tv_x");
}

// "tv_" is not a TVIEW name, so it is read as an entity.
TEST(TableNameFor, PrefixAloneIsAnEntity)
{
    EXPECT_EQ(TableNameFor("tv_"), "tv_tv_");
}

TEST(TableNameFor, IsIdempotentAndRoundTripsWithEntityOf)
{
    const std::vector<std::string> names = {"post",    "x",       "author_stats", "tv_post",
                                            "TV_post", "tb_post", "tv_",          "p"};
    for (const auto &name : names) {
        const std::string table = TableNameFor(name);
        SCOPED_TRACE(name);
        EXPECT_TRUE(IsTviewTableName(table));
        EXPECT_EQ(TableNameFor(table), table);
        EXPECT_EQ(TableNameFor(EntityOf(table)), table);
    }
}

TEST(KeyColumnFor, PrefixesTheEntity)
{
    EXPECT_EQ(KeyColumnFor("post"), "pk_post");
    EXPECT_EQ(KeyColumnFor("author_stats"), "pk_author_stats");
    EXPECT_EQ(KeyColumnFor(EntityOf("tv_post")), "pk_post");
    EXPECT_EQ(KeyColumnFor(EntityOf(TableNameFor("post"))), "pk_post");
}

TEST(QuoteIdent, AlwaysQuotes)
{
    EXPECT_EQ(QuoteIdent("post"), "\"post\"");
    EXPECT_EQ(QuoteIdent("select"), "\"select\"");  // keywords need no list
    EXPECT_EQ(QuoteIdent(""), "\"\"");
}

TEST(QuoteIdent, PreservesCaseAndSpaces)
{
    EXPECT_EQ(QuoteIdent("Title"), "\"Title\"");
    EXPECT_EQ(QuoteIdent("my column"), "\"my column\"");
}

TEST(QuoteIdent, DoublesEmbeddedQuotes)
{
    EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
    EXPECT_EQ(QuoteIdent("\""), "\"\"\"\"");
    EXPECT_EQ(QuoteIdent("\"\""), "\"\"\"\"\"\"");
    EXPECT_EQ(QuoteIdent("x\"; DROP TABLE t; --"), "\"x\"\"; DROP TABLE t; --\"");
}

TEST(QuoteIdent, KeepsNonAsciiBytes)
{
    EXPECT_EQ(QuoteIdent("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(QuoteIdent, RoundTripsThroughPostgresUnquoting)
{
    const std::vector<std::string> names = {
        "post", "",         "a\"b",       "\"",         "\"\"\"",
        "a.b",  "tv_\"x\"", "Mixed Case", "semi;colon", std::string("nul\0byte", 8)};
    for (const auto &name : names) {
        SCOPED_TRACE(name);
        auto unquoted = UnquoteIdent(QuoteIdent(name));
        ASSERT_TRUE(unquoted.has_value());
        EXPECT_EQ(*unquoted, name);
    }
}

TEST(QuoteQualified, QuotesBothPartsSeparatedByOneDot)
{
    EXPECT_EQ(QuoteQualified("public", "tv_post"), "\"public\".\"tv_post\"");
    EXPECT_EQ(QuoteQualified("My Schema", "Tv\"x"), "\"My Schema\".\"Tv\"\"x\"");
}

// A dot inside a part stays inside its quotes: "a.b"."c" is not a three-part name.
TEST(QuoteQualified, DotsInsidePartsStayQuoted)
{
    EXPECT_EQ(QuoteQualified("a.b", "c"), "\"a.b\".\"c\"");
    EXPECT_EQ(QuoteQualified("a", "b.c"), "\"a\".\"b.c\"");
}

}  // namespace
}  // namespace pg_tviews::core
