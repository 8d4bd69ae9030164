#include "schema.hpp"

#include "values.hpp"

namespace fuzz {

const std::vector<TviewDef> &Tviews()
{
    static const std::vector<TviewDef> tviews{
        // A JSONB document per item behind a WHERE filter that rows cross both ways.
        {"fuzz.tv_item",
         "SELECT i.pk_item, jsonb_build_object('id', i.pk_item, 'name', i.name, 'price', "
         "i.price, 'qty', i.qty, 'group', i.fk_group, 'tags', i.tags) AS data, i.fk_group "
         "FROM fuzz.tb_item i WHERE i.active AND i.price >= 10",
         false, false},
        // A second TVIEW on tb_item: CASE, COALESCE, NULLIF, arithmetic.
        {"fuzz.tv_label",
         "SELECT i.pk_item AS pk_label, COALESCE(i.name, '(none)') || '/' || "
         "COALESCE(i.tags, '-') AS label, CASE WHEN i.qty IS NULL THEN 'unknown' WHEN i.qty = 0 "
         "THEN 'out' WHEN i.qty < 3 THEN 'low' ELSE 'ok' END AS stock, COALESCE(i.price, 0) * "
         "COALESCE(i.qty, 0) AS stock_value, NULLIF(i.active, false) AS active_or_null "
         "FROM fuzz.tb_item i WHERE i.pk_item % 5 <> 0",
         true, false},
        // One row per group: the usual aggregates, FILTER, an ordered jsonb_agg.
        {"fuzz.tv_grp",
         "SELECT i.fk_group AS pk_grp, count(*) AS n, sum(i.price) AS total, min(i.qty) AS "
         "min_qty, max(i.name) AS max_name, avg(i.price) AS avg_price, count(*) FILTER (WHERE "
         "i.active) AS n_active, sum(i.qty) FILTER (WHERE i.price > 10) AS qty_pricey, "
         "jsonb_agg(jsonb_build_object('id', i.pk_item, 'name', i.name, 'price', i.price) "
         "ORDER BY i.pk_item) AS items FROM fuzz.tb_item i WHERE i.fk_group IS NOT NULL "
         "GROUP BY i.fk_group",
         false, false},
        // Groups appear and vanish through HAVING.
        {"fuzz.tv_big",
         "SELECT i.fk_group AS pk_big, count(*) AS n, bool_and(i.active) AS all_active, "
         "string_agg(i.name, ',' ORDER BY i.pk_item) AS names, array_agg(i.pk_item ORDER BY "
         "i.pk_item) AS ids FROM fuzz.tb_item i WHERE i.fk_group IS NOT NULL AND i.qty IS NOT "
         "NULL GROUP BY i.fk_group HAVING count(*) >= 2",
         false, false},
        // DISTINCT with the key as the only column.
        {"fuzz.tv_fam",
         "SELECT DISTINCT i.fk_group AS pk_fam FROM fuzz.tb_item i WHERE i.fk_group IS NOT "
         "NULL AND i.active",
         true, false},
        // DISTINCT ON: the priciest item of each group (ties broken by key).
        {"fuzz.tv_top",
         "SELECT DISTINCT ON (i.fk_group) i.fk_group AS pk_top, i.pk_item AS top_item, i.name, "
         "i.price FROM fuzz.tb_item i WHERE i.fk_group IS NOT NULL ORDER BY i.fk_group, i.price "
         "DESC NULLS LAST, i.pk_item",
         false, false},
        // A document over the second base table, with a filter on a changing column.
        {"fuzz.tv_group",
         "SELECT g.pk_group, jsonb_build_object('title', g.title, 'region', COALESCE(g.region, "
         "'nowhere'), 'budget', g.budget, 'big', g.budget >= 150) AS data FROM fuzz.tb_group g "
         "WHERE g.budget IS NULL OR g.budget >= 100",
         false, false},
        // Aggregates over a child table that foreign-key cascades write.
        // (The key is not the first column here.)
        {"fuzz.tv_rev",
         "SELECT count(*) AS n, r.fk_item AS pk_rev, avg(r.stars) AS avg_stars, max(r.stars) "
         "AS best, jsonb_agg(jsonb_build_object('id', r.pk_review, 'body', r.body) ORDER BY "
         "r.pk_review) AS reviews FROM fuzz.tb_review r GROUP BY r.fk_item",
         false, false},
        // A text key: keys are not passed by value, and sort and hash by collation.
        {"fuzz.tv_byname",
         "SELECT i.name AS pk_byname, count(*) AS n, sum(i.qty) AS qty, jsonb_agg(i.pk_item "
         "ORDER BY i.pk_item) AS ids FROM fuzz.tb_item i WHERE i.name IS NOT NULL GROUP BY "
         "i.name",
         false, false},
        // Keyed by a generated column; column names that need quoting.
        {"fuzz.tv_bucket",
         "SELECT i.bucket AS pk_bucket, count(*) AS n, sum(i.price) AS \"Total\", avg(i.qty) AS "
         "\"avg qty\" FROM fuzz.tb_item i WHERE i.bucket IS NOT NULL GROUP BY i.bucket",
         false, false},
        // Keyed by a generated uuid, the key in the middle.
        {"fuzz.tv_gdoc",
         "SELECT g.title, g.id AS pk_gdoc, g.pk_group, COALESCE(g.region, '?') AS region FROM "
         "fuzz.tb_group g",
         true, false},
        // Division by zero for some tagged items: writes that make such a row fail
        // while the TVIEW refreshes (see ExpectedRefreshFailures).
        {"fuzz.tv_ratio",
         "SELECT i.pk_item AS pk_ratio, 60 / (i.qty % 5) AS per_unit FROM fuzz.tb_item i WHERE "
         "i.tags IN ('x', 'red')",
         false, false},
        // A TVIEW reading another TVIEW's table.
        {"fuzz.tv_itemname",
         "SELECT t.pk_item AS pk_itemname, t.data ->> 'name' AS name, (t.data ->> "
         "'price')::numeric AS price, t.data -> 'tags' AS tags FROM fuzz.tv_item t WHERE "
         "t.fk_group IS DISTINCT FROM 2",
         false, false},
        // Third level of the chain tb_item -> tv_item -> tv_itemname -> tv_namelen.
        {"fuzz.tv_namelen",
         "SELECT n.pk_itemname AS pk_namelen, length(n.name) AS len, n.price FROM "
         "fuzz.tv_itemname n WHERE n.name IS NOT NULL",
         false, false},
        // A TVIEW reading an aggregate TVIEW.
        {"fuzz.tv_grpsum",
         "SELECT g.pk_grp AS pk_grpsum, g.n, g.total, jsonb_array_length(g.items) AS len, "
         "g.items -> 0 -> 'name' AS first_name FROM fuzz.tv_grp g WHERE g.n > 1",
         true, false},
        // Lineage (joins, subqueries, EXISTS / IN filters): left out, with a note, when the
        // extension refuses such definitions (feature_not_supported).
        // LEFT JOIN to an optional parent, nested object.
        {"fuzz.tv_itemdoc",
         "SELECT i.pk_item AS pk_itemdoc, jsonb_build_object('name', i.name, 'group', CASE WHEN "
         "g.pk_group IS NULL THEN NULL ELSE jsonb_build_object('title', g.title, 'region', "
         "g.region) END) AS data FROM fuzz.tb_item i LEFT JOIN fuzz.tb_group g ON g.pk_group = "
         "i.fk_group",
         false, true},
        // INNER JOIN with a filter on the parent: rows appear and vanish with parent changes.
        {"fuzz.tv_rich",
         "SELECT i.pk_item AS pk_rich, i.name, g.title, g.budget FROM fuzz.tb_item i JOIN "
         "fuzz.tb_group g ON g.pk_group = i.fk_group WHERE g.budget >= 100",
         false, true},
        // A child array built by a correlated subquery.
        {"fuzz.tv_groupdoc",
         "SELECT g.pk_group AS pk_groupdoc, jsonb_build_object('title', g.title, 'items', "
         "COALESCE((SELECT jsonb_agg(jsonb_build_object('id', i.pk_item, 'name', i.name, "
         "'price', i.price) ORDER BY i.pk_item) FROM fuzz.tb_item i WHERE i.fk_group = "
         "g.pk_group), '[]'::jsonb)) AS data FROM fuzz.tb_group g",
         true, true},
        // A parent through a join and a count of children through a subquery.
        {"fuzz.tv_full",
         "SELECT i.pk_item AS pk_full, g.title, (SELECT count(*) FROM fuzz.tb_review r WHERE "
         "r.fk_item = i.pk_item) AS n_reviews FROM fuzz.tb_item i LEFT JOIN fuzz.tb_group g ON "
         "g.pk_group = i.fk_group",
         false, true},
        // EXISTS filter over the children.
        {"fuzz.tv_busy",
         "SELECT g.pk_group AS pk_busy, g.title FROM fuzz.tb_group g WHERE EXISTS (SELECT 1 "
         "FROM fuzz.tb_item i WHERE i.fk_group = g.pk_group AND i.active)",
         false, true},
        // IN filter over another table.
        {"fuzz.tv_tagged",
         "SELECT i.pk_item AS pk_tagged, i.name FROM fuzz.tb_item i WHERE i.fk_group IN (SELECT "
         "g.pk_group FROM fuzz.tb_group g WHERE g.region = 'north')",
         false, true},
        // GROUP BY the parent key over a LEFT JOIN to the children.
        {"fuzz.tv_gstat",
         "SELECT g.pk_group AS pk_gstat, count(i.pk_item) AS n, sum(i.price) AS total FROM "
         "fuzz.tb_group g LEFT JOIN fuzz.tb_item i ON i.fk_group = g.pk_group GROUP BY "
         "g.pk_group",
         false, true},
        // Two hops: review -> item -> group.
        {"fuzz.tv_revdoc",
         "SELECT r.pk_review AS pk_revdoc, r.stars, i.name AS item, g.title AS grp FROM "
         "fuzz.tb_review r JOIN fuzz.tb_item i ON i.pk_item = r.fk_item LEFT JOIN fuzz.tb_group "
         "g ON g.pk_group = i.fk_group",
         false, true},
        // A join between a TVIEW and a base table.
        {"fuzz.tv_grpx",
         "SELECT g.pk_grp AS pk_grpx, g.n, gr.title FROM fuzz.tv_grp g LEFT JOIN fuzz.tb_group "
         "gr ON gr.pk_group = g.pk_grp",
         false, true},
    };
    return tviews;
}

const std::vector<RefreshFailure> &ExpectedRefreshFailures()
{
    static const std::vector<RefreshFailure> failures{
        {"tv_ratio", "22012",
         "UPDATE fuzz.tb_item SET qty = 1 WHERE tags IN ('x', 'red') AND qty % 5 = 0"}};
    return failures;
}

namespace {

// A tv_byname key: an item name, never NULL (a NULL key is refused).
std::string ItemNameKey(Rng &rng)
{
    for (;;) {
        Value name = ItemName(rng);
        if (name.text) return name.Sql() + "::text";
    }
}

// A tv_gdoc key: the uuid tb_group generates from its key.
std::string GroupUuidKey(Rng &rng)
{
    return "md5('" + std::to_string(rng.Int(1, kMaxGroup)) + "')::uuid";
}

}  // namespace

const std::vector<OperationTarget> &OperationTargets()
{
    const KeyDomain items{1, kMaxItem}, groups{1, kMaxGroup}, reviews{1, kMaxReview};
    // Damage to a TVIEW that others read (tv_item, tv_itemname, tv_grp) changes what they
    // show: the repair must cascade to them too.
    static const std::vector<OperationTarget> targets{
        {"fuzz.tv_item", "pk_item", items, "data = jsonb_set(data, '{name}', '\"damaged\"')",
         "fuzz.tb_item"},
        {"fuzz.tv_label", "pk_label", items, "stock = 'damaged'", "fuzz.tb_item"},
        {"fuzz.tv_grp", "pk_grp", groups, "n = n + 1000", ""},
        {"fuzz.tv_big", "pk_big", groups, "names = 'damaged'", ""},
        {"fuzz.tv_fam", "pk_fam", groups, "", ""},  // the key is its only column
        {"fuzz.tv_top", "pk_top", groups, "name = 'damaged'", ""},
        {"fuzz.tv_group", "pk_group", groups, "data = data || '{\"damaged\": true}'",
         "fuzz.tb_group"},
        {"fuzz.tv_rev", "pk_rev", items, "n = n + 1000", ""},
        {"fuzz.tv_byname", "pk_byname", {0, 0, ItemNameKey}, "n = n + 1000", ""},
        {"fuzz.tv_bucket", "pk_bucket", {0, 2}, "n = n + 1000", ""},
        {"fuzz.tv_gdoc", "pk_gdoc", {0, 0, GroupUuidKey}, "region = 'damaged'", ""},
        {"fuzz.tv_ratio", "pk_ratio", items, "per_unit = COALESCE(per_unit, 0) + 1000",
         "fuzz.tb_item"},
        {"fuzz.tv_itemname", "pk_itemname", items, "name = 'damaged'", ""},
        {"fuzz.tv_namelen", "pk_namelen", items, "len = len + 1000", ""},
        {"fuzz.tv_grpsum", "pk_grpsum", groups, "len = len + 1000", ""},
        {"fuzz.tv_itemdoc", "pk_itemdoc", items, "data = data || '{\"damaged\": true}'",
         "fuzz.tb_item"},
        {"fuzz.tv_rich", "pk_rich", items, "title = 'damaged'", "fuzz.tb_item"},
        {"fuzz.tv_groupdoc", "pk_groupdoc", groups,
         "data = jsonb_set(data, '{title}', '\"damaged\"')", "fuzz.tb_group"},
        {"fuzz.tv_full", "pk_full", items, "n_reviews = n_reviews + 1000", "fuzz.tb_item"},
        {"fuzz.tv_busy", "pk_busy", groups, "title = 'damaged'", "fuzz.tb_group"},
        {"fuzz.tv_tagged", "pk_tagged", items, "name = 'damaged'", "fuzz.tb_item"},
        {"fuzz.tv_gstat", "pk_gstat", groups, "n = n + 1000", "fuzz.tb_group"},
        {"fuzz.tv_revdoc", "pk_revdoc", reviews, "item = 'damaged'", "fuzz.tb_review"},
        {"fuzz.tv_grpx", "pk_grpx", groups, "n = n + 1000", ""},
    };
    return targets;
}

const std::vector<CascadeTarget> &CascadeTargets()
{
    static const std::vector<CascadeTarget> targets{
        {"fuzz.tb_item", {1, kMaxItem}},
        {"fuzz.tb_group", {1, kMaxGroup}},
        {"fuzz.tb_review", {1, kMaxReview}},
    };
    return targets;
}

namespace {

std::string Row(const std::vector<Value> &values)
{
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); i++) {
        if (i > 0) out += ", ";
        out += values[i].Sql();
    }
    return out + ")";
}

}  // namespace

