-- DDL on a base table that keeps the TVIEW valid must keep it maintained: dropping or adding a
-- column is not dropping the table. And the extension's functions work under any search_path.
CREATE TABLE l55_item (pk_l55_item int PRIMARY KEY, v int, spare int);
INSERT INTO l55_item VALUES (1, 10, 0);
SELECT create_tview('tv_l55_item', 'SELECT i.pk_l55_item, i.v FROM l55_item i');
SELECT capture_triggers('l55_item');

ALTER TABLE l55_item DROP COLUMN spare;
SELECT capture_triggers('l55_item');
SELECT count(*) AS sources FROM tviews_internal.source WHERE base = 'l55_item'::regclass;
INSERT INTO l55_item VALUES (2, 20);
SELECT oracle_check();
ALTER TABLE l55_item ADD COLUMN extra text;
UPDATE l55_item SET v = v + 1, extra = 'x';
SELECT oracle_check();
SELECT * FROM tv_l55_item ORDER BY 1;

-- The extension's own functions find each other with the extension schema off the path.
SET search_path = pg_catalog;
SELECT public.pg_tviews_plan('public.tv_l55_item') ->> 'key_column' AS key_column;
ALTER TABLE public.l55_item DROP COLUMN extra;
INSERT INTO public.l55_item VALUES (3, 30);
SELECT public.pg_tviews_verify('public.tv_l55_item');
RESET search_path;
SELECT oracle_check();
SET search_path = pg_catalog;
SELECT public.pg_tviews_drop('public.tv_l55_item');
RESET search_path;
SELECT capture_triggers('l55_item');
SELECT count(*) AS catalog_rows FROM pg_tviews WHERE tview = 'tv_l55_item';
DROP TABLE l55_item;
