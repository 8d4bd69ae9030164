-- The C++/PostgreSQL boundary: a C++ exception and a PostgreSQL error raised under C++ frames
-- both become ordinary ERRORs with the right SQLSTATE, every C++ object is destroyed, and the
-- session (and the TVIEWs it maintains) keeps working.
\set SHOW_CONTEXT never
CREATE TABLE tb_boundary (pk_boundary int PRIMARY KEY, label text);
INSERT INTO tb_boundary VALUES (1, 'one'), (2, 'two');
SELECT create_tview('boundary', 'SELECT pk_boundary, upper(label) AS label FROM tb_boundary');
SELECT oracle_check();

SELECT pg_tviews_selftest('live');

-- A C++ exception without a SQLSTATE of its own: internal_error.
SELECT pg_tviews_selftest('cxx');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_selftest('live');

-- A C++ error that carries its SQLSTATE: invalid_parameter_value.
SELECT pg_tviews_selftest('tviews');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_selftest('live');

-- A PostgreSQL error (division by zero) raised while C++ objects are alive.
SELECT pg_tviews_selftest('pg');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_selftest('live');

-- An unknown kind is a clean error too; NULL is NULL (the function is strict).
SELECT pg_tviews_selftest('no such kind');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_tviews_selftest(NULL) IS NULL AS is_null;

-- Inside a transaction: each error aborts it, a savepoint recovers, nothing leaks.
BEGIN;
SAVEPOINT s1;
SELECT pg_tviews_selftest('cxx');
ROLLBACK TO SAVEPOINT s1;
SELECT pg_tviews_selftest('pg');
ROLLBACK TO SAVEPOINT s1;
INSERT INTO tb_boundary VALUES (3, 'three');
SELECT oracle_check();
SELECT pg_tviews_selftest('live');
COMMIT;
SELECT oracle_check();

-- Repeated errors do not accumulate anything.
DO $$
BEGIN
    FOR i IN 1..100 LOOP
        BEGIN
            PERFORM pg_tviews_selftest(CASE i % 3 WHEN 0 THEN 'cxx' WHEN 1 THEN 'tviews' ELSE 'pg' END);
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END LOOP;
END $$;
SELECT pg_tviews_selftest('live');

-- The session still maintains TVIEWs after all of the above.
UPDATE tb_boundary SET label = 'deux' WHERE pk_boundary = 2;
SELECT oracle_check();
DELETE FROM tb_boundary WHERE pk_boundary = 1;
SELECT oracle_check();
SELECT * FROM tv_boundary ORDER BY pk_boundary;
SELECT pg_tviews_verify('tv_boundary');

DROP TABLE tv_boundary;
DROP TABLE tb_boundary;
SELECT oracle_check();
