-- MERGE with INSERT, UPDATE and DELETE actions is reflected at the end of the statement.
CREATE TABLE tb_merge (pk_merge int PRIMARY KEY, v text, qty int);
INSERT INTO tb_merge VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3);
CREATE TABLE merge_src (id int, v text, qty int);
CREATE TABLE tv_merge AS SELECT pk_merge, v, qty FROM tb_merge WHERE qty > 0;
SELECT oracle_register('tv_merge', 'SELECT pk_merge, v, qty FROM tb_merge WHERE qty > 0');
SELECT oracle_check();

-- Each action alone.
MERGE INTO tb_merge t USING (VALUES (4, 'd', 4)) s(id, v, qty) ON t.pk_merge = s.id
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v, s.qty);
SELECT oracle_check();
MERGE INTO tb_merge t USING (VALUES (1, 'A')) s(id, v) ON t.pk_merge = s.id
  WHEN MATCHED THEN UPDATE SET v = s.v;
SELECT oracle_check();
MERGE INTO tb_merge t USING (VALUES (2)) s(id) ON t.pk_merge = s.id
  WHEN MATCHED THEN DELETE;
SELECT oracle_check();
SELECT * FROM tv_merge ORDER BY pk_merge;

-- All three actions in one statement.
INSERT INTO merge_src VALUES (1, 'AA', 10), (3, NULL, 0), (4, 'DD', -1), (5, 'e', 5), (6, 'f', 6);
MERGE INTO tb_merge t USING merge_src s ON t.pk_merge = s.id
  WHEN MATCHED AND s.qty < 0 THEN DELETE
  WHEN MATCHED THEN UPDATE SET v = coalesce(s.v, t.v), qty = s.qty
  WHEN NOT MATCHED AND s.id <> 6 THEN INSERT VALUES (s.id, s.v, s.qty)
  WHEN NOT MATCHED THEN DO NOTHING;
SELECT oracle_check();
SELECT * FROM tv_merge ORDER BY pk_merge;

-- A MERGE that matches nothing and does nothing.
MERGE INTO tb_merge t USING (VALUES (99)) s(id) ON t.pk_merge = s.id
  WHEN MATCHED THEN DELETE;
SELECT oracle_check();

-- MERGE inside a transaction, checked before and after ROLLBACK.
BEGIN;
MERGE INTO tb_merge t USING merge_src s ON t.pk_merge = s.id
  WHEN MATCHED THEN DELETE
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v, s.qty);
SELECT oracle_check();
SELECT * FROM tv_merge ORDER BY pk_merge;
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_merge ORDER BY pk_merge;

DROP TABLE tv_merge;
DROP TABLE merge_src, tb_merge;
SELECT oracle_check();
