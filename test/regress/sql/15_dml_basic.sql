-- INSERT, UPDATE and DELETE on the base table are reflected at the end of each statement.
CREATE TABLE tb_dml (pk_dml int PRIMARY KEY, title text, tags text[], price numeric(10, 2));
CREATE TABLE tv_dml AS
SELECT pk_dml, jsonb_build_object('title', title, 'tags', tags, 'price', price) AS data, price
  FROM tb_dml;
SELECT oracle_register('tv_dml',
    $$SELECT pk_dml, jsonb_build_object('title', title, 'tags', tags, 'price', price) AS data, price FROM tb_dml$$);
SELECT oracle_check();
SELECT count(*) FROM tv_dml;

-- Single and multi-row inserts.
INSERT INTO tb_dml VALUES (1, 'one', '{a}', 1.50);
SELECT oracle_check();
INSERT INTO tb_dml SELECT g, 'row ' || g, ARRAY['t' || g], g * 1.25 FROM generate_series(2, 50) g;
SELECT oracle_check();
INSERT INTO tb_dml VALUES (51, NULL, NULL, NULL);
SELECT oracle_check();
SELECT * FROM tv_dml WHERE pk_dml IN (1, 2, 51) ORDER BY pk_dml;

-- Updates: one row, many rows, to NULL and back, a no-op update.
UPDATE tb_dml SET title = 'uno' WHERE pk_dml = 1;
SELECT oracle_check();
UPDATE tb_dml SET price = price * 2 WHERE pk_dml % 3 = 0;
SELECT oracle_check();
UPDATE tb_dml SET title = NULL WHERE pk_dml = 2;
SELECT oracle_check();
UPDATE tb_dml SET title = 'two' WHERE pk_dml = 2;
SELECT oracle_check();
UPDATE tb_dml SET title = title WHERE pk_dml <= 10;
SELECT oracle_check();
UPDATE tb_dml SET tags = tags || 'extra'::text;
SELECT oracle_check();
UPDATE tb_dml SET title = 'nothing' WHERE false;
SELECT oracle_check();
SELECT * FROM tv_dml WHERE pk_dml IN (1, 2, 3) ORDER BY pk_dml;

-- Deletes: one row, many rows, none.
DELETE FROM tb_dml WHERE pk_dml = 1;
SELECT oracle_check();
DELETE FROM tb_dml WHERE pk_dml > 40;
SELECT oracle_check();
DELETE FROM tb_dml WHERE pk_dml = 1000;
SELECT oracle_check();
SELECT count(*), min(pk_dml), max(pk_dml) FROM tv_dml;

-- RETURNING and UPDATE ... FROM.
INSERT INTO tb_dml VALUES (100, 'hundred', '{}', 100) RETURNING pk_dml;
SELECT oracle_check();
CREATE TABLE dml_prices (pk int, price numeric);
INSERT INTO dml_prices VALUES (2, 0.5), (3, 0.75), (100, 99);
UPDATE tb_dml d SET price = p.price FROM dml_prices p WHERE p.pk = d.pk_dml;
SELECT oracle_check();
DELETE FROM tb_dml d USING dml_prices p WHERE p.pk = d.pk_dml AND p.price < 1;
SELECT oracle_check();
SELECT * FROM tv_dml WHERE pk_dml IN (2, 3, 100) ORDER BY pk_dml;

-- Everything deleted.
DELETE FROM tb_dml;
SELECT oracle_check();
SELECT count(*) FROM tv_dml;

DROP TABLE dml_prices;
DROP TABLE tv_dml;
DROP TABLE tb_dml;
SELECT oracle_check();
