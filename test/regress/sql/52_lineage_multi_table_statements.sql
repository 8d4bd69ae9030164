-- Statements and transactions that touch parent and child tables together: writable CTEs
-- chaining several tables, MERGE whose deletes cascade to children, ROLLBACK TO SAVEPOINT in
-- the middle of multi-table changes (also after a failed statement), and mutation functions
-- that write a child and return the parent's fresh document.
CREATE TABLE l52_user (pk_user int PRIMARY KEY, name text NOT NULL);
CREATE TABLE l52_post (
    pk_post int PRIMARY KEY,
    fk_user int NOT NULL REFERENCES l52_user ON DELETE CASCADE,
    title   text NOT NULL
);
CREATE INDEX ON l52_post (fk_user);
CREATE TABLE l52_comment (
    pk_comment int PRIMARY KEY,
    fk_post    int NOT NULL REFERENCES l52_post ON DELETE CASCADE,
    fk_user    int NOT NULL REFERENCES l52_user ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX ON l52_comment (fk_post);
CREATE INDEX ON l52_comment (fk_user);
INSERT INTO l52_user VALUES (1, 'ann'), (2, 'bob'), (3, 'cid');
INSERT INTO l52_post VALUES (1, 1, 'p1'), (2, 2, 'p2'), (3, 3, 'p3');
INSERT INTO l52_comment VALUES (1, 1, 2, 'bob on p1'), (2, 1, 3, 'cid on p1'), (3, 2, 1, 'ann on p2');

SELECT create_tview('tv_l52_post', $$
    SELECT p.pk_post AS pk_l52_post,
           jsonb_build_object(
               'title', p.title,
               'author', u.name,
               'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('body', c.body, 'by', cu.name)
                                                      ORDER BY c.pk_comment), '[]')
                              FROM l52_comment c JOIN l52_user cu ON cu.pk_user = c.fk_user
                             WHERE c.fk_post = p.pk_post)) AS data
      FROM l52_post p JOIN l52_user u ON u.pk_user = p.fk_user$$);
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;

-- One statement: move a comment to post 2 and rename its author.
WITH moved AS (UPDATE l52_comment SET fk_post = 2 WHERE pk_comment = 1 RETURNING fk_user)
UPDATE l52_user SET name = 'Bob' WHERE pk_user IN (SELECT fk_user FROM moved);
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
-- One statement: a new user, her post and a comment on it, chained through RETURNING.
WITH new_user AS (INSERT INTO l52_user VALUES (4, 'dan') RETURNING pk_user),
     new_post AS (INSERT INTO l52_post SELECT 4, pk_user, 'p4' FROM new_user RETURNING pk_post, fk_user)
INSERT INTO l52_comment SELECT 4, pk_post, fk_user, 'dan on his own p4' FROM new_post;
SELECT oracle_check();
SELECT * FROM tv_l52_post WHERE pk_l52_post = 4;
-- One statement: delete a comment, rename the post it was on and the post's author.
WITH gone AS (DELETE FROM l52_comment WHERE pk_comment = 2 RETURNING fk_post),
     retitled AS (UPDATE l52_post SET title = title || ' (edited)' WHERE pk_post IN (SELECT fk_post FROM gone)
                  RETURNING fk_user)
UPDATE l52_user SET name = upper(name) WHERE pk_user IN (SELECT fk_user FROM retitled);
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;

-- MERGE into the users: one renamed, one deleted (its posts and comments cascade), one new.
MERGE INTO l52_user u
USING (VALUES (2, 'bobby', false), (3, NULL, true), (5, 'eve', false)) AS s(pk_user, name, drop_it)
   ON u.pk_user = s.pk_user
 WHEN MATCHED AND s.drop_it THEN DELETE
 WHEN MATCHED THEN UPDATE SET name = s.name
 WHEN NOT MATCHED THEN INSERT VALUES (s.pk_user, s.name);
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
-- MERGE into the comments: insert on one post, update (and move) another, delete a third.
MERGE INTO l52_comment c
USING (VALUES (3, 4, 5, 'eve moved it to p4', false), (4, NULL, NULL, NULL, true), (6, 1, 5, 'eve on p1', false))
      AS s(pk_comment, fk_post, fk_user, body, drop_it)
   ON c.pk_comment = s.pk_comment
 WHEN MATCHED AND s.drop_it THEN DELETE
 WHEN MATCHED THEN UPDATE SET fk_post = s.fk_post, fk_user = s.fk_user, body = s.body
 WHEN NOT MATCHED THEN INSERT VALUES (s.pk_comment, s.fk_post, s.fk_user, s.body);
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;

