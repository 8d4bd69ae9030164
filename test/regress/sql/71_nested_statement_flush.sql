-- A statement nested in a subtransaction that rolls back must not take the keys its enclosing
-- statement queued: a user AFTER STATEMENT trigger whose PL/pgSQL block runs a statement inside
-- an EXCEPTION clause, then fails and is caught. Before the fix the nested statement's end
-- flushed the outer keys inside the doomed subtransaction: the refresh was undone, the keys
-- lost, and the TVIEW stale.
CREATE TABLE tb_a (pk_a int PRIMARY KEY, v int);
CREATE TABLE tb_side (pk_side int PRIMARY KEY, v int);
CREATE TABLE tv_a AS SELECT pk_a, v FROM tb_a;
CREATE TABLE tv_side AS SELECT pk_side, v FROM tb_side;
SELECT oracle_register('tv_a', 'SELECT pk_a, v FROM tb_a');
SELECT oracle_register('tv_side', 'SELECT pk_side, v FROM tb_side');

-- The repro of the report: the block reads, raises, and the handler swallows the error.
CREATE FUNCTION a_read_and_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM count(*) FROM tb_a;
        RAISE EXCEPTION 'x';
    EXCEPTION WHEN others THEN
        NULL;
    END;
    RETURN NULL;
END $$;
-- Triggers fire in name order: one before the capture triggers (pg_tviews_capture_*), one after.
CREATE TRIGGER a_before AFTER INSERT OR UPDATE OR DELETE ON tb_a
    FOR EACH STATEMENT EXECUTE FUNCTION a_read_and_fail();
CREATE TRIGGER z_after AFTER INSERT OR UPDATE OR DELETE ON tb_a
    FOR EACH STATEMENT EXECUTE FUNCTION a_read_and_fail();
INSERT INTO tb_a VALUES (1, 1);
SELECT pg_tviews_verify('tv_a'), oracle_check();
UPDATE tb_a SET v = 2 WHERE pk_a = 1;
INSERT INTO tb_a VALUES (2, 20), (3, 30);
DELETE FROM tb_a WHERE pk_a = 3;
SELECT * FROM tv_a ORDER BY pk_a;
SELECT oracle_check();

-- The block writes another base table and commits (no error): its own keys are refreshed at
-- its end, the outer ones at the outer statement's end.
CREATE FUNCTION a_write_side() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO tb_side SELECT pk_a, v FROM new_rows ON CONFLICT (pk_side) DO UPDATE SET v = EXCLUDED.v;
    EXCEPTION WHEN others THEN
        RAISE;
    END;
    RETURN NULL;
END $$;
CREATE TRIGGER m_side AFTER INSERT ON tb_a REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION a_write_side();
INSERT INTO tb_a VALUES (4, 40), (5, 50);
SELECT * FROM tv_side ORDER BY pk_side;
SELECT oracle_check();

-- The block writes another base table and then fails: the side write and its refresh are both
-- undone, the outer statement's refresh stands.
CREATE OR REPLACE FUNCTION a_write_side() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO tb_side SELECT pk_a, v FROM new_rows ON CONFLICT (pk_side) DO UPDATE SET v = EXCLUDED.v;
        UPDATE tb_a SET v = v + 1000;  -- queued by the nested statement, then rolled back
        RAISE EXCEPTION 'undo the side write';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
    RETURN NULL;
END $$;
INSERT INTO tb_a VALUES (6, 60);
SELECT * FROM tv_a ORDER BY pk_a;
SELECT * FROM tv_side ORDER BY pk_side;
SELECT oracle_check();

-- Savepoints inside a transaction, around the same triggers.
BEGIN;
INSERT INTO tb_a VALUES (7, 70);
SAVEPOINT s1;
UPDATE tb_a SET v = 700 WHERE pk_a = 7;
ROLLBACK TO SAVEPOINT s1;
UPDATE tb_a SET v = 701 WHERE pk_a = 7;
SELECT oracle_check();
COMMIT;
SELECT * FROM tv_a WHERE pk_a = 7;
SELECT oracle_check();

-- A nested statement in a function called by an outer statement, two exception levels deep.
CREATE FUNCTION a_nested_levels() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tb_a SET v = v + 1 WHERE pk_a = 1;
    BEGIN
        UPDATE tb_a SET v = v + 10 WHERE pk_a = 2;
        BEGIN
            UPDATE tb_a SET v = v + 100 WHERE pk_a = 4;
            RAISE EXCEPTION 'inner';
        EXCEPTION WHEN raise_exception THEN
            NULL;
        END;
        PERFORM count(*) FROM tb_a;
    END;
    RETURN (SELECT count(*) FROM tv_a);
END $$;
SELECT a_nested_levels();
SELECT * FROM tv_a ORDER BY pk_a;
SELECT oracle_check();

DROP TABLE tv_a, tv_side, tb_a, tb_side;
DROP FUNCTION a_read_and_fail(), a_write_side(), a_nested_levels();
