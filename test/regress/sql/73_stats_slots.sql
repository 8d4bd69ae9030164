-- Statistics live in a fixed shared table (4,096 TVIEWs across databases): a dropped TVIEW's
-- slot is freed when its drop commits, not leaked toward the cap.
CREATE TABLE tb_slot (pk_slot int PRIMARY KEY, v int);
CREATE TABLE tv_slot1 AS SELECT pk_slot AS pk_slot1, v FROM tb_slot;
CREATE TABLE tv_slot2 AS SELECT pk_slot AS pk_slot2, v FROM tb_slot;
CREATE TABLE tv_slot3 AS SELECT pk_slot AS pk_slot3, v FROM tb_slot;
SELECT used AS before FROM tviews_internal.stats_slots() \gset
INSERT INTO tb_slot VALUES (1, 1);  -- each TVIEW records its first refresh
SELECT used - :before AS added, capacity FROM tviews_internal.stats_slots();

-- A rolled-back drop keeps the slot.
BEGIN;
DROP TABLE tv_slot1;
ROLLBACK;
SELECT used - :before AS added FROM tviews_internal.stats_slots();

DROP TABLE tv_slot1;
SELECT used - :before AS added FROM tviews_internal.stats_slots();

-- Every way a TVIEW disappears goes through the catalog: DROP of several, DROP SCHEMA CASCADE.
CREATE SCHEMA slots;
CREATE TABLE slots.tv_slot4 AS SELECT pk_slot AS pk_slot4, v FROM tb_slot;
UPDATE tb_slot SET v = 2;
SELECT used - :before AS added FROM tviews_internal.stats_slots();
DROP TABLE tv_slot2, tv_slot3;
SET client_min_messages = warning;
DROP SCHEMA slots CASCADE;
RESET client_min_messages;
SELECT used - :before AS added FROM tviews_internal.stats_slots();
DROP TABLE tb_slot;
