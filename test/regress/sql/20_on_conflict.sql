-- INSERT ... ON CONFLICT DO UPDATE and DO NOTHING are reflected (both the insert and the update
-- paths of the statement).
CREATE TABLE tb_upsert (pk_upsert int PRIMARY KEY, name text, hits int NOT NULL DEFAULT 0);
INSERT INTO tb_upsert VALUES (1, 'one', 1), (2, 'two', 1);
CREATE TABLE tv_upsert AS SELECT pk_upsert, jsonb_build_object('name', name, 'hits', hits) AS data FROM tb_upsert;
SELECT oracle_register('tv_upsert', $$SELECT pk_upsert, jsonb_build_object('name', name, 'hits', hits) AS data FROM tb_upsert$$);
SELECT oracle_check();

-- DO UPDATE: one conflicting row.
INSERT INTO tb_upsert VALUES (1, 'uno', 1)
    ON CONFLICT (pk_upsert) DO UPDATE SET name = EXCLUDED.name, hits = tb_upsert.hits + 1;
SELECT oracle_check();
-- DO UPDATE: a mix of new and conflicting rows in one statement.
INSERT INTO tb_upsert VALUES (2, 'dos', 1), (3, 'tres', 1), (4, 'cuatro', 1)
    ON CONFLICT (pk_upsert) DO UPDATE SET name = EXCLUDED.name, hits = tb_upsert.hits + 1;
SELECT oracle_check();
SELECT * FROM tv_upsert ORDER BY pk_upsert;
-- DO UPDATE with a WHERE that skips the update.
INSERT INTO tb_upsert VALUES (1, 'ignored', 1), (5, 'cinco', 1)
    ON CONFLICT (pk_upsert) DO UPDATE SET name = EXCLUDED.name WHERE tb_upsert.hits > 100;
SELECT oracle_check();
-- DO NOTHING: conflicting rows skipped, new ones inserted.
INSERT INTO tb_upsert VALUES (1, 'skipped', 9), (6, 'seis', 1) ON CONFLICT DO NOTHING;
SELECT oracle_check();
INSERT INTO tb_upsert VALUES (2, 'skipped', 9) ON CONFLICT (pk_upsert) DO NOTHING;
SELECT oracle_check();
SELECT * FROM tv_upsert ORDER BY pk_upsert;
-- Upsert with RETURNING, inside a transaction.
BEGIN;
WITH upserted AS (
    INSERT INTO tb_upsert VALUES (6, 'six', 1), (7, 'siete', 1)
        ON CONFLICT (pk_upsert) DO UPDATE SET name = EXCLUDED.name, hits = tb_upsert.hits + 1
        RETURNING pk_upsert, name, hits)
SELECT * FROM upserted ORDER BY pk_upsert;
SELECT oracle_check();
SELECT * FROM tv_upsert WHERE pk_upsert >= 6 ORDER BY pk_upsert;
COMMIT;
SELECT oracle_check();

-- An upsert that changes the key on conflict.
INSERT INTO tb_upsert VALUES (7, 'moved', 1)
    ON CONFLICT (pk_upsert) DO UPDATE SET pk_upsert = 70;
SELECT oracle_check();
SELECT * FROM tv_upsert ORDER BY pk_upsert;

DROP TABLE tv_upsert;
DROP TABLE tb_upsert;
SELECT oracle_check();
