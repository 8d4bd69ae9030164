-- A PL/pgSQL exception block that writes and then raises: its writes, and their TVIEW
-- changes, are undone; writes outside the block remain.
CREATE TABLE tb_exc (pk_exc int PRIMARY KEY, v text);
INSERT INTO tb_exc VALUES (1, 'a'), (2, 'b');
CREATE TABLE tv_exc AS SELECT pk_exc, v FROM tb_exc;
SELECT oracle_register('tv_exc', 'SELECT pk_exc, v FROM tb_exc');
SELECT oracle_check();

CREATE FUNCTION exc_write_then_raise(first int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    seen text;
BEGIN
    INSERT INTO tb_exc VALUES (first, 'outside block');
    BEGIN
        INSERT INTO tb_exc VALUES (first + 1, 'inside block');
        UPDATE tb_exc SET v = 'changed inside' WHERE pk_exc = 1;
        DELETE FROM tb_exc WHERE pk_exc = 2;
        -- The block's writes are visible in the TVIEW before the error.
        IF oracle_check() <> 'ok' THEN
            RAISE EXCEPTION 'stale inside block: %', oracle_check();
        END IF;
        RAISE EXCEPTION 'boom';
    EXCEPTION WHEN raise_exception THEN
        seen := SQLERRM;
    END;
    RETURN seen || ', then ' || oracle_check();
END $$;

SELECT exc_write_then_raise(10);
SELECT oracle_check();
SELECT * FROM tv_exc ORDER BY pk_exc;

-- An error from the database (unique violation) caught by the block.
CREATE FUNCTION exc_unique_violation() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        UPDATE tb_exc SET v = 'doomed' WHERE pk_exc = 10;
        INSERT INTO tb_exc VALUES (1, 'duplicate');
    EXCEPTION WHEN unique_violation THEN
        RETURN 'caught unique_violation, ' || oracle_check();
    END;
    RETURN 'not reached';
END $$;

SELECT exc_unique_violation();
SELECT oracle_check();
SELECT * FROM tv_exc ORDER BY pk_exc;

-- Nested blocks: the inner one fails and is caught, the outer one succeeds.
DO $$
BEGIN
    BEGIN
        INSERT INTO tb_exc VALUES (20, 'outer');
        BEGIN
            INSERT INTO tb_exc VALUES (21, 'inner');
            PERFORM 1 / 0;
        EXCEPTION WHEN division_by_zero THEN
            NULL;
        END;
        INSERT INTO tb_exc VALUES (22, 'outer again');
    END;
END $$;
SELECT oracle_check();
SELECT * FROM tv_exc ORDER BY pk_exc;

-- The same inside an explicit transaction, then rolled back.
BEGIN;
SELECT exc_write_then_raise(30);
SELECT oracle_check();
ROLLBACK;
SELECT oracle_check();
SELECT * FROM tv_exc ORDER BY pk_exc;

DROP FUNCTION exc_write_then_raise(int), exc_unique_violation();
DROP TABLE tv_exc;
DROP TABLE tb_exc;
SELECT oracle_check();
