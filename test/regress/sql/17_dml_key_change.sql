-- UPDATE of the key column: the old key's TVIEW row goes, the new key's row comes.
CREATE TABLE tb_kc (pk_kc int PRIMARY KEY, v text);
INSERT INTO tb_kc VALUES (1, 'a'), (2, 'b'), (3, 'c');
CREATE TABLE tv_kc AS SELECT pk_kc, v FROM tb_kc;
SELECT oracle_register('tv_kc', 'SELECT pk_kc, v FROM tb_kc');
SELECT oracle_check();

UPDATE tb_kc SET pk_kc = 10 WHERE pk_kc = 1;
SELECT oracle_check();
SELECT * FROM tv_kc ORDER BY pk_kc;
-- Key and payload together.
UPDATE tb_kc SET pk_kc = 20, v = 'bb' WHERE pk_kc = 2;
SELECT oracle_check();
-- Shifting every key in one statement, new keys overlapping old ones (the base primary key is
-- made deferrable so that the statement can pass through duplicates).
ALTER TABLE tb_kc DROP CONSTRAINT tb_kc_pkey;
ALTER TABLE tb_kc ADD PRIMARY KEY (pk_kc) DEFERRABLE INITIALLY DEFERRED;
UPDATE tb_kc SET pk_kc = pk_kc + 10;
SELECT oracle_check();
SELECT * FROM tv_kc ORDER BY pk_kc;
-- Swapping two keys in one statement.
UPDATE tb_kc SET pk_kc = CASE pk_kc WHEN 20 THEN 30 WHEN 30 THEN 20 ELSE pk_kc END;
SELECT oracle_check();
SELECT * FROM tv_kc ORDER BY pk_kc;
-- A key moved back to a value used earlier.
UPDATE tb_kc SET pk_kc = 1 WHERE v = 'a';
SELECT oracle_check();
SELECT * FROM tv_kc ORDER BY pk_kc;

-- A TVIEW keyed by a text column.
CREATE TABLE tb_kct (code text PRIMARY KEY, v int);
INSERT INTO tb_kct VALUES ('x', 1), ('y', 2);
CREATE TABLE tv_kct AS SELECT code AS pk_kct, v FROM tb_kct;
SELECT oracle_register('tv_kct', 'SELECT code AS pk_kct, v FROM tb_kct');
UPDATE tb_kct SET code = 'z' WHERE code = 'x';
SELECT oracle_check();
UPDATE tb_kct SET code = upper(code);
SELECT oracle_check();
SELECT * FROM tv_kct ORDER BY pk_kct;

DROP TABLE tv_kct, tv_kc;
DROP TABLE tb_kct, tb_kc;
SELECT oracle_check();
