-- A GROUP BY TVIEW: one row per group of children, with count/sum/min/max/avg/FILTER/jsonb_agg;
-- children move between groups, groups appear and vanish.
CREATE TABLE tb_item (id int PRIMARY KEY, fk_order int, qty int, price numeric(10, 2), status text);
INSERT INTO tb_item VALUES
    (1, 1, 2, 10.00, 'open'), (2, 1, 1, 5.50, 'done'), (3, 2, 4, 1.25, 'open'),
    (4, 2, NULL, 2.00, 'done'), (5, 3, 1, 100.00, 'open');
CREATE TABLE tv_order AS
SELECT fk_order AS pk_order,
       count(*) AS items,
       count(qty) AS items_with_qty,
       sum(qty) AS total_qty,
       min(price) AS min_price,
       max(price) AS max_price,
       avg(price) AS avg_price,
       count(*) FILTER (WHERE status = 'open') AS open_items,
       jsonb_agg(id ORDER BY id) AS item_ids
  FROM tb_item
 WHERE fk_order IS NOT NULL
 GROUP BY fk_order;
SELECT oracle_register('tv_order', $$
SELECT fk_order AS pk_order, count(*) AS items, count(qty) AS items_with_qty, sum(qty) AS total_qty,
       min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price,
       count(*) FILTER (WHERE status = 'open') AS open_items, jsonb_agg(id ORDER BY id) AS item_ids
  FROM tb_item WHERE fk_order IS NOT NULL GROUP BY fk_order$$);
SELECT oracle_check();
SELECT * FROM tv_order ORDER BY pk_order;
SELECT pg_tviews_plan('tv_order')->>'key_column' AS key_column,
       pg_tviews_plan('tv_order')->>'key_unique' AS key_unique;

-- A new child in an existing group, a child starting a new group.
INSERT INTO tb_item VALUES (6, 1, 3, 7.00, 'open');
SELECT oracle_check();
INSERT INTO tb_item VALUES (7, 4, 1, 1.00, 'open');
SELECT oracle_check();
-- Aggregated values change.
UPDATE tb_item SET price = 0.50, status = 'done' WHERE id = 3;
SELECT oracle_check();
UPDATE tb_item SET qty = NULL WHERE fk_order = 1;
SELECT oracle_check();
SELECT * FROM tv_order ORDER BY pk_order;

-- A child moves between groups: both the old and the new group change.
UPDATE tb_item SET fk_order = 3 WHERE id = 1;
SELECT oracle_check();
SELECT pk_order, items, item_ids FROM tv_order ORDER BY pk_order;
-- The last child of a group moves away: the group's row vanishes.
UPDATE tb_item SET fk_order = 1 WHERE id = 7;
SELECT oracle_check();
SELECT pk_order, items, item_ids FROM tv_order ORDER BY pk_order;
-- The last child of a group is deleted.
DELETE FROM tb_item WHERE fk_order = 2;
SELECT oracle_check();
SELECT pk_order, items, item_ids FROM tv_order ORDER BY pk_order;
-- A child leaves through the WHERE clause (fk set to NULL), and comes back.
UPDATE tb_item SET fk_order = NULL WHERE id = 5;
SELECT oracle_check();
UPDATE tb_item SET fk_order = 5 WHERE id = 5;
SELECT oracle_check();
-- Many children re-pointed at once, including swaps between groups.
UPDATE tb_item SET fk_order = CASE fk_order WHEN 1 THEN 3 WHEN 3 THEN 1 ELSE fk_order END;
SELECT oracle_check();
SELECT * FROM tv_order ORDER BY pk_order;
-- Bulk insert into many groups.
INSERT INTO tb_item SELECT 100 + g, g % 7, g, g * 0.5, CASE WHEN g % 2 = 0 THEN 'open' ELSE 'done' END
  FROM generate_series(1, 50) g;
SELECT oracle_check();
-- In a transaction with a savepoint.
BEGIN;
DELETE FROM tb_item WHERE fk_order = 0;
SELECT oracle_check();
SAVEPOINT s;
UPDATE tb_item SET fk_order = 0 WHERE fk_order = 6;
SELECT oracle_check();
ROLLBACK TO SAVEPOINT s;
SELECT oracle_check();
COMMIT;
SELECT oracle_check();
SELECT pk_order, items, total_qty FROM tv_order ORDER BY pk_order;
-- Every child deleted: no groups left.
DELETE FROM tb_item;
SELECT oracle_check();
SELECT count(*) FROM tv_order;

-- HAVING: a group's presence depends on its own rows only.
INSERT INTO tb_item VALUES (1, 1, 1, 1, 'open'), (2, 1, 1, 1, 'open'), (3, 2, 1, 1, 'open');
CREATE TABLE tv_busy AS SELECT fk_order AS pk_busy, count(*) AS n FROM tb_item WHERE fk_order IS NOT NULL GROUP BY fk_order HAVING count(*) > 1;
SELECT oracle_register('tv_busy', 'SELECT fk_order AS pk_busy, count(*) AS n FROM tb_item WHERE fk_order IS NOT NULL GROUP BY fk_order HAVING count(*) > 1');
SELECT oracle_check();
INSERT INTO tb_item VALUES (4, 2, 1, 1, 'open');
SELECT oracle_check();
DELETE FROM tb_item WHERE id = 1;
SELECT oracle_check();
SELECT * FROM tv_busy ORDER BY pk_busy;

DROP TABLE tv_order, tv_busy;
DROP TABLE tb_item;
SELECT oracle_check();
