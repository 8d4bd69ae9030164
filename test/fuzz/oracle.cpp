#include "oracle.hpp"

#include "values.hpp"

namespace fuzz {

namespace {

std::string TableText(const TviewDef &tview)
{
    return "SELECT t::text FROM " + tview.table + " AS t";
}

std::string DefinitionText(const TviewDef &tview)
{
    return "SELECT d::text FROM (" + tview.definition + ") AS d";
}

long ToLong(const std::optional<std::string> &value)
{
    return value ? std::stol(*value) : -1;
}

}  // namespace

Oracle::Oracle(const std::vector<TviewDef> &tviews, const std::string &extension_schema)
    : tviews_(tviews),
      extension_schema_(extension_schema),
      check_sql_(CheckSql(false)),
      skip_suspended_sql_(CheckSql(true))
{
}

std::string Oracle::CheckSql(bool skip_suspended) const
{
    // One round trip checks every TVIEW. Each TVIEW and each definition is read once into a
    // CTE; both comparisons run over those:
    //   (TABLE tv EXCEPT ALL (definition)) UNION ALL ((definition) EXCEPT ALL TABLE tv)
    // and the same over the rows' text. A suspended TVIEW gets NULL for both: CTEs and
    // subqueries run on demand, so its definition is not even evaluated (tv_ratio's can fail
    // once rows its refresh would refuse got in while it was suspended).
    std::string ctes =
        "WITH suspended AS MATERIALIZED (SELECT m.schema_name || '.' || m.table_name AS name "
        "FROM " +
        extension_schema_ + ".pg_tviews_metadata m WHERE m.suspended)";
    std::string columns;
    for (std::size_t i = 0; i < tviews_.size(); i++) {
        const std::string t = "t" + std::to_string(i);
        const std::string d = "d" + std::to_string(i);
        ctes += ", " + t + " AS MATERIALIZED (TABLE " + tviews_[i].table + "), " + d +
                " AS MATERIALIZED (" + tviews_[i].definition + ")";
        const std::string by_rows = "(SELECT count(*) FROM ((TABLE " + t + " EXCEPT ALL TABLE " +
                                    d + ") UNION ALL (TABLE " + d + " EXCEPT ALL TABLE " + t +
                                    ")) AS diff)";
        const std::string t_text = "SELECT r::text FROM " + t + " AS r";
        const std::string d_text = "SELECT r::text FROM " + d + " AS r";
        const std::string by_text = "(SELECT count(*) FROM ((" + t_text + " EXCEPT ALL " + d_text +
                                    ") UNION ALL (" + d_text + " EXCEPT ALL " + t_text +
                                    ")) AS diff)";
        const std::string unless_suspended =
            "CASE WHEN EXISTS (SELECT FROM suspended s WHERE s.name = " + Quote(tviews_[i].table) +
            ") THEN NULL ELSE ";
        if (skip_suspended)
            columns += (i == 0 ? "" : ", ") + unless_suspended + by_rows + " END, " +
                       unless_suspended + by_text + " END";
        else
            columns += (i == 0 ? "" : ", ") + by_rows + ", " + by_text;
    }
    return ctes + " SELECT " + columns;
}

std::vector<Divergence> Oracle::Divergent(const Row &row) const
{
    std::vector<Divergence> divergent;
    for (std::size_t i = 0; i < tviews_.size(); i++) {
        if (!row.at(2 * i)) continue;  // skipped
        long by_rows = ToLong(row.at(2 * i));
        long by_text = ToLong(row.at(2 * i + 1));
        if (by_rows != 0 || by_text != 0)
            divergent.push_back(Divergence{&tviews_[i], by_rows, by_text});
    }
    return divergent;
}

CheckResult Oracle::Check(Connection &connection, bool skip_suspended)
{
    const Row row =
        skip_suspended
            ? connection.QueryPrepared("tviews_fuzz_oracle_skip", skip_suspended_sql_).at(0)
            : connection.QueryPrepared("tviews_fuzz_oracle", check_sql_).at(0);
    CheckResult result;
    for (std::size_t i = 0; i < tviews_.size(); i++)
        if (!row.at(2 * i)) result.skipped.push_back(&tviews_[i]);
    checks_ += static_cast<long>(tviews_.size() - result.skipped.size());
    skipped_ += static_cast<long>(result.skipped.size());
    if (skip_suspended) catalog_reads_++;
    result.divergent = Divergent(row);
    return result;
}

std::string Oracle::Describe(Connection &connection, const Divergence &divergence) const
{
    const TviewDef &tview = *divergence.tview;
    std::string out = "  TVIEW " + tview.table + ": " + std::to_string(divergence.row_differences) +
                      " rows differ (EXCEPT ALL on rows), " +
                      std::to_string(divergence.text_differences) + " by row text\n";
    out += "  definition: " + tview.definition + "\n";
    struct Side {
        const char *title;
        std::string sql;
    };
    const Side sides[] = {
        {"rows in the TVIEW but not in its definition",
         TableText(tview) + " EXCEPT ALL " + DefinitionText(tview)},
        {"rows in the definition but not in the TVIEW",
         DefinitionText(tview) + " EXCEPT ALL " + TableText(tview)},
    };
    for (const auto &side : sides) {
        std::vector<Row> rows =
            connection.Query("SELECT * FROM (" + side.sql + ") AS x ORDER BY 1 LIMIT 20");
        out += "  " + std::string(side.title) + " (" + std::to_string(rows.size()) +
               (rows.size() == 20 ? "+" : "") + "):\n";
        for (const auto &row : rows) out += "    " + row.at(0).value_or("NULL") + "\n";
    }
    return out;
}

}  // namespace fuzz
