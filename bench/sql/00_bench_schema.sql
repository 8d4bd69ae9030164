-- The benchmark's own bookkeeping: run once per run, survives across sizes.
--   bench.sample      one row per timed operation (and one untimed warm-up per variant and op)
--   bench.size_info   facts about the data set of each size
--   bench.check       the correctness checks run after each size
--   bench.definition  the product document's SELECT, shared by every variant
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_walinspect;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

CREATE TABLE bench.sample (
    size         integer NOT NULL,
    op           text    NOT NULL,
    variant      text    NOT NULL,
    rep          integer NOT NULL,          -- 0 = warm-up, not reported
    target       integer NOT NULL,
    exec_ms      float8  NOT NULL,          -- the write statement, incl. read-model maintenance
    commit_ms    float8  NOT NULL,          -- COMMIT (WAL flush: synchronous_commit is on)
    wal_bytes    bigint  NOT NULL,          -- WAL inserted by the statement and its commit
    wal_fpi      bigint  NOT NULL,          -- ... of which full-page images
    wal_records  bigint  NOT NULL,          -- WAL records
    base_tuples  bigint  NOT NULL,          -- tuples inserted/updated/deleted in base tables
    rm_tuples    bigint  NOT NULL,          -- ... in the read model (tv_product / mv_product)
    rm_hot       bigint  NOT NULL,          -- HOT updates in the read model
    PRIMARY KEY (size, op, variant, rep)
);

CREATE TABLE bench.size_info (
    size        integer PRIMARY KEY,
    categories  integer,
    suppliers   integer,
    products    integer,
    reviews     bigint,
    avg_doc_bytes integer,
    setup_s     float8,
    measure_s   float8
);

CREATE TABLE bench.check (
    size    integer,
    name    text,
    ok      boolean,
    PRIMARY KEY (size, name)
);

-- The product document. Unqualified names: every variant creates it with its own schema first
-- on the search_path, so each variant reads its own copy of the base tables.
CREATE FUNCTION bench.definition() RETURNS text LANGUAGE sql IMMUTABLE AS $def$ SELECT $q$
SELECT p.pk_product,
       p.id,
       p.fk_category,
       p.fk_supplier,
       jsonb_build_object(
           'id', p.id,
           'name', p.name,
           'price', p.price,
           'category', jsonb_build_object('id', c.id, 'name', c.name),
           'supplier', jsonb_build_object('id', s.id, 'name', s.name, 'country', s.country),
           'inventory', CASE WHEN i.pk_inventory IS NULL THEN NULL
                             ELSE jsonb_build_object('quantity', i.quantity, 'warehouse', i.warehouse) END,
           'review_count', (SELECT count(*) FROM tb_review r WHERE r.fk_product = p.pk_product),
           'average_rating', (SELECT round(avg(r.rating), 2) FROM tb_review r WHERE r.fk_product = p.pk_product),
           'recent_reviews', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'rating', r.rating,
                                                                           'body', r.body, 'created_at', r.created_at)
                                                        ORDER BY r.created_at DESC, r.pk_review DESC), '[]')
                                FROM (SELECT * FROM tb_review r5
                                       WHERE r5.fk_product = p.pk_product
                                       ORDER BY r5.created_at DESC, r5.pk_review DESC
                                       LIMIT 5) r)
       ) AS data
  FROM tb_product p
  JOIN tb_category c ON c.pk_category = p.fk_category
  JOIN tb_supplier s ON s.pk_supplier = p.fk_supplier
  LEFT JOIN tb_inventory i ON i.fk_product = p.pk_product
$q$ $def$;

