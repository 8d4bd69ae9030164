-- LEFT JOIN to optional parents: the key comes from the root table, so the root's foreign key
-- may be null or point to a parent that does not exist (yet). The document follows the parent
-- appearing, disappearing, changing its key, failing an extra ON condition, and a second hop
-- (company -> country) on the nullable side.
CREATE TABLE l41_country (pk_country int PRIMARY KEY, name text NOT NULL);
-- No FK constraint on purpose: the referenced company may appear after the user.
CREATE TABLE l41_company (
    pk_company int PRIMARY KEY,
    fk_country int,
    name       text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    revenue    int
);
CREATE INDEX ON l41_company (fk_country);
CREATE TABLE l41_team (pk_team int PRIMARY KEY, name text NOT NULL);
CREATE TABLE l41_user (
    pk_user    int PRIMARY KEY,
    fk_company int,
    fk_team    int REFERENCES l41_team ON DELETE SET NULL,
    name       text NOT NULL
);
CREATE INDEX ON l41_user (fk_company);
CREATE INDEX ON l41_user (fk_team);
INSERT INTO l41_country VALUES (1, 'France'), (2, 'Peru');
INSERT INTO l41_company VALUES (1, 1, 'acme', true, 10), (2, NULL, 'globex', true, 20), (3, 2, 'initech', false, 30);
INSERT INTO l41_team VALUES (1, 'red'), (2, 'blue');
INSERT INTO l41_user VALUES (1, 1, 1, 'ann'), (2, 2, NULL, 'bob'), (3, NULL, 2, 'cid'), (4, 5, 1, 'dan'), (5, 3, NULL, 'eve');

-- The company only counts when active (a condition in the ON clause, on the nullable side).
SELECT create_tview('tv_l41_user', $$
    SELECT u.pk_user AS pk_l41_user, u.fk_company,
           jsonb_build_object(
               'name', u.name,
               'company', CASE WHEN c.pk_company IS NULL THEN NULL
                               ELSE jsonb_build_object('name', c.name, 'country', co.name) END,
               'team', t.name) AS data
      FROM l41_user u
      LEFT JOIN l41_company c ON c.pk_company = u.fk_company AND c.active
      LEFT JOIN l41_country co ON co.pk_country = c.fk_country
      LEFT JOIN l41_team t ON t.pk_team = u.fk_team$$);
SELECT oracle_check();
SELECT * FROM tv_l41_user ORDER BY pk_l41_user;

-- The missing company 5 appears: dan's document gains it.
INSERT INTO l41_company VALUES (5, 2, 'hooli', true, 50);
SELECT oracle_check();
SELECT pk_l41_user, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;
-- A user gets a company, another loses hers, a third points to a missing one.
UPDATE l41_user SET fk_company = 1 WHERE pk_user = 3;
SELECT oracle_check();
UPDATE l41_user SET fk_company = NULL WHERE pk_user = 1;
SELECT oracle_check();
UPDATE l41_user SET fk_company = 99 WHERE pk_user = 2;
SELECT oracle_check();
SELECT pk_l41_user, fk_company, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;

-- The ON condition: initech becomes active (eve gains it), acme inactive (cid loses it).
UPDATE l41_company SET active = NOT active WHERE pk_company IN (1, 3);
SELECT oracle_check();
SELECT pk_l41_user, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;
-- A column the definition does not read: no TVIEW row rewritten.
CREATE TEMP TABLE l41_before AS SELECT pk_l41_user, xmin AS x FROM tv_l41_user;
UPDATE l41_company SET revenue = revenue + 1;
SELECT oracle_check();
SELECT count(*) AS rewritten FROM tv_l41_user t JOIN l41_before b USING (pk_l41_user) WHERE t.xmin <> b.x;

-- Second hop on the nullable side: the country of hooli changes, then is renamed, then vanishes.
UPDATE l41_company SET fk_country = 1 WHERE pk_company = 5;
SELECT oracle_check();
UPDATE l41_country SET name = 'République française' WHERE pk_country = 1;
SELECT oracle_check();
SELECT pk_l41_user, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;
DELETE FROM l41_country WHERE pk_country = 1;
SELECT oracle_check();
SELECT pk_l41_user, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;
-- It comes back under another key, then takes the old key again.
INSERT INTO l41_country VALUES (7, 'France');
SELECT oracle_check();
UPDATE l41_country SET pk_country = 1 WHERE pk_country = 7;
SELECT oracle_check();
SELECT pk_l41_user, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;

-- A parent key change: hooli becomes company 6, so dan (fk_company 5) loses it.
-- Then globex takes key 99, which bob points to: bob gains globex.
UPDATE l41_company SET pk_company = 6 WHERE pk_company = 5;
SELECT oracle_check();
UPDATE l41_company SET pk_company = 99 WHERE pk_company = 2;
SELECT oracle_check();
SELECT pk_l41_user, fk_company, data->'company' AS company FROM tv_l41_user ORDER BY pk_l41_user;

-- Parent deleted: the document keeps the user with a null company.
DELETE FROM l41_company WHERE pk_company = 99;
SELECT oracle_check();
-- ON DELETE SET NULL on the team: the cascaded update of the users is maintained.
DELETE FROM l41_team WHERE pk_team = 1;
SELECT oracle_check();
SELECT * FROM tv_l41_user ORDER BY pk_l41_user;

-- A root row whose every parent is missing, and its removal.
INSERT INTO l41_user VALUES (6, 42, NULL, 'fay');
SELECT oracle_check();
SELECT * FROM tv_l41_user WHERE pk_l41_user = 6;
DELETE FROM l41_user WHERE pk_user = 6;
SELECT oracle_check();

-- All parents at once: TRUNCATE of the company table (no FK points to it).
TRUNCATE l41_company;
SELECT oracle_check();
SELECT * FROM tv_l41_user ORDER BY pk_l41_user;
INSERT INTO l41_company VALUES (1, 2, 'acme', true, 1), (3, NULL, 'initech', true, 3);
SELECT oracle_check();
SELECT * FROM tv_l41_user ORDER BY pk_l41_user;

DROP TABLE l41_before;
DROP TABLE tv_l41_user;
DROP TABLE l41_user, l41_team, l41_company, l41_country;
SELECT oracle_check();
