-- Key uniqueness is proven from constraints where it can be (the refresh then needs no duplicate
-- guard), and otherwise checked on every refresh: a write that would repeat a key fails with
-- unique_violation and leaves the TVIEW as it was.
CREATE TABLE l56_org (pk_org int PRIMARY KEY, name text NOT NULL);
CREATE TABLE l56_user (pk_user int PRIMARY KEY, fk_org int NOT NULL REFERENCES l56_org, code int, name text);
CREATE TABLE l56_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES l56_user, title text);
CREATE TABLE l56_tag (pk_tag int PRIMARY KEY, name text);
CREATE TABLE l56_post_tag (fk_post int REFERENCES l56_post, fk_tag int REFERENCES l56_tag,
                           PRIMARY KEY (fk_post, fk_tag));
INSERT INTO l56_org VALUES (1, 'acme');
INSERT INTO l56_user VALUES (1, 1, 7, 'ann');
INSERT INTO l56_post VALUES (1, 1, 'one'), (2, 1, 'two');
INSERT INTO l56_tag VALUES (1, 'pg'), (2, 'cpp');
INSERT INTO l56_post_tag VALUES (1, 1);

-- Parents joined on their primary keys, inner or left: one row per post.
SELECT create_tview('tv_l56_parents', $$
    SELECT p.pk_post AS pk_l56_parents, u.name, o.name AS org
      FROM l56_post p JOIN l56_user u ON u.pk_user = p.fk_user
      LEFT JOIN l56_org o ON o.pk_org = u.fk_org$$);
-- A correlated subquery never multiplies rows.
SELECT create_tview('tv_l56_counted', $$
    SELECT p.pk_post AS pk_l56_counted,
           (SELECT count(*) FROM l56_post_tag pt WHERE pt.fk_post = p.pk_post) AS tags
      FROM l56_post p$$);
-- A link table and a join on a non-unique column can repeat a post.
SELECT create_tview('tv_l56_tagged', $$
    SELECT p.pk_post AS pk_l56_tagged, t.name
      FROM l56_post p JOIN l56_post_tag pt ON pt.fk_post = p.pk_post JOIN l56_tag t ON t.pk_tag = pt.fk_tag$$);
SELECT create_tview('tv_l56_by_code', $$
    SELECT p.pk_post AS pk_l56_by_code, u.name FROM l56_post p JOIN l56_user u ON u.code = p.fk_user$$);
SELECT v.tview, t.plan ->> 'key_unique' AS key_unique
  FROM pg_tviews v JOIN tviews_internal.tview t ON t.tview::text = v.tview
 WHERE v.tview LIKE 'tv_l56_%' ORDER BY 1;
SELECT oracle_check();

-- A second tag on post 1 would give tv_l56_tagged two rows for key 1.
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO l56_post_tag VALUES (1, 2);
\set VERBOSITY terse
SELECT oracle_check();
SELECT * FROM tv_l56_tagged ORDER BY 1;
-- Tagging post 2 instead is fine.
INSERT INTO l56_post_tag VALUES (2, 2);
SELECT oracle_check();
SELECT * FROM tv_l56_tagged ORDER BY 1;

DROP TABLE l56_post_tag, l56_tag, l56_post, l56_user, l56_org CASCADE;
