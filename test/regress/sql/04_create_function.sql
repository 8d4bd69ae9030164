-- pg_tviews_create() accepts the bare entity, the tv_ table name, or a schema-qualified name.
CREATE SCHEMA fn_schema;
CREATE TABLE tb_fn (pk_fn int PRIMARY KEY, v text);
INSERT INTO tb_fn VALUES (1, 'a'), (2, 'b');

-- Bare entity: creates tv_fn1 keyed by pk_fn1.
SELECT pg_tviews_create('fn1', 'SELECT pk_fn AS pk_fn1, v FROM tb_fn');
SELECT oracle_register('tv_fn1', 'SELECT pk_fn AS pk_fn1, v FROM tb_fn');
-- Table name with the prefix.
SELECT pg_tviews_create('tv_fn2', 'SELECT pk_fn AS pk_fn2, v || v AS vv FROM tb_fn');
SELECT oracle_register('tv_fn2', 'SELECT pk_fn AS pk_fn2, v || v AS vv FROM tb_fn');
-- Schema-qualified: the TVIEW lives in that schema, whatever the search_path.
SELECT pg_tviews_create('fn_schema.tv_fn3', 'SELECT pk_fn AS pk_fn3, upper(v) AS v FROM public.tb_fn');
SELECT oracle_register('fn_schema.tv_fn3', 'SELECT pk_fn AS pk_fn3, upper(v) AS v FROM public.tb_fn');
-- Schema-qualified bare entity.
SELECT pg_tviews_create('fn_schema.fn4', 'SELECT pk_fn AS pk_fn4 FROM public.tb_fn WHERE v <> ''b''');
SELECT oracle_register('fn_schema.tv_fn4', 'SELECT pk_fn AS pk_fn4 FROM public.tb_fn WHERE v <> ''b''');
SELECT oracle_check();

SELECT tview, entity, key_column FROM pg_tviews WHERE entity LIKE 'fn_' ORDER BY tview;
SELECT c.oid::regclass AS tview, n.nspname AS schema
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname LIKE 'tv\_fn_' AND c.relkind = 'r'
 ORDER BY n.nspname, c.relname;

-- Every spelling resolves to the same TVIEW.
SELECT pg_tviews_resolve('fn1') AS bare, pg_tviews_resolve('tv_fn1') AS prefixed,
       pg_tviews_resolve('public.tv_fn1') AS qualified;
SELECT pg_tviews_resolve('fn_schema.fn3') AS bare, pg_tviews_resolve('fn_schema.tv_fn3') AS qualified;

INSERT INTO tb_fn VALUES (3, 'c');
SELECT oracle_check();
UPDATE tb_fn SET v = 'b' WHERE pk_fn = 1;
SELECT oracle_check();
DELETE FROM tb_fn WHERE pk_fn = 2;
SELECT oracle_check();
SELECT * FROM fn_schema.tv_fn3 ORDER BY pk_fn3;
SELECT * FROM fn_schema.tv_fn4 ORDER BY pk_fn4;

-- The schema-qualified TVIEW is maintained under any search_path.
SET search_path = fn_schema;
INSERT INTO public.tb_fn VALUES (4, 'd');
RESET search_path;
SELECT oracle_check();

SELECT pg_tviews_drop('fn1');
SELECT pg_tviews_drop('tv_fn2');
SELECT pg_tviews_drop('fn_schema.tv_fn3');
SELECT pg_tviews_drop('fn_schema.fn4');
DROP TABLE tb_fn;
DROP SCHEMA fn_schema;
SELECT oracle_check();
