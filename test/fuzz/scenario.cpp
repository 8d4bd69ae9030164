#include "scenario.hpp"

#include "generator_lineage.hpp"
#include "lineage.hpp"

namespace fuzz {

namespace {

std::vector<std::string> NoStatements()
{
    return {};
}

const std::vector<RefreshFailure> &NoRefreshFailures()
{
    static const std::vector<RefreshFailure> none;
    return none;
}

std::unique_ptr<Generator> MakeItemsGenerator(Rng &rng)
{
    return std::make_unique<ItemsGenerator>(rng);
}

std::unique_ptr<Generator> MakeLineageGenerator(Rng &rng)
{
    return std::make_unique<LineageGenerator>(rng);
}

}  // namespace

const Scenario *FindScenario(const std::string &name)
{
    static const std::vector<Scenario> scenarios{
        {"items",
         kSchema,
         {"fuzz.tb_group", "fuzz.tb_item", "fuzz.tb_review"},
         BaseTableStatements,
         Tviews,
         NoStatements,
         ExpectedRefreshFailures,
         "SELECT (SELECT count(*) FROM fuzz.tb_item) || ' items, ' || (SELECT count(*) FROM "
         "fuzz.tb_group) || ' groups, ' || (SELECT count(*) FROM fuzz.tb_review) || ' reviews'",
         {"fuzz", "pg_catalog", "fuzz, public", "''"},
         MakeItemsGenerator,
         OperationTargets,
         CascadeTargets},
        {"lineage",
         lineage::kSchema,
         {"lin.tb_company", "lin.tb_user", "lin.tb_post", "lin.tb_comment", "lin.tb_tag",
          "lin.tb_post_tag"},
         lineage::BaseTableStatements,
         lineage::Tviews,
         lineage::AfterTviewStatements,
         NoRefreshFailures,
         "SELECT (SELECT count(*) FROM lin.tb_company) || ' companies, ' || (SELECT count(*) "
         "FROM lin.tb_user) || ' users, ' || (SELECT count(*) FROM lin.tb_post) || ' posts, ' || "
         "(SELECT count(*) FROM lin.tb_comment) || ' comments, ' || (SELECT count(*) FROM "
         "lin.tb_tag) || ' tags, ' || (SELECT count(*) FROM lin.tb_post_tag) || ' links'",
         {"lin", "pg_catalog", "lin, public", "''"},
         MakeLineageGenerator,
         lineage::OperationTargets,
         lineage::CascadeTargets},
    };
    for (const auto &scenario : scenarios)
        if (scenario.name == name) return &scenario;
    return nullptr;
}

}  // namespace fuzz