std::string CreateTviewStatement(const TviewDef &tview)
{
    if (tview.create_as_table) return "CREATE TABLE " + tview.table + " AS " + tview.definition;
    return "SELECT pg_tviews_create(" + Quote(tview.table) + ", " + Quote(tview.definition) + ")";
}

std::vector<std::string> BaseTableStatements(Rng &rng)
{
    std::vector<std::string> sql{
        // title is unique only at commit: duplicates make COMMIT fail, and the TVIEWs must roll
        // back with it.
        // id is a generated uuid: a TVIEW key that is computed and passed by reference.
        "CREATE TABLE fuzz.tb_group (pk_group int PRIMARY KEY, title text, region text, budget "
        "numeric, note text, id uuid GENERATED ALWAYS AS (md5(pk_group::text)::uuid) STORED NOT "
        "NULL UNIQUE, CONSTRAINT tb_group_title_key UNIQUE (title) DEFERRABLE INITIALLY "
        "DEFERRED)",
        // No foreign key to tb_group: items may point at missing groups.
        // bucket is generated from qty: UPDATE ... SET qty changes a TVIEW key it does not name.
        "CREATE TABLE fuzz.tb_item (pk_item int PRIMARY KEY, fk_group int, name text, price "
        "numeric, qty int, active boolean, tags text, note text, bucket int GENERATED ALWAYS AS "
        "(qty % 3) STORED)",
        // Cascaded deletes and key updates write tb_review from inside tb_item statements.
        "CREATE TABLE fuzz.tb_review (pk_review int PRIMARY KEY, fk_item int NOT NULL "
        "REFERENCES fuzz.tb_item (pk_item) ON DELETE CASCADE ON UPDATE CASCADE, stars int, "
        "body text)",
        // A BEFORE ROW trigger that changes columns an UPDATE's SET list does not name
        // (fk_group, a TVIEW key, among them).
        "CREATE FUNCTION fuzz.tb_item_before() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
        "IF NEW.note LIKE '%7' THEN NEW.fk_group := 1; NEW.active := NOT COALESCE(NEW.active, "
        "false); END IF; RETURN NEW; END $f$",
        "CREATE TRIGGER tb_item_before BEFORE INSERT OR UPDATE ON fuzz.tb_item FOR EACH ROW "
        "EXECUTE FUNCTION fuzz.tb_item_before()",
        // Runs statements with COMMIT or ROLLBACK between them, all inside one CALL.
        "CREATE PROCEDURE fuzz.run_steps(steps text[], endings text[]) LANGUAGE plpgsql AS $p$ "
        "BEGIN FOR i IN 1 .. cardinality(steps) LOOP EXECUTE steps[i]; IF endings[i] = 'commit' "
        "THEN COMMIT; ELSIF endings[i] = 'rollback' THEN ROLLBACK; END IF; END LOOP; END $p$",
    };

    std::string groups;
    for (int g = 1; g <= kMaxGroup - 1; g++) {
        if (!groups.empty()) groups += ", ";
        groups +=
            Row({Int(g), Text("group " + std::to_string(g)), Region(rng), Budget(rng), Note(rng)});
    }
    sql.push_back("INSERT INTO fuzz.tb_group VALUES " + groups);

    std::string items;
    std::vector<int> item_keys;
    for (int k = 1; k <= kMaxItem; k++) {
        if (!rng.Percent(60)) continue;
        item_keys.push_back(k);
        if (!items.empty()) items += ", ";
        std::vector<Value> row{Int(k),   GroupRef(rng), ItemName(rng), Price(rng),
                               Qty(rng), Active(rng),   Tags(rng),     Note(rng)};
        // tv_ratio must build.
        if ((row[6].text == "x" || row[6].text == "red") &&
            (row[4].text == "0" || row[4].text == "5"))
            row[4] = Int(1);
        items += Row(row);
    }
    if (item_keys.empty()) {
        item_keys.push_back(1);
        items =
            Row({Int(1), Int(1), Text("apple"), Raw("10"), Int(1), Raw("true"), Null(), Null()});
    }
    sql.push_back("INSERT INTO fuzz.tb_item VALUES " + items);

    std::string reviews;
    for (int r = 1; r <= kMaxReview; r++) {
        if (!rng.Percent(50)) continue;
        if (!reviews.empty()) reviews += ", ";
        reviews += Row({Int(r), Int(rng.Pick(item_keys)), Stars(rng), Body(rng)});
    }
    if (!reviews.empty()) sql.push_back("INSERT INTO fuzz.tb_review VALUES " + reviews);

    return sql;
}

}  // namespace fuzz
