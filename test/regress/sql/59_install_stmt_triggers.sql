-- pg_tviews_install_stmt_triggers() restores capture triggers lost by hand, is idempotent, and
-- returns how many it created; a full refresh then repairs what was missed meanwhile.
CREATE TABLE l59_item (pk_l59_item int PRIMARY KEY, v int NOT NULL);
INSERT INTO l59_item VALUES (1, 1);
SELECT create_tview('tv_l59_item', 'SELECT i.pk_l59_item, i.v FROM l59_item i');
SELECT pg_tviews_install_stmt_triggers() AS created;

DROP TRIGGER pg_tviews_capture_update ON l59_item;
DROP TRIGGER pg_tviews_capture_insert ON l59_item;
UPDATE l59_item SET v = 2;          -- not captured: the TVIEW is stale now
SELECT oracle_check();
SELECT pg_tviews_install_stmt_triggers() AS created;
SELECT capture_triggers('l59_item');
SELECT pg_tviews_refresh('tv_l59_item') AS refreshed;
SELECT oracle_check();
INSERT INTO l59_item VALUES (2, 20);
UPDATE l59_item SET v = v + 1;
SELECT oracle_check();
SELECT pg_tviews_install_stmt_triggers() AS created;

DROP TABLE l59_item CASCADE;