-- Savepoints in the middle of multi-table changes.
BEGIN;
UPDATE l52_user SET name = 'Ann' WHERE pk_user = 1;
SELECT oracle_check();
SAVEPOINT a;
INSERT INTO l52_comment VALUES (7, 2, 4, 'dan on p2');
SELECT oracle_check();
UPDATE l52_post SET fk_user = 4 WHERE pk_post = 1;
SELECT oracle_check();
SAVEPOINT b;
DELETE FROM l52_user WHERE pk_user = 5;
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
ROLLBACK TO SAVEPOINT b;
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
-- A failed statement (the second row violates the foreign key) leaves no trace of its first row.
INSERT INTO l52_comment VALUES (8, 2, 1, 'would be fine'), (9, 99, 1, 'no such post');
ROLLBACK TO SAVEPOINT b;
SELECT oracle_check();
UPDATE l52_user SET name = 'Dan' WHERE pk_user = 4;
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
ROLLBACK TO SAVEPOINT a;
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;
RELEASE SAVEPOINT a;
INSERT INTO l52_comment VALUES (10, 4, 1, 'Ann on p4');
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;

-- A mutation function: writes a comment and returns the post's document, which already
-- contains it (read-your-writes inside the function).
CREATE FUNCTION l52_add_comment(post int, author int, body text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    id int;
BEGIN
    SELECT coalesce(max(pk_comment), 0) + 1 INTO id FROM l52_comment;
    INSERT INTO l52_comment VALUES (id, post, author, body);
    RETURN (SELECT data FROM tv_l52_post WHERE pk_l52_post = post);
END $$;
SELECT l52_add_comment(1, 4, 'dan on p1');
SELECT oracle_check();
-- Several calls in one statement: each sees the comments of the calls before it.
SELECT g, jsonb_array_length(l52_add_comment(2, 1, 'ann #' || g)->'comments') AS comments_after
  FROM generate_series(1, 3) g ORDER BY g;
SELECT oracle_check();
-- Writes to the parent and to the child, then the document.
CREATE FUNCTION l52_rename_and_comment(usr int, new_name text, post int) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE l52_user SET name = new_name WHERE pk_user = usr;
    PERFORM l52_add_comment(post, usr, new_name || ' was here');
    RETURN (SELECT data FROM tv_l52_post WHERE pk_l52_post = post);
END $$;
SELECT l52_rename_and_comment(5, 'Eve', 1);
SELECT oracle_check();
-- A function whose write fails after it has read the fresh document: nothing remains.
CREATE FUNCTION l52_add_then_fail(post int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb;
BEGIN
    doc := l52_add_comment(post, 1, 'doomed');
    RAISE EXCEPTION 'failing after %', jsonb_array_length(doc->'comments');
END $$;
\set SHOW_CONTEXT never
SELECT l52_add_then_fail(4);
\set SHOW_CONTEXT errors
SELECT oracle_check();
SELECT count(*) AS doomed FROM l52_comment WHERE body = 'doomed';
SELECT * FROM tv_l52_post ORDER BY pk_l52_post;

DROP FUNCTION l52_add_then_fail(int);
DROP FUNCTION l52_rename_and_comment(int, text, int);
DROP FUNCTION l52_add_comment(int, int, text);
DROP TABLE tv_l52_post;
DROP TABLE l52_comment, l52_post, l52_user;
SELECT oracle_check();