-- The base tables of one variant, in schema s, without secondary indexes (built after loading).
CREATE FUNCTION bench.create_base_tables(s text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($ddl$
        CREATE SCHEMA %1$I;
        CREATE TABLE %1$I.tb_category (
            pk_category integer PRIMARY KEY,
            id          uuid    NOT NULL,
            name        text    NOT NULL);
        CREATE TABLE %1$I.tb_supplier (
            pk_supplier integer PRIMARY KEY,
            id          uuid    NOT NULL,
            name        text    NOT NULL,
            country     text    NOT NULL);
        CREATE TABLE %1$I.tb_product (
            pk_product  integer PRIMARY KEY,
            id          uuid    NOT NULL,
            name        text    NOT NULL,
            price       numeric(12,2) NOT NULL,
            fk_category integer NOT NULL REFERENCES %1$I.tb_category,
            fk_supplier integer NOT NULL REFERENCES %1$I.tb_supplier);
        CREATE TABLE %1$I.tb_inventory (
            pk_inventory integer PRIMARY KEY,
            fk_product   integer NOT NULL UNIQUE REFERENCES %1$I.tb_product,
            quantity     integer NOT NULL,
            warehouse    text    NOT NULL);
        CREATE TABLE %1$I.tb_review (
            pk_review   bigint  PRIMARY KEY,
            id          uuid    NOT NULL,
            fk_product  integer NOT NULL REFERENCES %1$I.tb_product,
            rating      integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
            body        text    NOT NULL,
            created_at  timestamptz NOT NULL);
    $ddl$, s);
END $$;

-- Every foreign key column is indexed; the review index also serves "five most recent".
CREATE FUNCTION bench.create_base_indexes(s text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($ddl$
        CREATE INDEX ON %1$I.tb_product (fk_category);
        CREATE INDEX ON %1$I.tb_product (fk_supplier);
        CREATE INDEX ON %1$I.tb_review (fk_product, created_at DESC, pk_review DESC);
    $ddl$, s);
END $$;

-- Generates the data set once, in schema gen, deterministically (fixed seed, md5-derived UUIDs).
-- Categories: products/50, so a category rename touches exactly 50 product documents.
CREATE FUNCTION bench.generate(n integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ncat integer := greatest(n / 50, 1);
    nsup integer := greatest(n / 100, 10);
BEGIN
    PERFORM bench.create_base_tables('gen');
    PERFORM setseed(0.4242);
    INSERT INTO gen.tb_category
    SELECT g, md5('category ' || g)::uuid, 'Category ' || g FROM generate_series(1, ncat) g;
    INSERT INTO gen.tb_supplier
    SELECT g, md5('supplier ' || g)::uuid, 'Supplier ' || g,
           (ARRAY['FR','DE','US','JP','BR','IN','NL','SE'])[1 + (g % 8)]
      FROM generate_series(1, nsup) g;
    -- Round-robin categories (every category has n/ncat products, spread over the heap);
    -- random suppliers and prices.
    INSERT INTO gen.tb_product
    SELECT g, md5('product ' || g)::uuid, 'Product ' || g || ' ' || substr(md5(g::text), 1, 12),
           round((1 + random() * 999)::numeric, 2),
           1 + (g - 1) % ncat,
           1 + floor(random() * nsup)::int
      FROM generate_series(1, n) g;
    INSERT INTO gen.tb_inventory
    SELECT g, g, floor(random() * 500)::int, 'WH-' || (1 + g % 5)
      FROM generate_series(1, n) g;
    -- 0 to 16 reviews per product (8 on average), bodies of 12 to 192 characters.
    INSERT INTO gen.tb_review
    SELECT row_number() OVER (ORDER BY p, k), md5('review ' || p || ' ' || k)::uuid, p,
           1 + floor(random() * 5)::int,
           repeat('great product ', 1 + floor(random() * 14)::int),
           timestamptz '2020-01-01 00:00+00' + random() * interval '1500 days'
      FROM generate_series(1, n) p,
           LATERAL generate_series(1, floor(random() * 17)::int + (p * 0)) k;
END $$;

-- Copies gen into variant schema s (identical data), then indexes it.
CREATE FUNCTION bench.copy_base(s text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    PERFORM bench.create_base_tables(s);
    FOREACH t IN ARRAY ARRAY['tb_category', 'tb_supplier', 'tb_product', 'tb_inventory', 'tb_review'] LOOP
        EXECUTE format('INSERT INTO %I.%I SELECT * FROM gen.%I', s, t, t);
    END LOOP;
    PERFORM bench.create_base_indexes(s);
END $$;
