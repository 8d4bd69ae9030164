-- User triggers on the base table: a BEFORE ROW trigger that rewrites a column the TVIEW reads
-- (what the TVIEW shows is the stored value), and AFTER triggers that write the base table
-- again; the TVIEW equals its definition after every statement.
CREATE TABLE tb_utrg (pk_utrg int PRIMARY KEY, title text, slug text, audit int NOT NULL DEFAULT 0);
CREATE TABLE utrg_log (pk int, op text);
CREATE FUNCTION utrg_normalize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.title := upper(NEW.title);
    NEW.slug := lower(replace(NEW.title, ' ', '-'));
    RETURN NEW;
END $$;
CREATE TRIGGER a_normalize BEFORE INSERT OR UPDATE ON tb_utrg
    FOR EACH ROW EXECUTE FUNCTION utrg_normalize();
CREATE FUNCTION utrg_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO utrg_log VALUES (coalesce(NEW.pk_utrg, OLD.pk_utrg), TG_OP);
    RETURN NULL;
END $$;
CREATE TRIGGER z_log AFTER INSERT OR UPDATE OR DELETE ON tb_utrg
    FOR EACH ROW EXECUTE FUNCTION utrg_log();

INSERT INTO tb_utrg (pk_utrg, title) VALUES (1, 'hello world'), (2, 'second post');
CREATE TABLE tv_utrg AS SELECT pk_utrg, jsonb_build_object('title', title, 'slug', slug) AS data FROM tb_utrg;
SELECT oracle_register('tv_utrg', $$SELECT pk_utrg, jsonb_build_object('title', title, 'slug', slug) AS data FROM tb_utrg$$);
SELECT oracle_check();
SELECT * FROM tv_utrg ORDER BY pk_utrg;

INSERT INTO tb_utrg (pk_utrg, title) VALUES (3, 'third one');
SELECT oracle_check();
-- The BEFORE trigger also rewrites slug, which the UPDATE does not name.
UPDATE tb_utrg SET title = 'changed' WHERE pk_utrg = 1;
SELECT oracle_check();
UPDATE tb_utrg SET audit = audit + 1 WHERE pk_utrg = 2;
SELECT oracle_check();
SELECT * FROM tv_utrg ORDER BY pk_utrg;

-- A BEFORE trigger that rewrites a column the TVIEW reads when the UPDATE names only audit,
-- a column the TVIEW does not read.
CREATE FUNCTION utrg_sneaky() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.audit > 1 THEN
        NEW.title := 'AUDITED ' || NEW.pk_utrg;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER b_sneaky BEFORE UPDATE ON tb_utrg FOR EACH ROW EXECUTE FUNCTION utrg_sneaky();
UPDATE tb_utrg SET audit = 5 WHERE pk_utrg = 3;
SELECT oracle_check();
SELECT * FROM tv_utrg ORDER BY pk_utrg;

-- A BEFORE trigger that cancels some rows.
CREATE FUNCTION utrg_skip() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.pk_utrg = 1 THEN RETURN NULL; END IF;
        RETURN OLD;
    END IF;
    IF NEW.pk_utrg = 99 THEN RETURN NULL; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER c_skip BEFORE INSERT OR DELETE ON tb_utrg FOR EACH ROW EXECUTE FUNCTION utrg_skip();
INSERT INTO tb_utrg (pk_utrg, title) VALUES (4, 'four'), (99, 'never');
SELECT oracle_check();
DELETE FROM tb_utrg WHERE pk_utrg IN (1, 4);
SELECT oracle_check();
SELECT * FROM tv_utrg ORDER BY pk_utrg;

-- An AFTER statement trigger that writes the base table again.
CREATE FUNCTION utrg_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1 THEN
        UPDATE tb_utrg SET title = title || ' (touched)' WHERE pk_utrg = 2;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER d_touch AFTER INSERT ON tb_utrg FOR EACH STATEMENT EXECUTE FUNCTION utrg_touch();
INSERT INTO tb_utrg (pk_utrg, title) VALUES (5, 'five');
SELECT oracle_check();
SELECT * FROM tv_utrg ORDER BY pk_utrg;
SELECT op, count(*) FROM utrg_log GROUP BY op ORDER BY op;

DROP TABLE tv_utrg;
DROP TABLE tb_utrg, utrg_log;
DROP FUNCTION utrg_normalize(), utrg_log(), utrg_sneaky(), utrg_skip(), utrg_touch();
SELECT oracle_check();
