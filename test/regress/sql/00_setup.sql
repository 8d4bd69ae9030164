-- The test oracle, independent of the code under test: it knows each TVIEW only by the
-- definition text the test registered, evaluates that text now and compares it with the table
-- row for row (EXCEPT ALL both ways). Every test calls oracle_check() after every step.
CREATE EXTENSION IF NOT EXISTS pg_tviews;

CREATE TABLE oracle_defs (
    tview      regclass PRIMARY KEY,
    definition text     NOT NULL
);

-- Records (or replaces) the definition a TVIEW must equal.
CREATE FUNCTION oracle_register(tview text, definition text) RETURNS regclass
LANGUAGE sql AS $$
    INSERT INTO oracle_defs VALUES (tview::regclass, definition)
    ON CONFLICT (tview) DO UPDATE SET definition = EXCLUDED.definition
    RETURNING tview
$$;

-- 'ok' when every registered TVIEW that still exists equals its definition evaluated now;
-- otherwise one line per mismatching TVIEW with the number of extra and missing rows.
CREATE FUNCTION oracle_check() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r       record;
    extra   bigint;
    missing bigint;
    report  text[] := '{}';
BEGIN
    FOR r IN
        SELECT o.tview, o.definition
          FROM oracle_defs o
         WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = o.tview)
         ORDER BY o.tview::text
    LOOP
        EXECUTE format('SELECT count(*) FROM (TABLE %s EXCEPT ALL (%s)) d', r.tview, r.definition)
           INTO extra;
        EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL TABLE %s) d', r.definition, r.tview)
           INTO missing;
        IF extra <> 0 OR missing <> 0 THEN
            report := report || format('%s: %s extra, %s missing', r.tview, extra, missing);
        END IF;
    END LOOP;
    IF cardinality(report) = 0 THEN
        RETURN 'ok';
    END IF;
    RETURN array_to_string(report, '; ');
END $$;

-- Creates a TVIEW with pg_tviews_create() and registers its definition with the oracle.
CREATE FUNCTION create_tview(name text, definition text, options jsonb DEFAULT '{}')
RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    created regclass;
BEGIN
    created := pg_tviews_create(name, definition, options);
    PERFORM oracle_register(created::text, definition);
    RETURN created;
END $$;

-- Everything the extension can leave behind, counted; used to show that a refused or dropped
-- TVIEW left nothing: tv_* tables, catalog rows, definition views, capture triggers.
CREATE FUNCTION tviews_footprint() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    tables   bigint;
    tviews   bigint := 0;
    sources  bigint := 0;
    views    bigint := 0;
    triggers bigint;
BEGIN
    SELECT count(*) INTO tables
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname LIKE 'tv\_%' AND c.relkind IN ('r', 'p', 'u', 'v', 'm')
       AND n.nspname NOT IN ('tviews_internal', 'pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\_temp\_%';
    IF to_regclass('tviews_internal.tview') IS NOT NULL THEN
        EXECUTE 'SELECT count(*) FROM tviews_internal.tview' INTO tviews;
        EXECUTE 'SELECT count(*) FROM tviews_internal.source' INTO sources;
        SELECT count(*) INTO views
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'tviews_internal' AND c.relkind = 'v'
           -- the extension's own views there are not definition views
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                            WHERE d.classid = 'pg_catalog.pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e');
    END IF;
    SELECT count(*) INTO triggers
      FROM pg_catalog.pg_trigger t
     WHERE t.tgname LIKE 'pg\_tviews\_capture\_%';
    RETURN format('tv tables %s, catalog tviews %s, catalog sources %s, definition views %s, capture triggers %s',
                  tables, tviews, sources, views, triggers);
END $$;

-- The capture triggers on one table, by name.
CREATE FUNCTION capture_triggers(base regclass) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(tgname, ', ' ORDER BY tgname), 'none')
      FROM pg_catalog.pg_trigger
     WHERE tgrelid = base AND tgname LIKE 'pg\_tviews\_%'
$$;

-- What a refused or dropped TVIEW named tv, on base table base, may have left behind: 'none',
-- or the list of leftovers: the table, catalog rows for its entity whose table is gone, catalog
-- source rows on base whose TVIEW is gone, its definition view, and capture triggers on base
-- although no TVIEW reads base any more. Scoped to tv and base so that tests stay independent.
CREATE FUNCTION leftovers(tv text, base regclass) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found    text[] := '{}';
    short    text := (parse_ident(tv))[cardinality(parse_ident(tv))];
    n        bigint;
    readers  bigint;
BEGIN
    IF to_regclass(tv) IS NOT NULL THEN
        found := found || format('table %s', tv);
    END IF;
    EXECUTE 'SELECT count(*) FROM tviews_internal.tview t
              WHERE t.tview = to_regclass($1)
                 OR (t.entity = substr($2, 4)
                     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = t.tview))'
       INTO n USING tv, short;
    IF n > 0 THEN
        found := found || format('%s catalog tview rows', n);
    END IF;
    EXECUTE 'SELECT count(*) FROM tviews_internal.source s
              WHERE s.base = $1
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = s.tview)'
       INTO n USING base;
    IF n > 0 THEN
        found := found || format('%s catalog source rows', n);
    END IF;
    SELECT count(*) INTO n
      FROM pg_catalog.pg_class c
     WHERE c.relnamespace = 'tviews_internal'::regnamespace AND c.relkind = 'v'
       AND (c.relname = short OR c.relname ~ ('^' || short || '_[0-9]+$'));
    IF n > 0 THEN
        found := found || format('%s definition views', n);
    END IF;
    EXECUTE 'SELECT count(*) FROM tviews_internal.source s WHERE s.base = $1' INTO readers USING base;
    IF readers = 0 AND capture_triggers(base) <> 'none' THEN
        found := found || format('capture triggers %s', capture_triggers(base));
    END IF;
    IF cardinality(found) = 0 THEN
        RETURN 'none';
    END IF;
    RETURN array_to_string(found, ', ');
END $$;

SELECT oracle_check();
SELECT tviews_footprint();

-- The SQLSTATE and message a statement fails with, or 'ok'; for asserting error codes.
CREATE FUNCTION error_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
