-- A mutation function writes the base table, then reads and returns the fresh TVIEW document
-- in the same transaction (read-your-writes), statement after statement.
CREATE TABLE tb_ryw (pk_ryw int PRIMARY KEY, title text NOT NULL, likes int NOT NULL DEFAULT 0);
INSERT INTO tb_ryw VALUES (1, 'first', 0);
CREATE TABLE tv_ryw AS SELECT pk_ryw, jsonb_build_object('title', title, 'likes', likes) AS data FROM tb_ryw;
SELECT oracle_register('tv_ryw', $$SELECT pk_ryw, jsonb_build_object('title', title, 'likes', likes) AS data FROM tb_ryw$$);
SELECT oracle_check();

CREATE FUNCTION ryw_create_post(p_id int, p_title text) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tb_ryw (pk_ryw, title) VALUES (p_id, p_title);
    RETURN (SELECT data FROM tv_ryw WHERE pk_ryw = p_id);
END $$;

CREATE FUNCTION ryw_like(p_id int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb;
BEGIN
    UPDATE tb_ryw SET likes = likes + 1 WHERE pk_ryw = p_id;
    SELECT data INTO doc FROM tv_ryw WHERE pk_ryw = p_id;
    UPDATE tb_ryw SET likes = likes + 1 WHERE pk_ryw = p_id;
    -- The second read sees the second write.
    RETURN jsonb_build_array(doc, (SELECT data FROM tv_ryw WHERE pk_ryw = p_id));
END $$;

CREATE FUNCTION ryw_delete(p_id int) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tb_ryw WHERE pk_ryw = p_id;
    RETURN NOT EXISTS (SELECT 1 FROM tv_ryw WHERE pk_ryw = p_id);
END $$;

-- A SQL-language function: each statement sees the previous one's refresh.
CREATE FUNCTION ryw_rename(p_id int, p_title text) RETURNS jsonb LANGUAGE sql AS $$
    UPDATE tb_ryw SET title = p_title WHERE pk_ryw = p_id;
    SELECT data FROM tv_ryw WHERE pk_ryw = p_id;
$$;

SELECT ryw_create_post(2, 'second');
SELECT oracle_check();
SELECT ryw_like(2);
SELECT oracle_check();
SELECT ryw_rename(2, 'renamed');
SELECT oracle_check();

BEGIN;
SELECT ryw_create_post(3, 'third');
SELECT oracle_check();
SELECT ryw_like(3);
SELECT oracle_check();
SELECT ryw_delete(3);
SELECT oracle_check();
ROLLBACK;
SELECT oracle_check();

-- Interleaved in a DO block with the oracle called between writes.
DO $$
DECLARE
    problems text := '';
BEGIN
    FOR i IN 10..14 LOOP
        INSERT INTO tb_ryw VALUES (i, 'loop ' || i, i);
        IF (SELECT data->>'title' FROM tv_ryw WHERE pk_ryw = i) IS DISTINCT FROM 'loop ' || i THEN
            problems := problems || ' missing ' || i;
        END IF;
        UPDATE tb_ryw SET likes = likes * 2 WHERE pk_ryw = i;
        IF (SELECT (data->>'likes')::int FROM tv_ryw WHERE pk_ryw = i) IS DISTINCT FROM i * 2 THEN
            problems := problems || ' stale ' || i;
        END IF;
        IF oracle_check() <> 'ok' THEN
            problems := problems || ' oracle ' || i;
        END IF;
    END LOOP;
    RAISE NOTICE 'problems:%', CASE WHEN problems = '' THEN ' none' ELSE problems END;
END $$;
SELECT oracle_check();
SELECT * FROM tv_ryw ORDER BY pk_ryw;

DROP FUNCTION ryw_create_post(int, text), ryw_like(int), ryw_delete(int), ryw_rename(int, text);
DROP TABLE tv_ryw;
DROP TABLE tb_ryw;
SELECT oracle_check();
