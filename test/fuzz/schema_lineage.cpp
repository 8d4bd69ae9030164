// The lineage workload's schema: base tables, seed rows, TVIEW definitions and value domains.
#include <string>
#include <vector>

#include "lineage.hpp"
#include "rows.hpp"

namespace fuzz::lineage {

const std::vector<TviewDef> &Tviews()
{
    // Every TVIEW is required: lineage is on trial here, so a refusal fails the run.
    static const std::vector<TviewDef> tviews{
        // LEFT JOIN to the children + GROUP BY the key (the user's name by functional
        // dependency on it): count, sum, avg, min, max, FILTER, DISTINCT, CASE over aggregates,
        // and a correlated count over a second child table.
        {"lin.tv_user_stats",
         "SELECT u.pk_user AS pk_user_stats, u.name, count(p.pk_post) AS posts, sum(p.score) AS "
         "total_score, avg(p.score) AS avg_score, min(p.score) AS min_score, max(p.score) AS "
         "max_score, count(*) FILTER (WHERE p.published) AS published, sum(p.score) FILTER "
         "(WHERE p.published IS NOT TRUE) AS draft_score, count(DISTINCT p.title) AS titles, "
         "CASE WHEN count(p.pk_post) = 0 THEN 'silent' WHEN count(p.pk_post) < 3 THEN 'casual' "
         "ELSE 'prolific' END AS kind, (SELECT count(*) FROM lin.tb_comment c WHERE c.fk_user = "
         "u.pk_user) AS comments_written FROM lin.tb_user u LEFT JOIN lin.tb_post p ON p.fk_user "
         "= u.pk_user GROUP BY u.pk_user",
         false, false},
        // The post document: an INNER JOIN to its author and a LEFT JOIN to the author's company
        // (nested objects from joined tables); comments as a correlated subquery, each with its
        // author (two levels) and that author's company name (three); tags through the link
        // table; CASE and COALESCE. fk_user and fk_company are columns for the TVIEWs reading
        // this one.
        {"lin.tv_post",
         "SELECT p.pk_post, p.fk_user, u.fk_company, jsonb_build_object('title', "
         "COALESCE(p.title, '(untitled)'), 'score', COALESCE(p.score, 0), 'status', CASE WHEN "
         "p.published THEN 'published' WHEN p.published IS NULL THEN 'unknown' ELSE 'draft' END, "
         "'author', jsonb_build_object('id', u.pk_user, 'name', u.name, 'active', u.active, "
         "'company', jsonb_build_object('id', co.pk_company, 'name', COALESCE(co.name, '?'))), "
         "'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.pk_comment, 'body', "
         "c.body, 'likes', COALESCE(c.likes, 0), 'author', (SELECT jsonb_build_object('id', "
         "cu.pk_user, 'name', cu.name, 'company', (SELECT cc.name FROM lin.tb_company cc WHERE "
         "cc.pk_company = cu.fk_company)) FROM lin.tb_user cu WHERE cu.pk_user = c.fk_user)) "
         "ORDER BY c.pk_comment), '[]') FROM lin.tb_comment c WHERE c.fk_post = p.pk_post), "
         "'tags', (SELECT coalesce(jsonb_agg(t.name ORDER BY t.name, t.pk_tag), '[]') FROM "
         "lin.tb_post_tag pt JOIN lin.tb_tag t ON t.pk_tag = pt.fk_tag WHERE pt.fk_post = "
         "p.pk_post)) AS data FROM lin.tb_post p JOIN lin.tb_user u ON u.pk_user = p.fk_user "
         "LEFT JOIN lin.tb_company co ON co.pk_company = u.fk_company",
         false, false},
        // A child array as LEFT JOIN + GROUP BY the key, jsonb_agg ... FILTER, each comment's
        // author joined in (two levels through joins).
        {"lin.tv_post_comments",
         "SELECT p.pk_post AS pk_post_comments, p.title, count(c.pk_comment) AS n_comments, "
         "sum(c.likes) AS likes, max(c.likes) AS top_likes, count(*) FILTER (WHERE c.likes >= 3) "
         "AS liked, count(DISTINCT c.fk_user) AS commenters, coalesce(jsonb_agg("
         "jsonb_build_object('id', c.pk_comment, 'body', c.body, 'by', cu.name, 'active', "
         "cu.active) ORDER BY c.pk_comment) FILTER (WHERE c.pk_comment IS NOT NULL), '[]') AS "
         "comments FROM lin.tb_post p LEFT JOIN lin.tb_comment c ON c.fk_post = p.pk_post LEFT "
         "JOIN lin.tb_user cu ON cu.pk_user = c.fk_user GROUP BY p.pk_post, p.title",
         true, false},
        // The company with its users array, each with a nested count of posts, and a count.
        {"lin.tv_company",
         "SELECT co.pk_company, jsonb_build_object('name', co.name, 'users', (SELECT "
         "coalesce(jsonb_agg(jsonb_build_object('id', u.pk_user, 'name', u.name, 'posts', "
         "(SELECT count(*) FROM lin.tb_post p WHERE p.fk_user = u.pk_user)) ORDER BY "
         "u.pk_user), '[]') FROM lin.tb_user u WHERE u.fk_company = co.pk_company)) AS data, "
         "(SELECT count(*) FROM lin.tb_user u WHERE u.fk_company = co.pk_company AND u.active) "
         "AS active_users FROM lin.tb_company co",
         false, false},
        // Many-to-many from the tag's side: LEFT JOINs through the link table, GROUP BY.
        {"lin.tv_tag",
         "SELECT t.pk_tag, t.name, count(pt.fk_post) AS n_posts, count(DISTINCT p.fk_user) AS "
         "authors, sum(p.score) FILTER (WHERE p.published) AS published_score, "
         "coalesce(jsonb_agg(p.title ORDER BY p.pk_post) FILTER (WHERE p.pk_post IS NOT NULL), "
         "'[]') AS titles FROM lin.tb_tag t LEFT JOIN lin.tb_post_tag pt ON pt.fk_tag = t.pk_tag "
         "LEFT JOIN lin.tb_post p ON p.pk_post = pt.fk_post GROUP BY t.pk_tag, t.name",
         false, false},
        // The user document: INNER JOIN to the company, ORDER BY ... LIMIT inside a correlated
        // subquery, the user's tags through posts and links (DISTINCT), and a filter that rows
        // cross through a parent's column or an EXISTS over a child table.
        {"lin.tv_user",
         "SELECT u.pk_user, jsonb_build_object('name', u.name, 'active', COALESCE(u.active, "
         "false), 'company', jsonb_build_object('id', co.pk_company, 'name', co.name), "
         "'top_posts', (SELECT coalesce(jsonb_agg(x.title ORDER BY x.score DESC NULLS LAST, "
         "x.pk_post), '[]') FROM (SELECT p.pk_post, p.title, p.score FROM lin.tb_post p WHERE "
         "p.fk_user = u.pk_user ORDER BY p.score DESC NULLS LAST, p.pk_post LIMIT 2) x), 'tags', "
         "(SELECT coalesce(jsonb_agg(DISTINCT t.name), '[]') FROM lin.tb_post p2 JOIN "
         "lin.tb_post_tag pt ON pt.fk_post = p2.pk_post JOIN lin.tb_tag t ON t.pk_tag = "
         "pt.fk_tag WHERE p2.fk_user = u.pk_user)) AS data FROM lin.tb_user u JOIN "
         "lin.tb_company co ON co.pk_company = u.fk_company WHERE co.name IS NOT NULL OR EXISTS "
         "(SELECT 1 FROM lin.tb_comment c WHERE c.fk_user = u.pk_user)",
         false, false},
        // The comment with its post and the post's author (a LATERAL subquery), its author and
        // company through a view, a CTE grouped by post, a LATERAL count of sibling comments,
        // an IN filter over a parent and EXISTS / NOT EXISTS alternatives (the first comment of
        // each author stays in).
        {"lin.tv_comment",
         "WITH tagged AS (SELECT pt.fk_post, count(*) AS n FROM lin.tb_post_tag pt GROUP BY "
         "pt.fk_post) SELECT c.pk_comment, c.likes, jsonb_build_object('body', c.body, 'post', "
         "p.title, 'post_author', pa.name, 'by', uc.user_name, 'by_company', uc.company_name, "
         "'siblings', sib.n, 'post_tags', COALESCE(tg.n, 0)) AS data FROM lin.tb_comment c JOIN "
         "lin.tb_post p ON p.pk_post = c.fk_post LEFT JOIN LATERAL (SELECT u.name FROM "
         "lin.tb_user u WHERE u.pk_user = p.fk_user) pa ON true JOIN lin.v_user_company uc ON "
         "uc.pk_user = c.fk_user CROSS JOIN LATERAL (SELECT count(*) AS n FROM lin.tb_comment c2 "
         "WHERE c2.fk_post = c.fk_post AND c2.pk_comment <> c.pk_comment) sib LEFT JOIN tagged "
         "tg ON tg.fk_post = c.fk_post WHERE c.fk_post IN (SELECT xp.pk_post FROM lin.tb_post xp "
         "WHERE xp.published IS NOT FALSE) AND (EXISTS (SELECT 1 FROM lin.tb_post_tag xpt WHERE "
         "xpt.fk_post = c.fk_post) OR c.likes > 2 OR NOT EXISTS (SELECT 1 FROM lin.tb_comment c3 "
         "WHERE c3.fk_user = c.fk_user AND c3.pk_comment < c.pk_comment))",
         false, false},
        // A TVIEW of TVIEWs (level 1): embeds tv_post's document, joined to tv_user_stats by the
        // author; rows cross the filter on the document's status.
        {"lin.tv_feed",
         "SELECT tp.pk_post AS pk_feed, tp.fk_company, tp.data -> 'author' ->> 'name' AS author, "
         "tp.data ->> 'title' AS title, jsonb_array_length(tp.data -> 'comments') AS n_comments, "
         "s.posts AS author_posts, s.total_score AS author_score, s.kind AS author_kind, tp.data "
         "AS post FROM lin.tv_post tp JOIN lin.tv_user_stats s ON s.pk_user_stats = tp.fk_user "
         "WHERE tp.data ->> 'status' <> 'draft'",
         false, false},
        // Level 2: tv_company's document and child arrays over tv_feed.
        {"lin.tv_company_feed",
         "SELECT co.pk_company AS pk_company_feed, co.data ->> 'name' AS name, co.active_users, "
         "(SELECT count(*) FROM lin.tv_feed f WHERE f.fk_company = co.pk_company) AS feed_posts, "
         "(SELECT coalesce(jsonb_agg(jsonb_build_object('title', f.title, 'by', f.author, "
         "'comments', f.n_comments) ORDER BY f.pk_feed), '[]') FROM lin.tv_feed f WHERE "
         "f.fk_company = co.pk_company) AS feed FROM lin.tv_company co",
         true, false},
    };
    return tviews;
}

const std::vector<OperationTarget> &OperationTargets()
{
    const KeyDomain companies{1, kMaxCompany}, users{1, kMaxUser}, posts{1, kMaxPost},
        comments{1, kMaxComment}, tags{1, kMaxTag};
    // Damage to a TVIEW that others read shows in them: the repair must cascade (tv_post ->
    // tv_feed -> tv_company_feed).
    static const std::vector<OperationTarget> targets{
        {"lin.tv_user_stats", "pk_user_stats", users, "kind = 'damaged'", "lin.tb_user"},
        {"lin.tv_post", "pk_post", posts, "data = jsonb_set(data, '{title}', '\"damaged\"')",
         "lin.tb_post"},
        {"lin.tv_post_comments", "pk_post_comments", posts, "n_comments = n_comments + 1000",
         "lin.tb_post"},
        {"lin.tv_company", "pk_company", companies, "active_users = active_users + 1000",
         "lin.tb_company"},
        {"lin.tv_tag", "pk_tag", tags, "n_posts = n_posts + 1000", "lin.tb_tag"},
        {"lin.tv_user", "pk_user", users, "data = jsonb_set(data, '{name}', '\"damaged\"')",
         "lin.tb_user"},
        {"lin.tv_comment", "pk_comment", comments, "likes = COALESCE(likes, 0) + 1000",
         "lin.tb_comment"},
        {"lin.tv_feed", "pk_feed", posts, "author = 'damaged'", ""},
        {"lin.tv_company_feed", "pk_company_feed", companies, "feed_posts = feed_posts + 1000", ""},
    };
    return targets;
}

const std::vector<CascadeTarget> &CascadeTargets()
{
    // tb_post_tag's primary key has two columns: pg_tviews_cascade() does not take it.
    static const std::vector<CascadeTarget> targets{
        {"lin.tb_company", {1, kMaxCompany}}, {"lin.tb_user", {1, kMaxUser}},
        {"lin.tb_post", {1, kMaxPost}},       {"lin.tb_comment", {1, kMaxComment}},
        {"lin.tb_tag", {1, kMaxTag}},
    };
    return targets;
}

std::vector<std::string> AfterTviewStatements()
{
    return {
        "CREATE INDEX ON lin.tv_post (fk_user)",
        "CREATE INDEX ON lin.tv_feed (fk_company)",
    };
}

std::vector<std::string> BaseTableStatements(Rng &rng)
{
    std::vector<std::string> sql{
        "CREATE TABLE lin.tb_company (pk_company int PRIMARY KEY, name text)",
        // No ON UPDATE actions: changing a referenced key fails with foreign_key_violation.
        "CREATE TABLE lin.tb_user (pk_user int PRIMARY KEY, fk_company int NOT NULL REFERENCES "
        "lin.tb_company ON DELETE CASCADE, name text, active boolean)",
        // note is read by no TVIEW.
        "CREATE TABLE lin.tb_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES "
        "lin.tb_user ON DELETE CASCADE, title text, score int, published boolean, note text)",
        "CREATE TABLE lin.tb_comment (pk_comment int PRIMARY KEY, fk_post int NOT NULL "
        "REFERENCES lin.tb_post ON DELETE CASCADE, fk_user int NOT NULL REFERENCES lin.tb_user "
        "ON DELETE CASCADE, body text, likes int)",
        "CREATE TABLE lin.tb_tag (pk_tag int PRIMARY KEY, name text)",
        "CREATE TABLE lin.tb_post_tag (fk_post int NOT NULL REFERENCES lin.tb_post ON DELETE "
        "CASCADE, fk_tag int NOT NULL REFERENCES lin.tb_tag ON DELETE CASCADE, PRIMARY KEY "
        "(fk_post, fk_tag))",
        "CREATE INDEX tb_user_fk_company ON lin.tb_user (fk_company)",
        "CREATE INDEX tb_post_fk_user ON lin.tb_post (fk_user)",
        "CREATE INDEX tb_comment_fk_post ON lin.tb_comment (fk_post)",
        "CREATE INDEX tb_comment_fk_user ON lin.tb_comment (fk_user)",
        "CREATE INDEX tb_post_tag_fk_tag ON lin.tb_post_tag (fk_tag)",
        // Read by tv_comment: TVIEWs may read base tables through views.
        "CREATE VIEW lin.v_user_company AS SELECT u.pk_user, u.name AS user_name, co.name AS "
        "company_name FROM lin.tb_user u JOIN lin.tb_company co ON co.pk_company = u.fk_company",
        // Runs statements with COMMIT or ROLLBACK between them, all inside one CALL.
        "CREATE PROCEDURE lin.run_steps(steps text[], endings text[]) LANGUAGE plpgsql AS $p$ "
        "BEGIN FOR i IN 1 .. cardinality(steps) LOOP EXECUTE steps[i]; IF endings[i] = 'commit' "
        "THEN COMMIT; ELSIF endings[i] = 'rollback' THEN ROLLBACK; END IF; END LOOP; END $p$",
    };

    // Parents first; every foreign key names an existing row.
    std::string companies;
    for (int k = 1; k <= kMaxCompany - 1; k++)
        companies += (companies.empty() ? "" : ", ") + SqlRow(CompanyRow(rng, k));
    sql.push_back("INSERT INTO lin.tb_company " + std::string(kCompanyColumns) + " VALUES " +
                  companies);

    std::vector<int> users;
    std::string user_rows;
    for (int k = 1; k <= kMaxUser; k++) {
        if (!rng.Percent(75) && k > 1) continue;
        users.push_back(k);
        std::vector<Value> row = UserRow(rng, k);
        row[1] = Int(rng.Int(1, kMaxCompany - 1));
        user_rows += (user_rows.empty() ? "" : ", ") + SqlRow(row);
    }
    sql.push_back("INSERT INTO lin.tb_user " + std::string(kUserColumns) + " VALUES " + user_rows);

    std::vector<int> posts;
    std::string post_rows;
    for (int k = 1; k <= kMaxPost; k++) {
        if (!rng.Percent(65) && k > 1) continue;
        posts.push_back(k);
        std::vector<Value> row = PostRow(rng, k);
        row[1] = Int(rng.Pick(users));
        post_rows += (post_rows.empty() ? "" : ", ") + SqlRow(row);
    }
    sql.push_back("INSERT INTO lin.tb_post " + std::string(kPostColumns) + " VALUES " + post_rows);

    std::string comment_rows;
    for (int k = 1; k <= kMaxComment; k++) {
        if (!rng.Percent(50)) continue;
        std::vector<Value> row = CommentRow(rng, k);
        row[1] = Int(rng.Pick(posts));
        row[2] = Int(rng.Pick(users));
        comment_rows += (comment_rows.empty() ? "" : ", ") + SqlRow(row);
    }
    if (!comment_rows.empty())
        sql.push_back("INSERT INTO lin.tb_comment " + std::string(kCommentColumns) + " VALUES " +
                      comment_rows);

    std::string tags;
    for (int k = 1; k <= kMaxTag - 1; k++)
        tags += (tags.empty() ? "" : ", ") + SqlRow(TagRow(rng, k));
    sql.push_back("INSERT INTO lin.tb_tag " + std::string(kTagColumns) + " VALUES " + tags);

    std::string links;
    for (int post : posts)
        for (int tag = 1; tag <= kMaxTag - 1; tag++)
            if (rng.Percent(20))
                links += (links.empty() ? "" : ", ") + SqlRow({Int(post), Int(tag)});
    if (!links.empty())
        sql.push_back("INSERT INTO lin.tb_post_tag " + std::string(kPostTagColumns) + " VALUES " +
                      links);
    return sql;
}

namespace {

Value PickText(Rng &rng, const std::vector<std::string> &choices, int null_percent)
{
    if (rng.Percent(null_percent)) return Null();
    return Text(rng.Pick(choices));
}

Value IntOrNull(Rng &rng, int lo, int hi, int null_percent)
{
    if (rng.Percent(null_percent)) return Null();
    return Int(rng.Int(lo, hi));
}

Value BoolOrNull(Rng &rng, int null_percent)
{
    if (rng.Percent(null_percent)) return Null();
    return Raw(rng.Percent(50) ? "true" : "false");
}

}  // namespace

Value CompanyName(Rng &rng)
{
    return PickText(rng, {"acme", "globex", "initech", "o'neil & co", "Ünïcorp", "hooli"}, 10);
}

Value UserName(Rng &rng)
{
    // Quotes, backslashes, tabs and non-ASCII exercise JSON and COPY escaping.
    return PickText(rng, {"ann", "bob", "cid", "dee", "Zoë", "a\\b", "tab\there", "eve"}, 5);
}

Value UserActive(Rng &rng)
{
    return BoolOrNull(rng, 10);
}

Value PostTitle(Rng &rng)
{
    return PickText(rng, {"hello", "sql", "json", "news", "draft", "\"quoted\"", "howto"}, 5);
}

Value PostScore(Rng &rng)
{
    return IntOrNull(rng, -2, 9, 10);
}

Value PostPublished(Rng &rng)
{
    return BoolOrNull(rng, 10);
}

Value PostNote(Rng &rng)
{
    return Text("note " + std::to_string(rng.Int(0, 999)));
}

Value CommentBody(Rng &rng)
{
    return PickText(rng, {"nice", "+1", "meh", "wrong", "thanks", ""}, 5);
}

Value CommentLikes(Rng &rng)
{
    return IntOrNull(rng, 0, 6, 10);
}

Value TagName(Rng &rng)
{
    return PickText(rng, {"c++", "sql", "json", "pg", "perf", "misc", "Sql"}, 5);
}

std::vector<Value> CompanyRow(Rng &rng, int key)
{
    return {Int(key), CompanyName(rng)};
}

std::vector<Value> UserRow(Rng &rng, int key)
{
    return {Int(key), Int(rng.Int(1, kMaxCompany)), UserName(rng), UserActive(rng)};
}

std::vector<Value> PostRow(Rng &rng, int key)
{
    return {Int(key),       Int(rng.Int(1, kMaxUser)), PostTitle(rng),
            PostScore(rng), PostPublished(rng),        PostNote(rng)};
}

std::vector<Value> CommentRow(Rng &rng, int key)
{
    return {Int(key), Int(rng.Int(1, kMaxPost)), Int(rng.Int(1, kMaxUser)), CommentBody(rng),
            CommentLikes(rng)};
}

std::vector<Value> TagRow(Rng &rng, int key)
{
    return {Int(key), TagName(rng)};
}

std::string Shifted(const std::string &column, int delta, int max)
{
    return "(" + column + " + " + std::to_string(delta + max - 1) + ") % " + std::to_string(max) +
           " + 1";
}

}  // namespace fuzz::lineage
