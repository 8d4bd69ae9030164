-- Renaming a column a TVIEW reads would detach it from the lineage derived at creation: refused,
-- with the way out in the hint. Columns no TVIEW reads rename freely; changing a read column's
-- type is refused by PostgreSQL itself (the definition view uses it).
CREATE TABLE l57_user (pk_user int PRIMARY KEY, name text NOT NULL, note text);
CREATE TABLE l57_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES l57_user, title text, draft text);
INSERT INTO l57_user VALUES (1, 'ann', 'x');
INSERT INTO l57_post VALUES (1, 1, 'one', 'd');
SELECT create_tview('tv_l57_post', $$
    SELECT p.pk_post AS pk_l57_post, jsonb_build_object('title', p.title, 'author', u.name) AS data
      FROM l57_post p JOIN l57_user u ON u.pk_user = p.fk_user$$);

\set VERBOSITY default
ALTER TABLE l57_post RENAME COLUMN title TO headline;   -- read by the definition
ALTER TABLE l57_post RENAME COLUMN fk_user TO fk_author; -- the hop from l57_user
ALTER TABLE l57_user RENAME COLUMN name TO full_name;    -- read through the join
ALTER TABLE tv_l57_post RENAME COLUMN data TO doc;       -- the TVIEW's own column
ALTER TABLE l57_post ALTER COLUMN title TYPE varchar(10);
\set VERBOSITY terse
ALTER TABLE l57_post RENAME COLUMN draft TO sketch;      -- unread: fine
ALTER TABLE l57_user RENAME COLUMN note TO remark;       -- unread: fine
UPDATE l57_user SET name = 'ANN', remark = 'y';
UPDATE l57_post SET title = 'uno', sketch = 'e';
SELECT oracle_check();
SELECT data FROM tv_l57_post ORDER BY 1;

DROP TABLE l57_post, l57_user CASCADE;
