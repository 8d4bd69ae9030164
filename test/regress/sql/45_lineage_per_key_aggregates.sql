-- Per-key aggregates over children (count, sum, avg, min, max, count FILTER) with CASE and
-- COALESCE, in three shapes: LEFT JOIN + GROUP BY the parent key (a group that empties keeps its
-- row with zero/null aggregates), GROUP BY the child's foreign key (a group that empties loses
-- its row, and gets it back when refilled), and correlated scalar subqueries.
CREATE TABLE l45_product (pk_product int PRIMARY KEY, name text NOT NULL);
CREATE TABLE l45_review (
    pk_review  int PRIMARY KEY,
    fk_product int NOT NULL REFERENCES l45_product ON DELETE CASCADE,
    rating     int NOT NULL CHECK (rating BETWEEN 1 AND 5),
    helpful    int,
    verified   boolean NOT NULL DEFAULT false,
    note       text
);
CREATE INDEX ON l45_review (fk_product);
INSERT INTO l45_product VALUES (1, 'lamp'), (2, 'desk'), (3, 'chair');
INSERT INTO l45_review VALUES
    (1, 1, 5, 3, true), (2, 1, 4, NULL, false), (3, 1, 2, 1, true),
    (4, 2, 3, NULL, false), (5, 2, 3, NULL, true);

SELECT create_tview('tv_l45_product', $$
    SELECT p.pk_product AS pk_l45_product, p.name,
           count(r.pk_review) AS reviews,
           sum(r.rating) AS rating_sum,
           round(avg(r.rating), 2) AS rating_avg,
           min(r.rating) AS worst,
           max(r.rating) AS best,
           count(*) FILTER (WHERE r.verified) AS verified,
           coalesce(sum(r.helpful), 0) AS helpful,
           CASE WHEN count(r.pk_review) = 0 THEN 'none'
                WHEN avg(r.rating) >= 4 THEN 'good'
                ELSE 'mixed' END AS grade
      FROM l45_product p LEFT JOIN l45_review r ON r.fk_product = p.pk_product
     GROUP BY p.pk_product, p.name$$);
SELECT oracle_check();
SELECT create_tview('tv_l45_rated', $$
    SELECT r.fk_product AS pk_l45_rated, count(*) AS reviews, sum(r.rating) AS rating_sum,
           max(r.rating) - min(r.rating) AS spread,
           sum(CASE WHEN r.rating >= 4 THEN 1 ELSE 0 END) AS positive
      FROM l45_review r
     GROUP BY r.fk_product$$);
SELECT oracle_check();
SELECT create_tview('tv_l45_summary', $$
    SELECT p.pk_product AS pk_l45_summary,
           jsonb_build_object(
               'name', p.name,
               'reviews', (SELECT count(*) FROM l45_review r WHERE r.fk_product = p.pk_product),
               'avg', (SELECT round(avg(r.rating), 1) FROM l45_review r WHERE r.fk_product = p.pk_product),
               'helpful', coalesce((SELECT sum(r.helpful) FROM l45_review r
                                     WHERE r.fk_product = p.pk_product AND r.verified), 0)) AS data
      FROM l45_product p$$);
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;
SELECT * FROM tv_l45_summary ORDER BY pk_l45_summary;

-- A new extreme, a changed rating, a flag flipped, a null made non-null.
INSERT INTO l45_review VALUES (6, 2, 1, 10, true);
SELECT oracle_check();
UPDATE l45_review SET rating = 5 WHERE pk_review = 3;
SELECT oracle_check();
UPDATE l45_review SET verified = true WHERE pk_review = 2;
SELECT oracle_check();
UPDATE l45_review SET helpful = 7 WHERE pk_review = 4;
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;
SELECT * FROM tv_l45_summary ORDER BY pk_l45_summary;

-- A column no aggregate reads: no row of any of the three TVIEWs is rewritten.
CREATE TEMP TABLE l45_before AS
    SELECT 'product' AS tv, pk_l45_product AS k, xmin AS x FROM tv_l45_product
    UNION ALL SELECT 'rated', pk_l45_rated, xmin FROM tv_l45_rated
    UNION ALL SELECT 'summary', pk_l45_summary, xmin FROM tv_l45_summary;
UPDATE l45_review SET note = 'seen';
SELECT oracle_check();
SELECT count(*) AS rewritten FROM (
    SELECT 'product' AS tv, pk_l45_product AS k, xmin AS x FROM tv_l45_product
    UNION ALL SELECT 'rated', pk_l45_rated, xmin FROM tv_l45_rated
    UNION ALL SELECT 'summary', pk_l45_summary, xmin FROM tv_l45_summary) now
  JOIN l45_before b USING (tv, k) WHERE now.x <> b.x;

-- Moving the extreme review from desk to lamp changes both groups' min/max/spread.
UPDATE l45_review SET fk_product = 1 WHERE pk_review = 6;
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;

-- Emptying the desk's group: the LEFT JOIN shape keeps desk with count 0, null sum/avg/min/max,
-- coalesce 0 and grade 'none'; the child-keyed shape loses its row.
DELETE FROM l45_review WHERE fk_product = 2;
SELECT oracle_check();
SELECT * FROM tv_l45_product WHERE pk_l45_product = 2;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;
SELECT * FROM tv_l45_summary WHERE pk_l45_summary = 2;
-- Refilling it, and starting the chair's group, in one statement.
INSERT INTO l45_review VALUES (7, 2, 4, NULL, false), (8, 3, 5, 2, true), (9, 2, 5, 1, true);
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;
SELECT * FROM tv_l45_summary ORDER BY pk_l45_summary;

-- All groups at once: every rating shifted, then the table emptied and refilled in one
-- transaction, checked after each statement.
UPDATE l45_review SET rating = 6 - rating;
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
BEGIN;
DELETE FROM l45_review;
SELECT oracle_check();
SELECT count(*) AS rated_rows FROM tv_l45_rated;
INSERT INTO l45_review SELECT g, g % 3 + 1, g % 5 + 1, g, g % 2 = 0 FROM generate_series(1, 30) g;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT * FROM tv_l45_rated ORDER BY pk_l45_rated;
SELECT * FROM tv_l45_summary ORDER BY pk_l45_summary;
-- A parent deleted with its group (ON DELETE CASCADE), and TRUNCATE of the children.
DELETE FROM l45_product WHERE pk_product = 3;
SELECT oracle_check();
SELECT pk_l45_rated FROM tv_l45_rated ORDER BY pk_l45_rated;
TRUNCATE l45_review;
SELECT oracle_check();
SELECT * FROM tv_l45_product ORDER BY pk_l45_product;
SELECT count(*) AS rated_rows FROM tv_l45_rated;

DROP TABLE l45_before;
DROP TABLE tv_l45_product, tv_l45_rated, tv_l45_summary;
DROP TABLE l45_review, l45_product;
SELECT oracle_check();
