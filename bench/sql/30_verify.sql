-- After the measurements of one size: every read model equals its definition evaluated now
-- (EXCEPT ALL both ways), and the three maintained tables (b, c, c2), which saw exactly the
-- same writes, hold identical documents. A benchmark of a read model that is wrong is worthless.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION bench.equals_definition(s text, rel text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    ok boolean;
    def text := bench.definition();
BEGIN
    PERFORM set_config('search_path', quote_ident(s) || ', public', true);
    EXECUTE format('SELECT NOT EXISTS (SELECT * FROM %1$I.%2$I EXCEPT ALL (%3$s))
                       AND NOT EXISTS ((%3$s) EXCEPT ALL SELECT * FROM %1$I.%2$I)', s, rel, def)
       INTO ok;
    PERFORM set_config('search_path', 'public', true);
    RETURN ok;
END $$;

CREATE OR REPLACE FUNCTION bench.tables_equal(l text, r text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE ok boolean;
BEGIN
    EXECUTE format('SELECT NOT EXISTS (SELECT * FROM %1$s EXCEPT ALL SELECT * FROM %2$s)
                       AND NOT EXISTS (SELECT * FROM %2$s EXCEPT ALL SELECT * FROM %1$s)', l, r)
       INTO ok;
    RETURN ok;
END $$;

INSERT INTO bench.check (size, name, ok)
VALUES (:n_products, 'b.tv_product = definition (pg_tviews_verify)', pg_tviews_verify('b.tv_product')),
       (:n_products, 'b.tv_product = definition (EXCEPT ALL)', bench.equals_definition('b', 'tv_product')),
       (:n_products, 'c.tv_product = definition (EXCEPT ALL)', bench.equals_definition('c', 'tv_product')),
       (:n_products, 'c2.tv_product = definition (EXCEPT ALL)', bench.equals_definition('c2', 'tv_product')),
       (:n_products, 'd.mv_product = definition (EXCEPT ALL)', bench.equals_definition('d', 'mv_product')),
       (:n_products, 'b.tv_product = c.tv_product = c2.tv_product',
        bench.tables_equal('b.tv_product', 'c.tv_product') AND bench.tables_equal('b.tv_product', 'c2.tv_product')),
       (:n_products, 'base tables of a, b, c, c2 identical',
        bench.tables_equal('a.tb_product', 'b.tb_product') AND bench.tables_equal('a.tb_product', 'c.tb_product')
        AND bench.tables_equal('a.tb_product', 'c2.tb_product') AND bench.tables_equal('a.tb_category', 'b.tb_category')
        AND bench.tables_equal('a.tb_review', 'b.tb_review') AND bench.tables_equal('a.tb_review', 'c.tb_review')
        AND bench.tables_equal('a.tb_review', 'c2.tb_review'))
ON CONFLICT (size, name) DO UPDATE SET ok = EXCLUDED.ok;

SELECT name AS check, CASE WHEN ok THEN 'ok' ELSE 'FAILED' END AS result
  FROM bench.check WHERE size = :n_products ORDER BY name;
