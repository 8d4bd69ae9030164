-- Suspend and resume: a suspended TVIEW keeps its rows while the keys its refreshes would have
-- recomputed wait in the backlog (pg_tviews_get_queue); resume catches up in dependency order.
-- The oracle names exactly the suspended TVIEWs as diverged while they are suspended.
CREATE TABLE tb_l63_author (pk_l63_author int PRIMARY KEY, name text NOT NULL);
CREATE TABLE tb_l63_post (pk_l63_post int PRIMARY KEY,
                          fk_author int NOT NULL REFERENCES tb_l63_author, title text NOT NULL);
CREATE INDEX ON tb_l63_post (fk_author);
INSERT INTO tb_l63_author VALUES (1, 'ann'), (2, 'bob');
INSERT INTO tb_l63_post VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
SELECT create_tview('tv_l63_post', $$
    SELECT p.pk_l63_post, jsonb_build_object('title', p.title, 'author', a.name) AS data
      FROM tb_l63_post p JOIN tb_l63_author a ON a.pk_l63_author = p.fk_author$$);
SELECT create_tview('tv_l63_author', $$
    SELECT a.pk_l63_author,
           (SELECT jsonb_agg(tp.data ORDER BY tp.pk_l63_post) FROM tv_l63_post tp
              JOIN tb_l63_post p ON p.pk_l63_post = tp.pk_l63_post
             WHERE p.fk_author = a.pk_l63_author) AS posts
      FROM tb_l63_author a$$);
SELECT oracle_check();

-- Suspend one TVIEW by its bare entity name; suspending it again changes nothing.
SELECT pg_tviews_suspend('l63_post') AS suspended;
SELECT pg_tviews_suspend('tv_l63_post') AS suspended_again;
UPDATE tb_l63_author SET name = 'Ann' WHERE pk_l63_author = 1;
UPDATE tb_l63_post SET title = 'c2' WHERE pk_l63_post = 3;
-- tv_l63_post is behind; tv_l63_author equals its definition over tv_l63_post as it stands.
SELECT oracle_check();
SELECT entity_name, key, reason, suspended, entry_age >= '0' AS aged
  FROM pg_tviews_get_queue() ORDER BY entity_name, key;
SELECT entity_name, status, suspended, stale, queued_keys
  FROM pg_tviews_metadata WHERE entity LIKE 'l63%' ORDER BY entity_name;

-- Work of a rolled-back savepoint is not remembered.
BEGIN;
SAVEPOINT s;
UPDATE tb_l63_post SET title = 'gone' WHERE pk_l63_post = 2;
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT count(*) AS backlog FROM pg_tviews_get_queue() WHERE entity_name = 'tv_l63_post';

-- Partial refreshes of a suspended TVIEW are refused; a forced full refresh is not, and the
-- TVIEW stays suspended with an empty backlog.
\set VERBOSITY default
SELECT pg_tviews_refresh('tv_l63_post');
\set VERBOSITY terse
SELECT error_of($$SELECT pg_tviews_refresh('tv_l63_post')$$);
SELECT error_of($$SELECT pg_tviews_refresh('tv_l63_post', 1)$$);
SELECT error_of($$SELECT pg_tviews_refresh_row('tv_l63_post', 1)$$);
SELECT error_of($$SELECT pg_tviews_refresh_range('tv_l63_post', 1, 2)$$);
SELECT pg_tviews_refresh('tv_l63_post', force => true) AS rows;
SELECT oracle_check();
SELECT entity_name, status, queued_keys FROM pg_tviews_metadata WHERE entity = 'l63_post';

-- Suspend everything.
SELECT pg_tviews_suspend() >= 1 AS suspended_all;
INSERT INTO tb_l63_author VALUES (3, 'cid');
INSERT INTO tb_l63_post VALUES (4, 3, 'd');
DELETE FROM tb_l63_post WHERE pk_l63_post = 1;
SELECT entity_name, key FROM pg_tviews_get_queue() WHERE entity_name LIKE 'tv_l63%'
 ORDER BY entity_name, key;
-- Resuming the reader first catches it up over the parent's current rows; the parent stays
-- suspended, and the oracle still names it.
SELECT pg_tviews_resume('tv_l63_author') AS caught_up;
SELECT oracle_check();
-- Resuming the parent refreshes it and then, in the same flush, its reader.
SELECT pg_tviews_resume('tv_l63_post') AS caught_up;
SELECT oracle_check();
SELECT count(*) AS backlog FROM pg_tviews_get_queue() WHERE entity_name LIKE 'tv_l63%';

-- Both suspended again; a TRUNCATE while suspended is remembered as the whole TVIEW (NULL key).
-- Resuming all catches both up in one dependency-ordered flush.
SELECT pg_tviews_suspend('tv_l63_post') + pg_tviews_suspend('tv_l63_author') AS suspended;
TRUNCATE tb_l63_post;
INSERT INTO tb_l63_post VALUES (10, 1, 'x'), (11, 2, 'y');
SELECT entity_name, key FROM pg_tviews_get_queue() WHERE entity_name LIKE 'tv_l63%'
 ORDER BY entity_name, key;
SELECT pg_tviews_resume() AS caught_up;
SELECT oracle_check();
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity LIKE 'l63%' ORDER BY 1;

-- A suspension is transactional: rolled back, it never happened.
BEGIN;
SELECT pg_tviews_suspend('tv_l63_post');
UPDATE tb_l63_post SET title = 'z' WHERE pk_l63_post = 10;
ROLLBACK;
SELECT entity_name, status FROM pg_tviews_metadata WHERE entity = 'l63_post';
SELECT oracle_check();

-- Dropping a suspended TVIEW takes its backlog with it.
SELECT pg_tviews_suspend('tv_l63_author');
UPDATE tb_l63_author SET name = 'bo' WHERE pk_l63_author = 2;
SELECT pg_tviews_drop('tv_l63_author');
SELECT count(*) AS backlog_left FROM tviews_internal.backlog;

-- Errors.
SELECT error_of($$SELECT pg_tviews_suspend('tv_l63_nothing')$$);
SELECT error_of($$SELECT pg_tviews_resume('tv_l63_nothing')$$);

DROP TABLE tb_l63_post, tb_l63_author CASCADE;
